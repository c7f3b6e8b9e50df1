import { html, type TemplateResult } from 'lit';

/** `<span class="codicon codicon-NAME">`, hidden from screen readers (the text around it says it). */
export function codicon(name: string, extraClass = ''): TemplateResult {
  return html`<span class="codicon codicon-${name} ${extraClass}" aria-hidden="true"></span>`;
}
