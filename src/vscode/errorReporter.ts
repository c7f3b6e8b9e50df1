import * as vscode from 'vscode';
import type { ErrorCode, ErrorInfo } from '../protocol/envelope';
import { RequestFailed } from './backendHost';
import { COMMANDS } from './commands/ids';
import type { Logger } from './logger';

export type NextStep = 'Retry' | 'Set API Token' | 'Set Location ID' | 'Show Log';

/** What can fix a failure, by its code: a retry only where trying again can help. */
export function nextSteps(code: ErrorCode, canRetry: boolean): NextStep[] {
  switch (code) {
    case 'AUTH':
      return ['Set API Token', 'Show Log'];
    case 'NOT_CONFIGURED':
      return ['Set API Token', 'Set Location ID'];
    case 'FORBIDDEN':
      return ['Set Location ID', 'Show Log'];
    case 'VALIDATION':
    case 'NOT_FOUND':
    case 'UNKNOWN_CHANNEL':
    case 'CANCELLED':
      return ['Show Log'];
    case 'RATE_LIMITED':
    case 'NETWORK':
    case 'API':
    case 'INTERNAL':
      return canRetry ? ['Retry', 'Show Log'] : ['Show Log'];
  }
}

export function errorInfo(err: unknown): ErrorInfo {
  return err instanceof RequestFailed ? err.error : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/**
 * The one way the VS Code layer reports a failure: logged, then shown with the next steps
 * that fit its code. Never throws; resolves once the message is shown, not when the user
 * answers (a command awaiting it would keep executeCommand pending until dismissed).
 */
export function reportError(err: unknown, what: string, logger: Logger, retry?: () => unknown): void {
  const error = errorInfo(err);
  logger.error(`${what} failed: ${error.code} ${error.message}`, 'ui');
  void vscode.window.showErrorMessage(`${what} failed: ${error.message}`, ...nextSteps(error.code, retry !== undefined)).then((choice) => {
    if (choice === 'Retry') void retry?.();
    else if (choice === 'Set API Token') void vscode.commands.executeCommand(COMMANDS.setApiToken);
    else if (choice === 'Set Location ID') void vscode.commands.executeCommand(COMMANDS.setLocationId);
    else if (choice === 'Show Log') logger.show();
  });
}
