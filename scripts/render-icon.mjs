#!/usr/bin/env node
// Renders scripts/icon.svg to media/icon.png (128x128, what the Marketplace takes as `icon`) with
// the machine's Chromium: node scripts/render-icon.mjs. Set CHROMIUM to use another binary.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const here = path.dirname(new URL(import.meta.url).pathname);
const svg = readFileSync(path.join(here, 'icon.svg'), 'utf8');
const png = path.join(here, '../media/icon.png');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: png, omitBackground: true });
} finally {
  await browser.close();
}
