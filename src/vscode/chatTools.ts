import * as vscode from 'vscode';
import { agentTools } from '../chat/agentTools';
import type { ChannelClient } from '../chat/channelClient';

/**
 * The GHL tools for every agent in VS Code (Copilot agent mode, `vscode.lm.invokeTool`):
 * the core's agent tools behind `vscode.lm.registerTool`. A write asks the user first with
 * VS Code's own confirmation, which shows exactly what will change or be sent.
 */
export function registerChatTools(client: ChannelClient): vscode.Disposable {
  const tools = agentTools({ client, now: Date.now });
  return vscode.Disposable.from(
    ...tools.map(({ tool, prepare, invoke }) =>
      vscode.lm.registerTool<object>(tool.name, {
        async prepareInvocation(options) {
          const prepared = await prepare(options.input);
          return {
            invocationMessage: prepared.invocationMessage,
            ...(prepared.confirmation
              ? { confirmationMessages: { title: prepared.confirmation.title, message: new vscode.MarkdownString().appendText(prepared.confirmation.message) } }
              : {}),
          };
        },
        async invoke(options) {
          const outcome = await invoke(options.input);
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(outcome.content)]);
        },
      }),
    ),
  );
}
