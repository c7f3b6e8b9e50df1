import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { SandboxOptions, SandboxStats } from '../test/sandbox/server';

/** Starts bench/sandboxProcess.ts in a child process and talks to it over IPC. */
export class SandboxProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (value: unknown) => void>();
  url = '';
  token = '';
  locationId = '';

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: { id: number; value: unknown }) => {
      this.pending.get(message.id)?.(message.value);
      this.pending.delete(message.id);
    });
  }

  static async start(options: SandboxOptions): Promise<SandboxProcess> {
    const child = fork(path.join(__dirname, 'sandboxProcess.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const sandbox = new SandboxProcess(child);
    const info = (await sandbox.send({ cmd: 'start', options: { port: 0, ...options } })) as { url: string; token: string; locationId: string };
    Object.assign(sandbox, info);
    return sandbox;
  }

  private send(command: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ id, ...command });
    });
  }

  touch(n: number): Promise<number> {
    return this.send({ cmd: 'touch', n }) as Promise<number>;
  }

  stats(): Promise<SandboxStats> {
    return this.send({ cmd: 'stats' }) as Promise<SandboxStats>;
  }

  sample(): Promise<{ contactId: string; opportunityId: string }> {
    return this.send({ cmd: 'sample' }) as Promise<{ contactId: string; opportunityId: string }>;
  }

  resetStats(): Promise<unknown> {
    return this.send({ cmd: 'resetStats' });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    void this.send({ cmd: 'close' });
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
