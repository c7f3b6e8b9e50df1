/**
 * Number and text formatting shared by the briefing, the VS Code layer and the webviews (so a
 * stage total reads the same in the Pipelines tree and on the board). No DOM or Node imports:
 * the webview bundles import this file too.
 */

export const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
export const count = new Intl.NumberFormat('en-US');

/** `money`, with anything that is not a finite number (a bad record) shown as $0 rather than "$NaN". */
export function formatMoney(value: number): string {
  return money.format(Number.isFinite(value) ? value : 0);
}

/** `count`, with anything that is not a finite number shown as 0. */
export function formatCount(value: number): string {
  return count.format(Number.isFinite(value) ? value : 0);
}

/** CRM text is data: escaped so it can never turn into links, images or HTML. */
export function md(text: string | null | undefined): string {
  return (text ?? '').replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ');
}
