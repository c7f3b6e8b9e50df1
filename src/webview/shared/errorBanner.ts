import { html, type PropertyValues } from 'lit';
import { codicon } from './codicon';
import { LightElement } from './lightElement';

/**
 * The error banner of both webviews: an icon, the message (as text) and a Dismiss button.
 * Hidden while `message` is empty; Dismiss fires `dismiss` and the owner clears the message.
 * The dismiss button's test id is the banner's own plus `-dismiss` (board-error-dismiss).
 */
export class ErrorBanner extends LightElement {
  static override properties = { message: { type: String } };
  declare message: string;

  constructor() {
    super();
    this.message = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('role', 'alert');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('message')) this.hidden = !this.message;
  }

  protected override render() {
    const testId = this.dataset.testid;
    return html`${codicon('error')}<span class="error-text">${this.message}</span
      ><button
        class="icon-button"
        type="button"
        title="Dismiss"
        aria-label="Dismiss error"
        data-testid=${testId ? `${testId}-dismiss` : 'error-dismiss'}
        @click=${this.onDismiss}
      >
        ${codicon('close')}
      </button>`;
  }

  private readonly onDismiss = () => {
    this.dispatchEvent(new CustomEvent('dismiss', { bubbles: true, composed: true }));
  };
}

customElements.define('ghl-error-banner', ErrorBanner);

declare global {
  interface HTMLElementTagNameMap {
    'ghl-error-banner': ErrorBanner;
  }
}
