// The getting-started walkthrough (package.json contributes.walkthroughs) opens by itself once,
// on the first activation after install; after that the Contacts welcome view links to it.
// Only types come from vscode, so the first-run rule is tested in plain Node.
import type { Memento } from 'vscode';

/** `<publisher>.<name>#<walkthrough id>`, as workbench.action.openWalkthrough takes it. */
export const WALKTHROUGH_ID = 'ghl-vscode.ghl-vscode#gettingStarted';
export const WALKTHROUGH_SHOWN_KEY = 'ghl.walkthroughShown';

type ExecuteCommand = (command: string, ...args: unknown[]) => Thenable<unknown>;

/**
 * Opens the walkthrough unless it was opened before (in globalState, so once per install, not
 * once per workspace). Resolves to whether it opened; never rejects, since a walkthrough that
 * cannot open must not disturb activation.
 */
export async function openWalkthroughOnFirstRun(globalState: Memento, executeCommand: ExecuteCommand): Promise<boolean> {
  if (globalState.get<boolean>(WALKTHROUGH_SHOWN_KEY)) return false;
  try {
    // Marked first: a window closed while it opens must not open it again next time.
    await globalState.update(WALKTHROUGH_SHOWN_KEY, true);
    await executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
    return true;
  } catch {
    return false;
  }
}
