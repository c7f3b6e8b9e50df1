/**
 * What the chat's and a conversation's message boxes share: Enter sends, Shift+Enter (and
 * Enter while an IME composes) is a new line.
 */
export function sendOnEnter(send: () => Promise<unknown>): (event: KeyboardEvent) => void {
  return (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    void send();
  };
}

/** The text of the input, textarea or vscode-elements field an event came from ('' if none). */
export function inputValue(event: Event): string {
  const target = event.target;
  return target instanceof HTMLElement && 'value' in target && typeof target.value === 'string' ? target.value : '';
}
