import * as vscode from 'vscode';
import type { ErrorInfo } from '../protocol/envelope';
import { RequestFailed } from './backendHost';
import { COMMANDS } from './commands/ids';
import type { Logger } from './logger';
import { nextSteps } from './nextSteps';

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
