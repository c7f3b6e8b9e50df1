import { LitElement } from 'lit';

/**
 * A Lit element that renders into the page instead of a shadow root. Our components are
 * parts of one themed page: the theme stylesheet (board.css / chat.css, the only styles the
 * CSP lets in), the codicon font and keyboard focus all live in the document, and a shadow
 * root would cut each component off from them. Lit still escapes every interpolated value,
 * so CRM text stays text.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}
