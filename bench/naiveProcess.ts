/** Runs the seed-style baseline in a process of its own, so its memory never counts against ours. */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { naiveContactsSync } from './baseline';

const [url, token, locationId] = process.argv.slice(2) as [string, string, string];
const delay = monitorEventLoopDelay({ resolution: 1 });
let peak = process.memoryUsage.rss();
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
delay.enable();
const started = performance.now();
void naiveContactsSync(url, token, locationId).then((result) => {
  const wallMs = performance.now() - started;
  delay.disable();
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  process.stdout.write(JSON.stringify({ ...result, wallMs, stallMs: delay.max / 1e6, rssMb: peak / 2 ** 20 }) + '\n');
});
