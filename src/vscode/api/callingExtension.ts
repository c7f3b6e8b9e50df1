// Which extension called the API, read from the call stack: VS Code does not say who calls an
// extension's exports, but the caller's frames carry its install folder. Plain Node (no vscode).
import path from 'node:path';

export interface InstalledExtension {
  id: string;
  extensionPath: string;
}

/**
 * The innermost frame of `stack` that belongs to an extension other than `selfId`, as that
 * extension's id; undefined when no frame does (a call from our own code, or a stack cut short).
 */
export function callingExtension(stack: string | undefined, extensions: readonly InstalledExtension[], selfId: string): string | undefined {
  if (!stack) return undefined;
  const folders = extensions
    .map((e) => ({ id: e.id, folder: e.extensionPath.endsWith(path.sep) ? e.extensionPath : e.extensionPath + path.sep }))
    // The longest first: an extension inside another's folder is the more precise owner.
    .sort((a, b) => b.folder.length - a.folder.length);
  for (const frame of stack.split('\n').slice(1)) {
    const owner = folders.find((e) => frame.includes(e.folder));
    if (owner && owner.id.toLowerCase() !== selfId.toLowerCase()) return owner.id;
  }
  return undefined;
}
