// The scripted chat model of test/vscode/model-provider (installed beside the product by
// prepare.mjs): choose its replies per test, read what it was sent.
import * as vscode from 'vscode';

export type ModelStep =
  | { text: string; chunks?: number; delayMs?: number; hang?: boolean }
  | { toolCall: { name: string; input: unknown } };

export interface ModelRequest {
  messages: Array<{ role: 'user' | 'assistant'; text: string }>;
  tools: string[];
  cancelled: boolean;
  ms: number;
}

export const testModel = {
  script: (steps: ModelStep[]) => vscode.commands.executeCommand('ghlTestModel.script', steps),
  requests: () => vscode.commands.executeCommand<ModelRequest[]>('ghlTestModel.requests'),
  setAvailable: (available: boolean) => vscode.commands.executeCommand('ghlTestModel.setAvailable', available),
};

/** Waits until VS Code lists the scripted model (or lists none of it). */
export async function waitForModel(present: boolean, timeoutMs = 10_000): Promise<vscode.LanguageModelChat[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const models = await vscode.lm.selectChatModels({ vendor: 'ghl-test' });
    if (models.length > 0 === present) return models;
    if (Date.now() > until) throw new Error(`the scripted model is ${present ? 'not listed' : 'still listed'} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
