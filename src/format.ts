/** Number and text formatting shared by the briefing and the VS Code layer (not the webviews, which bundle their own). */

export const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
export const count = new Intl.NumberFormat('en-US');

/** CRM text is data: escaped so it can never turn into links, images or HTML. */
export function md(text: string | null | undefined): string {
  return (text ?? '').replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ');
}
