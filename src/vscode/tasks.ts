import * as vscode from 'vscode';
import type { ArvProgress } from '../protocol/arv';
import { EXT_GHL_IPC } from '../protocol/channels';
import type { BackendHost } from './backendHost';
import type { GhlDocuments } from './documents';
import { Disposable } from './lifecycle';

export const TASK_TYPE = 'ghl';
export const BRIEFING_TASK = 'ghl-daily-briefing';
export const ARV_TASK = 'ghl-arv-enrichment';

interface GhlTaskDefinition extends vscode.TaskDefinition {
  task: typeof BRIEFING_TASK | typeof ARV_TASK;
  /** ARV only: the pipeline (name or id); default ghl.defaultPipeline. */
  pipeline?: string;
  /** ARV only: look up fresh deals again and replace values the extension did not write. */
  force?: boolean;
}

/** CRM text in a terminal: no escape sequences or other control characters get through. */
function terminalText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

const LAST_BRIEFING_KEY = 'ghl.lastBriefingAt';

/**
 * The daily briefing: a Markdown document from the cache and today's calendar. Remembers
 * when it last ran so "new contacts" means new since the previous briefing.
 */
export class BriefingService {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: BackendHost,
    private readonly documents: GhlDocuments,
  ) {}

  get lastRunAt(): number | null {
    return this.context.globalState.get<number>(LAST_BRIEFING_KEY) ?? null;
  }

  async build(): Promise<string> {
    const markdown = await this.host.dailyBriefing(this.lastRunAt);
    await this.context.globalState.update(LAST_BRIEFING_KEY, Date.now());
    return markdown;
  }

  async show(): Promise<void> {
    const content = await this.build();
    await this.documents.show('briefing', `Daily Briefing ${new Date().toLocaleDateString('en-CA')}`, content);
  }
}

/** A pseudoterminal that runs one async job and reports it like a task would. */
class JobTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;

  constructor(private readonly job: (write: (line: string) => void) => Promise<number>) {}

  open(): void {
    const write = (line: string) => this.writer.fire(`${line.replace(/\n/g, '\r\n')}\r\n`);
    this.job(write).then(
      (code) => this.closer.fire(code),
      (err: unknown) => {
        write(`\x1b[31m${err instanceof Error ? err.message : String(err)}\x1b[0m`);
        this.closer.fire(1);
      },
    );
  }

  close(): void {
    this.writer.dispose();
    this.closer.dispose();
  }
}

/** Offers the seed's scheduler tasks in "Run Task": type `ghl`, property `task`. */
export class GhlTaskProvider implements vscode.TaskProvider {
  constructor(
    private readonly briefing: BriefingService,
    private readonly host: BackendHost,
  ) {}

  provideTasks(): vscode.Task[] {
    return [this.create({ type: TASK_TYPE, task: BRIEFING_TASK }), this.create({ type: TASK_TYPE, task: ARV_TASK })];
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const definition = task.definition as GhlTaskDefinition;
    if (definition.task !== BRIEFING_TASK && definition.task !== ARV_TASK) return undefined;
    return this.create(definition, task.scope);
  }

  private create(definition: GhlTaskDefinition, scope: vscode.TaskScope | vscode.WorkspaceFolder = vscode.TaskScope.Workspace): vscode.Task {
    const isBriefing = definition.task === BRIEFING_TASK;
    const task = new vscode.Task(
      definition,
      scope,
      isBriefing ? 'Daily Briefing' : 'ARV Enrichment',
      TASK_TYPE,
      new vscode.CustomExecution(async () =>
        new JobTerminal(async (write) => {
          if (!isBriefing) return this.runArv(definition, write);
          write('Building the daily briefing from the local cache and today\'s calendar…');
          await this.briefing.show();
          write('Done: the briefing is open in an editor.');
          return 0;
        }),
      ),
    );
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true };
    return task;
  }

  /** Runs the ARV job for real and prints a line per deal; exit code 0 only when it finished. */
  private async runArv(definition: GhlTaskDefinition, write: (line: string) => void): Promise<number> {
    let runId: string | null = null;
    const early: ArvProgress[] = [];
    let finish: ((p: ArvProgress) => void) | undefined;
    const ended = new Promise<ArvProgress>((resolve) => (finish = resolve));
    const follow = (p: ArvProgress) => {
      if (p.runId !== runId) return;
      if (p.deal) {
        const d = p.deal;
        const what = d.outcome === 'enriched' ? `ARV $${d.arv?.toLocaleString('en-US')} · MAO $${d.mao?.toLocaleString('en-US')} · ${d.confidence}` : `${d.outcome}: ${d.reason ?? ''}`;
        write(`[${p.processed}/${p.total}] ${terminalText(d.name)}: ${terminalText(what)}`);
      }
      if (p.status !== 'running') finish?.(p);
    };
    const subscription = this.host.onPush((event) => {
      if (event.channel !== EXT_GHL_IPC.ARV_ENRICH_PROGRESS) return;
      if (runId === null) early.push(event.payload as ArvProgress);
      else follow(event.payload as ArvProgress);
    });
    try {
      const started = await this.host.call(EXT_GHL_IPC.ARV_ENRICH_START, {
        ...(definition.pipeline ? { pipelineName: definition.pipeline } : {}),
        ...(definition.force === true ? { force: true } : {}),
      });
      runId = started.runId;
      write(`ARV enrichment of "${terminalText(started.pipelineName)}": ${started.total} open deals, ${started.lookups} RentCast lookups planned.`);
      for (const p of early.splice(0)) follow(p);
      const now = await this.host.call(EXT_GHL_IPC.ARV_ENRICH_STATUS, {});
      const last = now.runId === runId && now.status !== 'running' ? now : await ended;
      write(terminalText(last.message ?? last.status));
      return last.status === 'done' ? 0 : 1;
    } finally {
      subscription.dispose();
    }
  }
}

/**
 * Runs the briefing once a day at `ghl.dailyBriefing.time` (HH:MM, local) while VS Code is
 * open. Checks once a minute with an unref'd timer; off when the setting is empty.
 */
export class BriefingScheduler extends Disposable {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly run: () => Promise<void>,
    private readonly isConfigured: () => boolean,
  ) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ghl.dailyBriefing.time')) this.schedule();
      }),
    );
    this._register({ dispose: () => clearInterval(this.timer) });
    this.schedule();
  }

  private schedule(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    const at = vscode.workspace.getConfiguration('ghl').get<string>('dailyBriefing.time')?.trim();
    if (!at || !/^([01]\d|2[0-3]):[0-5]\d$/.test(at)) return;
    this.timer = setInterval(() => void this.tick(at), 60_000);
    this.timer.unref?.();
    void this.tick(at);
  }

  private async tick(at: string): Promise<void> {
    const now = new Date();
    const [hours, minutes] = at.split(':').map(Number) as [number, number];
    const due = new Date(now.getFullYear(), now.getMonth(), now.getDate(), hours, minutes);
    const today = now.toDateString();
    if (now < due || this.context.globalState.get<string>('ghl.briefingShownOn') === today || !this.isConfigured()) return;
    await this.context.globalState.update('ghl.briefingShownOn', today);
    await this.run().catch(() => undefined);
  }
}
