/**
 * An HTML email body as plain text. DOMParser builds an inert document: its scripts never
 * run and its images are never fetched; only the text leaves it, and it is rendered as text.
 */
const BLOCKS = 'p, div, br, li, tr, h1, h2, h3, h4, h5, h6, blockquote, pre, table, ul, ol';

export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const element of doc.querySelectorAll('script, style, template, noscript, head')) element.remove();
  // Line breaks where the blocks were: otherwise paragraphs run together.
  for (const element of doc.querySelectorAll(BLOCKS)) element.after(doc.createTextNode('\n'));
  const text = doc.body?.textContent ?? '';
  return text
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
