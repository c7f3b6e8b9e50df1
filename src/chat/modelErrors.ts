/**
 * Model failures as messages a user can act on. VS Code's LanguageModelError is matched on
 * `.code` or the message, never `instanceof`: the class can be lost across extension hosts
 * (microsoft/vscode#235322).
 */

export type ModelErrorKind = 'no-permissions' | 'blocked' | 'not-found' | 'token-limit' | 'cancelled' | 'other';

export interface ModelErrorInfo {
  kind: ModelErrorKind;
  message: string;
}

const CHOOSE = 'pick another model with "GHL: Choose Chat Model"';

function codeAndMessage(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : '';
  const message = typeof e?.message === 'string' ? e.message : typeof err === 'string' ? err : '';
  return { code, message };
}

export function isTokenLimitError(err: unknown): boolean {
  const { code, message } = codeAndMessage(err);
  return /token.?limit|context.?length/i.test(code) || /exceeds? (the )?(token|context) limit|token limit|too many tokens|context (length|window)|maximum context|prompt is too long|input is too long/i.test(message);
}

export function isAbortError(err: unknown): boolean {
  const { code, message } = codeAndMessage(err);
  return code === 'AbortError' || code === 'Canceled' || code === 'Cancelled' || /^(canceled|cancelled|aborted)$/i.test(message.trim());
}

export function describeModelError(err: unknown, modelName: string): ModelErrorInfo {
  const { code, message } = codeAndMessage(err);
  const has = (word: string) => code.includes(word) || message.includes(word);
  if (has('NoPermissions')) {
    return {
      kind: 'no-permissions',
      message: `GHL is not allowed to use ${modelName}. Send the message again and choose Allow when VS Code asks, or ${CHOOSE}. The slash commands (/find, /deals, /stale, /today) work without a model.`,
    };
  }
  if (has('Blocked')) {
    return {
      kind: 'blocked',
      message: `${modelName} refused the request (a quota, rate limit or content filter). Wait a minute and try again, or ${CHOOSE}.`,
    };
  }
  if (has('NotFound')) {
    return { kind: 'not-found', message: `${modelName} is no longer available. Sign in to its provider again or ${CHOOSE}.` };
  }
  if (isTokenLimitError(err)) {
    return { kind: 'token-limit', message: `The conversation is too long for ${modelName} even after trimming. Clear the chat and ask again, or ${CHOOSE} with a larger context.` };
  }
  if (isAbortError(err)) return { kind: 'cancelled', message: 'Stopped.' };
  const detail = message.trim() ? `: ${message.trim().slice(0, 300)}` : '';
  return { kind: 'other', message: `${modelName} failed${detail}. Try again, or ${CHOOSE}.` };
}
