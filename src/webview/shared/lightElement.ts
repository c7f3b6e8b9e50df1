import { LitElement } from 'lit';

/**
 * A Lit element that renders into the page instead of a shadow root. Our components are
 * parts of one themed page: the app's stylesheet (board.css / chat.css, one <link> under the
 * CSP), the codicon font stylesheet and keyboard focus all live in the document, and a
 * shadow root would cut each component off from them. Lit still puts every interpolated
 * value in as text or as an attribute value, never as markup, so CRM text stays text.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}
