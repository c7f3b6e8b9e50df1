import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBackend, type Backend, type BackendOptions } from '../../src/backend';
import { SETTING_LOCATION_ID } from '../../src/protocol/settings';
import type { Envelope } from '../../src/protocol/envelope';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/server';

/** In-memory stand-ins for VS Code's SecretStorage and configuration. */
export class MemorySecrets {
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key);
  }
  async store(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
}

export class MemorySettings {
  readonly values = new Map<string, unknown>();
  get(key: string) {
    return this.values.get(key);
  }
  async update(key: string, value: unknown) {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
}

export interface Harness {
  sandbox: Sandbox;
  backend: Backend;
  storageDir: string;
  secrets: MemorySecrets;
  settings: MemorySettings;
  pushes: Array<{ channel: string; payload: unknown }>;
  logs: string[];
  /** request() that fails the test on an error envelope and returns the data. */
  data<T = any>(channel: string, payload?: unknown): Promise<T>;
  restart(overrides?: Partial<BackendOptions>): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { sandbox?: SandboxOptions; backend?: Partial<BackendOptions>; configured?: boolean; storageDir?: string } = {},
): Promise<Harness> {
  const sandbox = await startSandbox(options.sandbox);
  const storageDir = options.storageDir ?? mkdtempSync(path.join(tmpdir(), 'ghl-backend-'));
  const secrets = new MemorySecrets();
  const settings = new MemorySettings();
  if (options.configured !== false) {
    secrets.values.set('ghl.api-token', sandbox.token);
    settings.values.set(SETTING_LOCATION_ID, sandbox.locationId);
  }
  const pushes: Harness['pushes'] = [];
  const logs: string[] = [];
  const open = (overrides: Partial<BackendOptions> = {}) =>
    createBackend({
      storageDir,
      secrets,
      settings,
      apiBaseUrl: sandbox.url,
      persistDebounceMs: 50,
      requestTimeoutMs: 3000,
      onPush: (event) => pushes.push(event),
      log: (level, message) => logs.push(`${level} ${message}`),
      ...options.backend,
      ...overrides,
    });
  const harness: Harness = {
    sandbox,
    backend: await open(),
    storageDir,
    secrets,
    settings,
    pushes,
    logs,
    async data(channel, payload) {
      const response: Envelope = await harness.backend.request(channel, payload ?? {});
      if (!response.success) throw new Error(`${channel} failed: ${JSON.stringify(response.error)}`);
      return response.data as any;
    },
    async restart(overrides) {
      await harness.backend.dispose();
      harness.backend = await open(overrides);
    },
    async close() {
      await harness.backend.dispose();
      await sandbox.close();
      if (!options.storageDir) rmSync(storageDir, { recursive: true, force: true });
    },
  };
  return harness;
}
