/**
 * The ARV enrichment job: for every open opportunity of a pipeline, look up a valuation,
 * estimate the ARV, store it and write it into the opportunity's ARV field in GHL.
 *
 * It reaches the world only through injected ports (the cache, GHL, the provider), so the
 * wiring decides where deals come from and how writes are paced. Rules, in order per deal:
 * - a value in the ARV field that this extension did not write is kept unless `force`;
 * - a deal looked up within `maxAgeDays` is skipped unless `force` (so a cancelled or failed
 *   run resumes where it stopped); one whose ARV was estimated but not yet written is only written;
 * - no address → skipped with the reason;
 * - at most `maxLookupsPerRun` lookups, then the run stops cleanly and says so;
 * - one deal's failure is recorded and the run goes on; a rejected key (RentCast or GHL)
 *   stops it; cancelling keeps everything done so far.
 */
import { customFieldNumber, customFieldText, parseLooseNumber } from '../ghl/customFieldValues';
import { chooseAddress, estimateArv } from './estimate';
import type { ArvDealOutcome, ArvDealOutcomeKind, ArvRunPlan, ArvRunStatus, StoredArvEstimate } from '../protocol/arv';
import type { ArvDeal, ArvJobPorts, ArvJobSettings, ArvRunRequest } from './jobTypes';
import { ArvRunInProgressError } from './jobTypes';
import { isValuationError, type SubjectHints } from './provider';
import { LOOKUPS_PER_DEAL } from './compSearch';
import { analyzeFetched, fetchDealComps } from './dealAnalysis';

const DAY_MS = 86_400_000;

type Decision =
  | { kind: 'skip'; reason: string; why: 'fresh' | 'foreign' | 'no-address' }
  | { kind: 'write-only'; stored: StoredArvEstimate }
  | { kind: 'lookup'; address: string; stored: StoredArvEstimate | undefined };

class RunStopped extends Error {
  constructor(
    readonly state: 'cancelled' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

export class ArvEnrichmentJob {
  private current: ArvRunStatus = idleStatus();
  private controller: AbortController | null = null;
  private running: Promise<ArvRunStatus> | null = null;

  constructor(private readonly ports: ArvJobPorts) {}

  status(): ArvRunStatus {
    return { ...this.current };
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** What a run would do now: how many deals, how many lookups it will cost. Spends nothing. */
  async plan(request: ArvRunRequest, signal?: AbortSignal): Promise<ArvRunPlan> {
    const deals = openOnly(await this.ports.listOpenOpportunities(request.pipelineId, signal));
    const plan: ArvRunPlan = { total: deals.length, needLookup: 0, lookups: 0, lookupsMax: 0, lookupsPerDeal: { min: 1, max: 1 }, budget: request.settings.maxLookupsPerRun, fresh: 0, keptForeignValue: 0, noAddress: 0 };
    for (const deal of deals) {
      const decision = await this.decide(deal, request, signal);
      if (decision.kind === 'lookup') plan.needLookup++;
      else if (decision.kind === 'skip') {
        if (decision.why === 'fresh') plan.fresh++;
        else if (decision.why === 'foreign') plan.keptForeignValue++;
        else plan.noAddress++;
      }
    }
    const perDeal = this.perDeal(request.settings);
    plan.lookups = Math.min(plan.needLookup * perDeal.min, Math.max(0, plan.budget));
    plan.lookupsMax = Math.min(plan.needLookup * perDeal.max, Math.max(0, plan.budget));
    plan.lookupsPerDeal = perDeal;
    return plan;
  }

  /** Starts a run in the background and answers at once with its id and planned cost. */
  async start(request: ArvRunRequest): Promise<{ runId: string; total: number; lookups: number }> {
    if (this.running) throw new ArvRunInProgressError();
    const plan = await this.plan(request);
    if (this.running) throw new ArvRunInProgressError();
    const done = this.run(request);
    void done.catch(() => undefined);
    return { runId: this.current.runId!, total: plan.total, lookups: plan.lookups };
  }

  /**
   * Runs to the end (the task and tests await this). Never rejects for a deal's or the
   * provider's failure: the returned status says how it ended.
   */
  run(request: ArvRunRequest, signal?: AbortSignal): Promise<ArvRunStatus> {
    if (this.running) return Promise.reject(new ArvRunInProgressError());
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort();
    if (signal?.aborted) controller.abort();
    else signal?.addEventListener('abort', onOuterAbort, { once: true });
    this.controller = controller;
    this.current = {
      ...idleStatus(),
      runId: this.ports.newRunId?.() ?? globalThis.crypto.randomUUID(),
      pipelineId: request.pipelineId,
      status: 'running',
      startedAt: this.now(),
    };
    const running = this.execute(request, controller.signal).finally(() => {
      signal?.removeEventListener('abort', onOuterAbort);
      this.controller = null;
      this.running = null;
    });
    this.running = running;
    return running;
  }

  /** Cancels the run in progress; what it did so far stays. False when nothing runs. */
  cancel(): boolean {
    if (!this.controller) return false;
    this.controller.abort();
    return true;
  }

  /** Resolves with the final status of the run in progress (at once when none runs). */
  whenIdle(): Promise<ArvRunStatus> {
    return this.running ?? Promise.resolve(this.status());
  }

  private async execute(request: ArvRunRequest, signal: AbortSignal): Promise<ArvRunStatus> {
    const s = this.current;
    try {
      const deals = openOnly(await this.ports.listOpenOpportunities(request.pipelineId, signal));
      s.total = deals.length;
      for (const deal of deals) {
        if (signal.aborted) throw new RunStopped('cancelled', cancelledMessage(s));
        const decision = await this.decide(deal, request, signal);
        // A deal starts only when its least cost fits what is left (its widenings may go past by a few).
        if (decision.kind === 'lookup' && s.lookups + this.perDeal(request.settings).min > request.settings.maxLookupsPerRun) {
          s.budgetReached = true;
          s.status = 'done';
          s.message =
            `Stopped at the budget of ${request.settings.maxLookupsPerRun} lookups per run (setting ghl.arv.maxLookupsPerRun); ` +
            `${s.total - s.processed} of ${s.total} deals are left. Run it again to continue.`;
          break;
        }
        const outcome = await this.handle(deal, decision, request.settings, signal);
        s.processed++;
        if (outcome.outcome === 'enriched') s.enriched++;
        else if (outcome.outcome === 'skipped') s.skipped++;
        else {
          s.failed++;
          s.lastError = `${deal.name}: ${outcome.reason}`;
        }
        this.push(outcome);
      }
      if (s.status === 'running') {
        s.status = 'done';
        s.message = `ARV estimated for ${s.enriched} of ${s.total} deals (${s.skipped} skipped, ${s.failed} failed, ${s.lookups} lookups).`;
      }
    } catch (err) {
      if (err instanceof RunStopped) {
        s.status = err.state;
        s.message = err.message;
        if (err.state === 'failed') s.lastError = err.message;
      } else if (signal.aborted || codeOf(err) === 'CANCELLED') {
        s.status = 'cancelled';
        s.message = cancelledMessage(s);
      } else {
        s.status = 'failed';
        s.lastError = s.message = `The ARV run failed: ${messageOf(err)}`;
      }
    }
    s.finishedAt = this.now();
    this.push(null);
    return this.status();
  }

  private async handle(deal: ArvDeal, decision: Decision, settings: ArvJobSettings, signal: AbortSignal): Promise<ArvDealOutcome> {
    if (decision.kind === 'skip') return outcomeOf(deal, 'skipped', decision.reason);
    if (decision.kind === 'write-only') {
      return this.writeBack(deal, decision.stored, signal);
    }

    const sqftField = settings.sqftFieldId ? customFieldNumber(deal.customFields, settings.sqftFieldId) : null;
    const repairsField = settings.repairsFieldId ? customFieldNumber(deal.customFields, settings.repairsFieldId) : null;
    const hints: SubjectHints = sqftField !== null && sqftField > 0 ? { squareFootage: sqftField } : {};
    const provider = this.ports.provider;
    let stored: StoredArvEstimate;
    try {
      stored = this.soldOn(settings)
        ? await this.soldEstimate(deal, decision.address, sqftField, repairsField ?? 0, decision.stored, settings, signal)
        : await this.listingEstimate(deal, decision.address, hints, sqftField, repairsField ?? 0, decision.stored, settings, signal);
    } catch (err) {
      if (signal.aborted || (isValuationError(err) && err.kind === 'cancelled')) throw new RunStopped('cancelled', cancelledMessage(this.current));
      if (isValuationError(err) && err.kind === 'unauthorized') {
        throw new RunStopped('failed', `Stopped: ${err.message} Set a valid key with "GHL: Set RentCast API Key" and run it again.`);
      }
      const message = messageOf(err);
      this.ports.estimates.put({
        ...emptyEstimate(deal.id, settings.locationId, provider.name, this.now()),
        address: decision.address,
        error: message,
        errorKind: isValuationError(err) ? err.kind : 'network',
        // Keeps telling our last written value from a user's.
        writtenValue: decision.stored?.writtenValue ?? null,
        writtenAt: decision.stored?.writtenAt ?? null,
      });
      return outcomeOf(deal, 'failed', message);
    }
    // Stored before the write: the lookup is paid for, even if GHL refuses the write.
    this.ports.estimates.put(stored);
    return this.writeBack(deal, stored, signal);
  }

  /** Sold comps need a provider with property records and somewhere to keep them. */
  private soldOn(settings: ArvJobSettings): boolean {
    return settings.sold !== undefined && this.ports.analyses !== undefined && typeof this.ports.provider.searchProperties === 'function';
  }

  /** The plan knows no provider yet (a run makes its own): sold comps when the settings ask for them. */
  private perDeal(settings: ArvJobSettings): { min: number; max: number } {
    return settings.sold !== undefined && this.ports.analyses !== undefined ? { ...LOOKUPS_PER_DEAL } : { min: 1, max: 1 };
  }

  /** Issue 19: sold comps (kept for the analyzer, with the user's exclusions), labelled fallbacks. */
  private async soldEstimate(
    deal: ArvDeal,
    address: string,
    sqftField: number | null,
    repairs: number,
    previous: StoredArvEstimate | undefined,
    settings: ArvJobSettings,
    signal: AbortSignal,
  ): Promise<StoredArvEstimate> {
    const sold = settings.sold!;
    const analyses = this.ports.analyses!;
    const provider = this.ports.provider;
    const fetched = await fetchDealComps(provider, { address, squareFootage: sqftField !== null && sqftField > 0 ? sqftField : null }, this.now(), signal, () => {
      this.current.lookups++;
    });
    const kept = analyses.get(deal.id);
    const excluded = (kept?.excluded ?? []).filter((id) => fetched.comps.some((c) => c.id === id));
    analyses.put({ opportunityId: deal.id, locationId: settings.locationId, fetched, excluded, updatedAt: this.now() });
    const fee = sold.wholesaleFeeFieldId ? customFieldNumber(deal.customFields, sold.wholesaleFeeFieldId) : null;
    const percent = sold.maoPercentFieldId ? customFieldNumber(deal.customFields, sold.maoPercentFieldId) : null;
    const terms = {
      repairs,
      wholesaleFee: Math.max(0, fee ?? sold.wholesaleFee),
      maoPercent: percent !== null && percent > 0 ? (percent > 1 ? percent / 100 : percent) : settings.maoPercent,
    };
    const analysis = analyzeFetched(deal.id, fetched, new Set(excluded), sold, terms);
    const used = analysis.comps
      .filter((c) => !c.excluded)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, 5)
      .map((c) => ({
        formattedAddress: c.address,
        price: c.salePrice,
        squareFootage: c.squareFootage,
        bedrooms: c.bedrooms,
        bathrooms: c.bathrooms,
        distance: c.distance,
        daysOld: Math.floor((this.now() - Date.parse(c.saleDate)) / DAY_MS),
        // The comp's share of the weighted median stands where a listing's correlation did.
        correlation: c.weight,
        pricePerSqft: c.pricePerSqft,
      }));
    return {
      opportunityId: deal.id,
      locationId: settings.locationId,
      address,
      subjectSquareFootage: analysis.subject.squareFootage,
      arv: analysis.estimate.arv,
      avmPrice: analysis.avm.price,
      avmLow: analysis.avm.low,
      avmHigh: analysis.avm.high,
      comps: used,
      // The estimates table knows comps (sold or listed) and the AVM; the analysis says which comps.
      method: analysis.estimate.method === 'avm' ? 'avm' : 'comps',
      confidence: analysis.estimate.confidence,
      repairs,
      mao: analysis.estimate.mao,
      provider: provider.name,
      estimatedAt: this.now(),
      error: null,
      errorKind: null,
      writtenValue: previous?.writtenValue ?? null,
      writtenAt: previous?.writtenAt ?? null,
    };
  }

  /** Issue 12's listing method: one lookup, the best listings' median $/sq ft × size. */
  private async listingEstimate(
    deal: ArvDeal,
    address: string,
    hints: SubjectHints,
    sqftField: number | null,
    repairs: number,
    previous: StoredArvEstimate | undefined,
    settings: ArvJobSettings,
    signal: AbortSignal,
  ): Promise<StoredArvEstimate> {
    const provider = this.ports.provider;
    this.current.lookups++;
    const valuation = await provider.lookup(address, hints, signal);
    const estimate = estimateArv(valuation, { subjectSquareFootage: sqftField, repairs }, settings);
    return {
      opportunityId: deal.id,
      locationId: settings.locationId,
      address,
      subjectSquareFootage: estimate.subjectSquareFootage,
      arv: estimate.arv,
      avmPrice: estimate.avmPrice,
      avmLow: estimate.avmLow,
      avmHigh: estimate.avmHigh,
      comps: estimate.comps,
      method: estimate.method,
      confidence: estimate.confidence,
      repairs: estimate.repairs,
      mao: estimate.mao,
      provider: provider.name,
      estimatedAt: this.now(),
      error: null,
      errorKind: null,
      writtenValue: previous?.writtenValue ?? null,
      writtenAt: previous?.writtenAt ?? null,
    };
  }

  private async writeBack(deal: ArvDeal, stored: StoredArvEstimate, signal: AbortSignal): Promise<ArvDealOutcome> {
    const arv = stored.arv!;
    try {
      await this.ports.writeArv(deal.id, arv, signal);
    } catch (err) {
      if (signal.aborted || codeOf(err) === 'CANCELLED') throw new RunStopped('cancelled', cancelledMessage(this.current));
      if (codeOf(err) === 'AUTH') throw new RunStopped('failed', `Stopped: GHL rejected the API token while writing the ARV (${messageOf(err)}).`);
      return { ...outcomeFromStored(deal, 'failed', stored), reason: `the ARV ${arv} was estimated but not written to GHL: ${messageOf(err)}` };
    }
    const written = { ...stored, writtenValue: arv, writtenAt: this.now() };
    this.ports.estimates.put(written);
    return outcomeFromStored(deal, 'enriched', written);
  }

  private async decide(deal: ArvDeal, request: ArvRunRequest, signal?: AbortSignal): Promise<Decision> {
    const { settings } = request;
    const force = request.force === true;
    const stored = this.ports.estimates.get(deal.id);
    if (!force) {
      const inField = customFieldText(deal.customFields, settings.arvFieldId);
      if (inField !== null && !writtenByUs(inField, stored)) {
        return { kind: 'skip', why: 'foreign', reason: `the ARV field already holds ${inField}, which this extension did not write (run with force to replace it)` };
      }
      if (stored && this.isFresh(stored, settings)) {
        if (stored.arv !== null && stored.writtenValue !== stored.arv) return { kind: 'write-only', stored };
        const days = Math.floor((this.now() - stored.estimatedAt) / DAY_MS);
        const when = days === 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} ago`;
        return {
          kind: 'skip',
          why: 'fresh',
          reason: stored.error ? `looked up ${when} without result (${stored.error})` : `estimated ${when} (ghl.arv.maxAgeDays is ${settings.maxAgeDays})`,
        };
      }
    }
    const fromField = settings.addressFieldId ? customFieldText(deal.customFields, settings.addressFieldId) : null;
    const contact = fromField === null && deal.contactId ? await this.ports.contactFor(deal.contactId, signal) : null;
    const choice = chooseAddress(fromField, contact);
    if (choice.address === null) return { kind: 'skip', why: 'no-address', reason: choice.reason };
    return { kind: 'lookup', address: choice.address, stored };
  }

  /** Within maxAgeDays, and either a result or an answer that would not change (not found, bad data). */
  private isFresh(stored: StoredArvEstimate, settings: ArvJobSettings): boolean {
    if (settings.maxAgeDays <= 0 || this.now() - stored.estimatedAt > settings.maxAgeDays * DAY_MS) return false;
    return stored.error === null ? stored.arv !== null : stored.errorKind === 'not-found' || stored.errorKind === 'bad-data';
  }

  private push(deal: ArvDealOutcome | null): void {
    try {
      this.ports.onProgress?.({ ...this.status(), deal });
    } catch {
      // A broken listener must not stop the run.
    }
  }

  private now(): number {
    return this.ports.now?.() ?? Date.now();
  }
}

/** The field still holds the ARV this extension last wrote (GHL may answer it as "250000" or "$250,000.00"). */
function writtenByUs(inField: string, stored: StoredArvEstimate | undefined): boolean {
  if (!stored || stored.writtenValue === null) return false;
  const value = parseLooseNumber(inField);
  return value !== null && Math.abs(value - stored.writtenValue) < 0.5;
}

function openOnly(deals: readonly ArvDeal[]): ArvDeal[] {
  return deals.filter((d) => d.status === undefined || d.status === 'open');
}

function idleStatus(): ArvRunStatus {
  return {
    runId: null,
    pipelineId: null,
    status: 'idle',
    processed: 0,
    total: 0,
    enriched: 0,
    skipped: 0,
    failed: 0,
    lookups: 0,
    lastError: null,
    startedAt: null,
    finishedAt: null,
    budgetReached: false,
    message: null,
  };
}

function emptyEstimate(opportunityId: string, locationId: string, provider: string, at: number): StoredArvEstimate {
  return {
    opportunityId,
    locationId,
    address: null,
    subjectSquareFootage: null,
    arv: null,
    avmPrice: null,
    avmLow: null,
    avmHigh: null,
    comps: [],
    method: null,
    confidence: null,
    repairs: null,
    mao: null,
    provider,
    estimatedAt: at,
    error: null,
    errorKind: null,
    writtenValue: null,
    writtenAt: null,
  };
}

function outcomeOf(deal: ArvDeal, outcome: ArvDealOutcomeKind, reason: string | null): ArvDealOutcome {
  return { opportunityId: deal.id, name: deal.name, outcome, reason, arv: null, mao: null, method: null, confidence: null };
}

function outcomeFromStored(deal: ArvDeal, outcome: ArvDealOutcomeKind, stored: StoredArvEstimate): ArvDealOutcome {
  return { ...outcomeOf(deal, outcome, null), arv: stored.arv, mao: stored.mao, method: stored.method, confidence: stored.confidence };
}

function cancelledMessage(s: ArvRunStatus): string {
  return `Cancelled after ${s.processed} of ${s.total} deals; what was done is kept and the next run resumes there.`;
}

function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
