#!/usr/bin/env node
// npm start: the whole product locally with no GHL account. Builds the extension, starts
// the GHL sandbox with demo data and VS Code's own server with the extension loaded and
// pointed at the sandbox (token and location preset), then prints the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const vscodePort = Number(arg('--port', process.env.PORT ?? '8080'));
const contacts = arg('--contacts', '2500');
// Seconds between inbound messages the sandbox makes up (a lead writing in), for the inbox's alerts; 0 = none.
const inboundEvery = arg('--inbound-every', '0');
const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (!existsSync(path.join(root, 'node_modules'))) run('npm', ['ci', '--no-audit', '--no-fund']);
run('bash', ['scripts/vscode-test-setup.sh']);
run(process.execPath, ['esbuild.mjs']);
const paths = JSON.parse(readFileSync(path.join(root, '.vscode-test/paths.json'), 'utf8'));

const children = [];
const stop = () => {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  }
};
process.on('SIGINT', () => (stop(), process.exit(0)));
process.on('SIGTERM', () => (stop(), process.exit(0)));
process.on('exit', stop);

async function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// 1. The GHL sandbox with demo data, on loopback.
const sandboxPort = await freePort();
const sandbox = spawn(
  process.execPath,
  ['--import', 'tsx', 'test/sandbox/cli.ts', '--port', String(sandboxPort), '--contacts', contacts, '--opportunities', '300', '--conversations', '40', '--inbound-every', inboundEvery],
  { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
);
children.push(sandbox);
const sandboxInfo = await new Promise((resolve, reject) => {
  let text = '';
  sandbox.stdout.on('data', (chunk) => {
    text += chunk;
    const url = /https?:\/\/127\.0\.0\.1:\d+/.exec(text)?.[0];
    const token = /token:\s+(\S+)/i.exec(text)?.[1];
    const location = /location id:\s+(\S+)/i.exec(text)?.[1];
    const rentcastKey = /RentCast:.* key (\S+),/.exec(text)?.[1];
    if (url && token && location) resolve({ url, token, location, rentcastKey });
  });
  sandbox.once('exit', (code) => reject(new Error(`the sandbox exited (${code})`)));
});

// 2. VS Code's server, with its own profile under .vscode-test/demo (nothing in your home).
const demo = path.join(root, '.vscode-test/demo');
rmSync(demo, { recursive: true, force: true });
for (const dir of ['user-data/User', 'server-data', 'extensions', 'workspace', 'home']) mkdirSync(path.join(demo, dir), { recursive: true });
writeFileSync(
  path.join(demo, 'user-data/User/settings.json'),
  JSON.stringify(
    {
      'ghl.apiBaseUrl': sandboxInfo.url,
      'ghl.arv.rentcastBaseUrl': sandboxInfo.url,
      'ghl.locationId': sandboxInfo.location,
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
    },
    null,
    2,
  ),
);
writeFileSync(path.join(demo, 'workspace/README.md'), '# GHL demo workspace\n\nOpen the GoHighLevel view in the activity bar. The data comes from the local GHL sandbox.\n');
const env = { ...process.env, HOME: path.join(demo, 'home'), GHL_API_TOKEN: sandboxInfo.token, RENTCAST_API_KEY: sandboxInfo.rentcastKey };
for (const key of Object.keys(env)) if (key === 'NODE_OPTIONS' || key.startsWith('npm_')) delete env[key];
const server = spawn(
  paths.node,
  [
    paths.serverMain,
    '--host', '127.0.0.1',
    '--port', String(vscodePort),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--disable-telemetry',
    '--disable-workspace-trust',
    '--server-data-dir', path.join(demo, 'server-data'),
    '--user-data-dir', path.join(demo, 'user-data'),
    '--extensions-dir', path.join(demo, 'extensions'),
  ],
  { cwd: demo, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
);
children.push(server);
await new Promise((resolve, reject) => {
  const onData = (chunk) => /listening on/i.test(String(chunk)) && resolve();
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
  server.once('exit', (code) => reject(new Error(`VS Code's server exited (${code}); is port ${vscodePort} free? Try npm start -- --port 8081`)));
});

const base = `http://127.0.0.1:${vscodePort}`;
const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${vscodePort}${root}`]]);
const url = `${base}/?folder=${encodeURIComponent(path.join(demo, 'workspace'))}&payload=${encodeURIComponent(payload)}`;
console.log(`
GHL for VS Code is running against the local GHL sandbox (${contacts} demo contacts).

  Open:      ${url}
  Sandbox:   ${sandboxInfo.url}  (location ${sandboxInfo.location})

In VS Code: open the GoHighLevel view in the activity bar and run "GHL: Sync All".
Press Ctrl+C to stop.`);
await new Promise(() => undefined);
