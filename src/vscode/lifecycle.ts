import type * as vscode from 'vscode';

/** Disposes every item, the last registered first. */
export function disposeAll(disposables: vscode.Disposable[]): void {
  while (disposables.length) disposables.pop()?.dispose();
}

/**
 * Owns what a class registers and disposes all of it once (the style of
 * microsoft/vscode-pull-request-github's `src/common/lifecycle.ts`). Anything registered
 * after disposal is disposed at once, so a late listener never leaks.
 */
export abstract class Disposable implements vscode.Disposable {
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.disposables);
  }

  protected _register<T extends vscode.Disposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.disposables.push(value);
    return value;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }
}
