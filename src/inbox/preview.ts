/** What a notification shows of CRM text: one line of plain characters, never markup's effects. */

/** Control characters and the bidi overrides that could make a line read differently from what it holds. */
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** The first non-blank line of `text`, whitespace collapsed, at most `max` characters (cut with "…"); '' when there is none. */
export function firstLine(text: string | null | undefined, max = 120): string {
  if (typeof text !== 'string') return '';
  const line = text.replace(INVISIBLE, '').split(/\r\n|\r|\n/).map((l) => l.replace(/\s+/g, ' ').trim()).find((l) => l !== '') ?? '';
  const chars = [...line];
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** The preview of a message: its first line, or "(no text)" for a call, an attachment alone, an empty body. */
export function previewLine(body: string | null | undefined, max = 120): string {
  return firstLine(body, max) || '(no text)';
}
