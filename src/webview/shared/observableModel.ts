/**
 * The state holder of a webview app: its Lit view subscribes and renders again after every
 * change, so the state can be driven and tested in plain Node without a DOM.
 */
export abstract class ObservableModel {
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` after every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  protected forgetListeners(): void {
    this.listeners.clear();
  }
}
