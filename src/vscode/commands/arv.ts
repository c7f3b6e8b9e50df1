import * as vscode from 'vscode';
import type { ArvRunStatus } from '../../protocol/arv';
import type { ArvEnrichProgress } from '../../protocol/pushes';
import { EXT_GHL_IPC } from '../../protocol/channels';
import { RequestFailed, type BackendHost } from '../backendHost';
import { PipelineNode } from '../pipelinesTree';
import { argOrAsk } from './pickers';
import { guarded, type CommandDeps } from './deps';
import { COMMANDS, type CommandTable } from './ids';

type ArvCommands = Pick<CommandTable, 'ghl.estimateArv' | 'ghl.setRentcastApiKey'>;

const START = 'Start';

/** The ARV of each open deal of a pipeline, from RentCast's comps, written back to GHL. */
export function arvCommands({ host, logger }: CommandDeps): ArvCommands {
  return {
    [COMMANDS.setRentcastApiKey]: guarded('Setting the RentCast API key', logger, async (keyArg?: unknown) => {
      const key = await argOrAsk(keyArg, {
        title: 'RentCast API key',
        prompt: "Your RentCast API key (app.rentcast.io → API). It is kept in VS Code's secret storage; every lookup is billed to it.",
        password: true,
        validateInput: (value) => (value.trim().length < 8 ? 'The key looks too short.' : undefined),
      });
      if (key === undefined) return;
      const view = await host.call(EXT_GHL_IPC.SETTINGS_SET, { rentcastApiKey: key.trim() });
      void vscode.window.showInformationMessage(`RentCast API key saved (${view.rentcastApiKey}).`);
    }),
    [COMMANDS.estimateArv]: guarded('Estimating ARV', logger, async (target?: unknown) => {
      const pipelineName = target instanceof PipelineNode ? target.pipeline.id : typeof target === 'string' && target.trim() ? target : await pickPipeline(host);
      if (pipelineName === undefined) return;
      const planRun = () =>
        vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Planning the ARV run…' }, () =>
          host.request(EXT_GHL_IPC.ARV_ENRICH_PLAN, { pipelineName }),
        );
      let planned = await planRun();
      if (!planned.success && canCreateArvField(planned.error.details)) {
        const create = 'Create ARV Field';
        const choice = await vscode.window.showWarningMessage(planned.error.message, create);
        if (choice !== create) return;
        const { field } = await host.call(EXT_GHL_IPC.ARV_FIELD_CREATE, {});
        void vscode.window.showInformationMessage(`Created the opportunity field "${field.name}" in GoHighLevel.`);
        planned = await planRun();
      }
      if (!planned.success) throw new RequestFailed(planned.error);
      const plan = planned.data;
      const cost =
        plan.lookups === 0
          ? 'It needs no RentCast lookups.'
          : `It will spend ${lookupRange(plan)} RentCast lookups (${plan.lookupsPerDeal.min}–${plan.lookupsPerDeal.max} a deal: the valuation, then sold comps, widened where too few; billed to your key; at most ${plan.budget} per run, ghl.arv.maxLookupsPerRun).`;
      const skipped = [
        plan.fresh ? `${plan.fresh} estimated recently` : '',
        plan.keptForeignValue ? `${plan.keptForeignValue} with an ARV someone else entered` : '',
        plan.noAddress ? `${plan.noAddress} without an address` : '',
      ].filter(Boolean);
      // A quick pick rather than a modal: it states the cost and needs an explicit choice, and works in every host.
      const choice = await vscode.window.showQuickPick(
        [
          { label: `$(play) ${START}`, description: plan.lookups === 0 ? 'no lookups' : `${lookupRange(plan)} RentCast lookups`, start: true },
          { label: '$(close) Cancel', description: 'nothing is looked up or written', start: false },
        ],
        {
          title: `Estimate the ARV of ${plan.total} open deal${plan.total === 1 ? '' : 's'} in "${plan.pipelineName}"? ${cost}`,
          placeHolder: skipped.length ? `Skipped: ${skipped.join(', ')}.` : 'Start looks up comps and writes each ARV into GoHighLevel.',
          ignoreFocusOut: true,
        },
      );
      if (!choice?.start) return;
      const status = await runWithProgress(host, plan.pipelineName, { pipelineName: plan.pipelineId });
      if (status.status === 'failed') void vscode.window.showErrorMessage(`GHL: ${status.message ?? status.lastError ?? 'the ARV run failed.'}`);
      else if (status.status === 'cancelled') void vscode.window.showWarningMessage(`GHL: ${status.message}`);
      else void vscode.window.showInformationMessage(`GHL: ${status.message}${status.failed && status.lastError ? ` Last error: ${status.lastError}` : ''}`);
    }),
  };
}

/** The plan failed only because the location has no ARV field, which arv-create-field can make. */
function canCreateArvField(details: unknown): boolean {
  return typeof details === 'object' && details !== null && (details as { canCreate?: unknown }).canCreate === true;
}

async function pickPipeline(host: BackendHost): Promise<string | undefined> {
  const [{ items }, settings] = await Promise.all([host.call(EXT_GHL_IPC.PIPELINES_LIST, {}), host.call(EXT_GHL_IPC.SETTINGS_GET, {})]);
  if (items.length === 0) throw new Error('No pipelines are cached yet. Run "GHL: Sync Opportunities" first.');
  const preferred = settings.defaultPipeline?.toLowerCase();
  const sorted = [...items].sort((a, b) => Number(b.id === preferred || b.name.toLowerCase() === preferred) - Number(a.id === preferred || a.name.toLowerCase() === preferred));
  const picked = await vscode.window.showQuickPick(
    sorted.map((p) => ({ label: p.name, description: `${p.stages.length} stages`, id: p.id })),
    { title: 'Estimate ARV: pick a pipeline', placeHolder: 'The open deals of this pipeline get an ARV from RentCast comps' },
  );
  return picked?.id;
}

/**
 * Starts a run and follows its pushes in a cancellable notification until it ends. Cancel
 * asks the backend to stop after the deal in flight; what was done is kept.
 */
export async function runWithProgress(host: BackendHost, pipelineName: string, request: { pipelineName: string; force?: boolean }): Promise<ArvRunStatus> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Estimating ARV: ${pipelineName}`, cancellable: true },
    async (progress, token) => {
      let runId: string | null = null;
      let finished: ((status: ArvRunStatus) => void) | undefined;
      const ended = new Promise<ArvRunStatus>((resolve) => (finished = resolve));
      const early: ArvEnrichProgress[] = [];
      let done = 0;
      const follow = (p: ArvEnrichProgress) => {
        if (p.runId !== runId) return;
        const step = p.total > 0 ? ((p.processed - done) / p.total) * 100 : 0;
        done = p.processed;
        // Deal names are CRM text: the notification renders plain text only.
        progress.report({ increment: step, message: `${p.processed} of ${p.total}${p.deal ? ` · ${p.deal.name}` : ''}` });
        if (p.status !== 'running') finished?.(p);
      };
      const subscription = host.onArvProgress((p) => {
        if (runId === null) early.push(p);
        else follow(p);
      });
      const cancel = token.onCancellationRequested(() => void host.request(EXT_GHL_IPC.ARV_ENRICH_CANCEL, {}));
      try {
        const started = await host.call(EXT_GHL_IPC.ARV_ENRICH_START, request);
        runId = started.runId;
        progress.report({ message: `0 of ${started.total} · ${started.lookups} lookups planned` });
        for (const p of early.splice(0)) follow(p);
        // A run too short for its pushes to arrive before the answer is read here instead.
        const status = await host.call(EXT_GHL_IPC.ARV_ENRICH_STATUS, {});
        if (status.runId === runId && status.status !== 'running') return status;
        return await ended;
      } finally {
        subscription.dispose();
        cancel.dispose();
      }
    },
  );
}

/** "72–100": what a run may cost, from its least (two lookups a deal) to every widening. */
function lookupRange(plan: { lookups: number; lookupsMax: number }): string {
  return plan.lookupsMax > plan.lookups ? `${plan.lookups}–${plan.lookupsMax}` : String(plan.lookups);
}
