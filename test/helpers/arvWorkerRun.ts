// The ARV run as the extension makes it: the backend in its worker thread against the GHL
// sandbox with RentCast's stand-in mounted on it, and exactly `deals` open deals in
// Acquisitions. Shared by the worker integration test and the bench's ARV figures.
import { createWorkerBackend, type WorkerBackend, type WorkerBackendOptions } from '../../src/worker/client';
import { SANDBOX_ARV_FIELD_KEYS } from '../sandbox/data';
import { RENTCAST_SANDBOX_KEY } from '../sandbox/rentcast';
import type { Sandbox } from '../sandbox/server';

/** Leaves exactly `deals` open deals in Acquisitions (the rest are won); answers how many were open. */
export function keepOpenAcquisitions(sandbox: Sandbox, deals: number): number {
  const pipeline = sandbox.store.pipelines.find((p) => p.name === 'Acquisitions')!;
  const open = [...sandbox.store.opportunities.values()].filter((o) => o.pipelineId === pipeline.id && o.status === 'open');
  for (const o of open.slice(deals)) o.status = 'won';
  return open.length;
}

export function startArvWorker(
  sandbox: Sandbox,
  options: Pick<WorkerBackendOptions, 'workerPath' | 'storageDir' | 'onPush'>,
): Promise<WorkerBackend> {
  return createWorkerBackend({
    ...options,
    persistDebounceMs: 200,
    connection: {
      token: sandbox.token,
      locationId: sandbox.locationId,
      defaultPipeline: 'Acquisitions',
      apiBaseUrl: sandbox.url,
      rentcastApiKey: RENTCAST_SANDBOX_KEY,
      arv: {
        'ghl.arv.rentcastBaseUrl': sandbox.url,
        'ghl.arv.sqftField': SANDBOX_ARV_FIELD_KEYS.sqft,
        'ghl.arv.repairsField': SANDBOX_ARV_FIELD_KEYS.repairs,
        // Sold comps cost 2–5 lookups a deal: room for every deal of the run.
        'ghl.arv.maxLookupsPerRun': 1000,
      },
    },
  });
}
