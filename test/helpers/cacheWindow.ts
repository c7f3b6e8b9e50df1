// One "VS Code window" for the two-process cache tests: a backend in its own process on a
// shared storage directory, driven by JSON lines on stdin, answering JSON lines on stdout.
//   {"id":1,"op":"request","channel":"ext-ghl:contacts-create","payload":{...}} -> {"id":1,"envelope":{...}}
//   {"id":2,"op":"diagnostics"} -> {"id":2,"diagnostics":{...}}
//   {"id":3,"op":"close"} -> {"id":3,"closed":true}, then the process exits
// Env: GHL_SANDBOX_URL, GHL_SANDBOX_TOKEN, GHL_LOCATION_ID, GHL_STORAGE_DIR, GHL_PERSIST_DEBOUNCE_MS.
import { createInterface } from 'node:readline';
import { createBackend } from '../../src/backend';
import { MemorySecrets, MemorySettings } from './backendHarness';
import { SECRET_TOKEN_KEY, SETTING_LOCATION_ID } from '../../src/protocol/settings';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const secrets = new MemorySecrets();
secrets.values.set(SECRET_TOKEN_KEY, env('GHL_SANDBOX_TOKEN'));
const settings = new MemorySettings();
settings.values.set(SETTING_LOCATION_ID, env('GHL_LOCATION_ID'));

async function main(): Promise<void> {
  const backend = await createBackend({
    storageDir: env('GHL_STORAGE_DIR'),
    secrets,
    settings,
    apiBaseUrl: env('GHL_SANDBOX_URL'),
    persistDebounceMs: Number(process.env.GHL_PERSIST_DEBOUNCE_MS ?? 50),
    cacheWatchIntervalMs: 50,
    requestTimeoutMs: 5000,
  });

  const reply = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);
  reply({ ready: true, pid: process.pid });

  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const command = JSON.parse(line) as { id: number; op: string; channel?: string; payload?: unknown };
    if (command.op === 'request') {
      void backend.request(command.channel!, command.payload).then((envelope) => reply({ id: command.id, envelope }));
    } else if (command.op === 'diagnostics') {
      reply({ id: command.id, diagnostics: await backend.diagnostics() });
    } else if (command.op === 'close') {
      await backend.dispose();
      reply({ id: command.id, closed: true });
      process.exit(0);
    }
  }
}

void main();
