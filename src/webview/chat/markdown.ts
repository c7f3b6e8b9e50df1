import MarkdownIt from 'markdown-it';

/**
 * Markdown of the model's answers (and of slash-command replies) as HTML that cannot carry
 * markup of its own: raw HTML in the text is escaped (html: false), and links and images
 * are off, so neither the model nor CRM data it quotes can add an element, a URL or a
 * request. What is left is emphasis, code, lists, tables, headings and quotes.
 */
const md = new MarkdownIt({ html: false, linkify: false, breaks: true, typographer: false }).disable(['link', 'image', 'autolink']);

export function renderMarkdown(text: string): string {
  return md.render(text);
}
