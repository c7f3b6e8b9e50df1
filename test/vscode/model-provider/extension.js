// A scripted chat model for the VS Code tests (test-only; run.mjs installs it next to the
// product through prepare.mjs). Tests choose its replies per turn with the command
// `ghlTestModel.script` and read what it was sent with `ghlTestModel.requests`:
//
//   { text, chunks?, delayMs? }      answer text, streamed in `chunks` parts `delayMs` apart
//   { toolCall: { name, input } }    ask for a tool call (the caller runs it and sends the result back)
//   { text, hang: true }             stream the text, then wait until the request is cancelled (Stop)
//
// With nothing scripted it answers "(no script)". `ghlTestModel.setAvailable(false)` hides
// the model (no-model mode) until set back to true.
'use strict';
const vscode = require('vscode');

const MODEL = {
  id: 'ghl-test-scripted',
  name: 'Scripted Test Model',
  family: 'scripted',
  version: '1',
  maxInputTokens: 64000,
  maxOutputTokens: 4000,
  tooltip: 'Replies chosen by the test that runs',
  capabilities: { toolCalling: true },
};

let script = [];
let available = true;
const requests = [];
const changed = new vscode.EventEmitter();

const sleep = (ms, token) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    token?.onCancellationRequested(() => {
      clearTimeout(timer);
      resolve();
    });
  });

/** The text a request message carries: text parts, tool calls and tool results. */
function messageText(message) {
  return (Array.isArray(message.content) ? message.content : [])
    .map((part) => {
      if (part instanceof vscode.LanguageModelTextPart) return part.value;
      if (part instanceof vscode.LanguageModelToolResultPart) return `[tool result ${part.callId}] ${part.content.map((c) => (c instanceof vscode.LanguageModelTextPart ? c.value : '')).join('')}`;
      if (part instanceof vscode.LanguageModelToolCallPart) return `[tool call ${part.name}] ${JSON.stringify(part.input)}`;
      return '';
    })
    .join('\n');
}

const provider = {
  onDidChangeLanguageModelChatInformation: changed.event,
  provideLanguageModelChatInformation() {
    return available ? [MODEL] : [];
  },
  async provideLanguageModelChatResponse(_model, messages, options, progress, token) {
    const started = Date.now();
    const record = {
      messages: messages.map((m) => ({ role: m.role === vscode.LanguageModelChatMessageRole.User ? 'user' : 'assistant', text: messageText(m) })),
      tools: (options.tools ?? []).map((t) => t.name),
      cancelled: false,
      ms: 0,
    };
    requests.push(record);
    token.onCancellationRequested(() => (record.cancelled = true));
    const step = script.shift() ?? { text: '(no script)' };
    try {
      if (step.toolCall) {
        progress.report(new vscode.LanguageModelToolCallPart(`call-${requests.length}`, step.toolCall.name, step.toolCall.input ?? {}));
        return;
      }
      const text = String(step.text ?? '');
      const chunks = Math.max(1, step.chunks ?? 1);
      const size = Math.ceil(text.length / chunks) || 1;
      for (let i = 0; i < text.length && !token.isCancellationRequested; i += size) {
        progress.report(new vscode.LanguageModelTextPart(text.slice(i, i + size)));
        if (step.delayMs) await sleep(step.delayMs, token);
      }
      if (step.hang) while (!token.isCancellationRequested) await sleep(50, token);
    } finally {
      record.ms = Date.now() - started;
    }
  },
  async provideTokenCount(_model, text) {
    const s = typeof text === 'string' ? text : messageText(text);
    return Math.ceil(s.length / 4);
  },
};

function activate(context) {
  context.subscriptions.push(
    changed,
    vscode.lm.registerLanguageModelChatProvider('ghl-test', provider),
    vscode.commands.registerCommand('ghlTestModel.script', (steps) => {
      script = Array.isArray(steps) ? [...steps] : [];
      requests.length = 0;
    }),
    vscode.commands.registerCommand('ghlTestModel.requests', () => JSON.parse(JSON.stringify(requests))),
    vscode.commands.registerCommand('ghlTestModel.setAvailable', (value) => {
      available = value !== false;
      changed.fire();
    }),
  );
}

module.exports = { activate, deactivate() {} };
