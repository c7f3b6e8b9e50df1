import { makeContact } from '../helpers/fixtures';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GhlContactsRepo } from '../../src/db/contactsRepo';
import { getUserVersion } from '../../src/db/migrations';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS, migrate } from '../../src/cacheSchema';
import { loadSqlJs } from '../../src/db/sqljs';
import { GhlSyncStateRepo } from '../../src/db/syncStateRepo';
import { startHarness } from '../helpers/backendHarness';
import { pollUntil } from '../helpers/waitUntil';

describe('incremental sync', () => {
  it('migrates a V1 cache to the current version keeping every row', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    migrate(db, MIGRATIONS.filter((m) => m.version === 1));
    assert.equal(getUserVersion(db), 1);
    const contacts = new GhlContactsRepo(db);
    contacts.upsertMany(
      Array.from({ length: 30 }, (_, i) => makeContact(`c${i}`, { locationId: 'L', firstName: `F${i}`, name: `Person ${i}`, tags: ['t'] })),
    );
    assert.equal(migrate(db), 1);
    assert.equal(getUserVersion(db), CURRENT_SCHEMA_VERSION);
    assert.equal(new GhlContactsRepo(db).count('L'), 30);
    assert.deepEqual(new GhlContactsRepo(db).get('c7')?.tags, ['t']);
    const state = new GhlSyncStateRepo(db);
    state.recordComplete('L', 'contacts', 'full', 100, '2026-01-01T00:00:00.000Z');
    state.recordComplete('L', 'contacts', 'delta', 200, '2026-01-02T00:00:00.000Z');
    assert.deepEqual(state.get('L', 'contacts'), { locationId: 'L', kind: 'contacts', lastFullSyncAt: 100, lastSyncAt: 200, since: '2026-01-02T00:00:00.000Z' });
  });

  it('a second contacts sync is a delta that picks up creations and updates with a couple of requests', async () => {
    const h = await startHarness({ sandbox: { contacts: 5000 } });
    try {
      const full = await h.data('ext-ghl:contacts-sync');
      assert.equal(full.mode, 'full');
      assert.equal(full.requests, 10);
      const touched = h.sandbox.touchContacts(40);
      const created = await h.data('ext-ghl:contacts-create', { contact: { firstName: 'Newly', email: 'newly@example.com' } });
      h.sandbox.store.contacts.delete(created.id); // deleted in GHL: only a full pass may notice
      const delta = await h.data('ext-ghl:contacts-sync');
      assert.equal(delta.mode, 'delta');
      assert.ok(delta.requests <= 2, `${delta.requests} requests`);
      assert.ok(delta.synced >= 40, `synced ${delta.synced}`);
      const one = await h.data('ext-ghl:contacts-get', { id: touched[0] });
      assert.equal(one.city, (h.sandbox.store.contacts.get(touched[0]!) as any).city);
      assert.equal(delta.pruned, 0);
      assert.ok((await h.backend.request('ext-ghl:contacts-get', { id: created.id })).success, 'a delta never prunes');
      const fullAgain = await h.data('ext-ghl:contacts-sync', { full: true });
      assert.equal(fullAgain.mode, 'full');
      assert.equal(fullAgain.pruned, 1);
    } finally {
      await h.close();
    }
  });

  it('a second opportunities sync is a delta over the most recently updated', async () => {
    const h = await startHarness({ sandbox: { contacts: 200, opportunities: 900 } });
    try {
      const full = await h.data('ext-ghl:opps-sync');
      assert.equal(full.mode, 'full');
      assert.equal(full.synced, 900);
      const target = [...h.sandbox.store.opportunities.values()][10] as any;
      const pipeline = h.sandbox.store.pipelines.find((p: any) => p.id === target.pipelineId)!;
      const otherStage = pipeline.stages.find((s: any) => s.id !== target.pipelineStageId)!;
      target.pipelineStageId = otherStage.id;
      target.updatedAt = new Date().toISOString();
      const delta = await h.data('ext-ghl:opps-sync');
      assert.equal(delta.mode, 'delta');
      assert.ok(delta.requests <= 3, `${delta.requests} requests (pipelines + 1 page)`);
      assert.equal((await h.data('ext-ghl:opps-get', { id: target.id })).pipelineStageId, otherStage.id);
    } finally {
      await h.close();
    }
  });

  it('clearing the cache makes the next sync full again', async () => {
    const h = await startHarness({ sandbox: { contacts: 300 } });
    try {
      await h.data('ext-ghl:contacts-sync');
      await h.backend.clearCache();
      const again = await h.data('ext-ghl:contacts-sync');
      assert.equal(again.mode, 'full');
      assert.equal((await h.data('ext-ghl:contacts-list')).total, 300);
    } finally {
      await h.close();
    }
  });

  it('a full pass prunes only what it could have seen: a write made while it ran stays', async () => {
    const h = await startHarness({ sandbox: { contacts: 3000, latencyMs: 40 } });
    try {
      await h.data('ext-ghl:contacts-sync');
      // Gone from GHL before this pass: the pass must prune it.
      const goneBefore = [...h.sandbox.store.contacts.keys()][10]!;
      h.sandbox.store.contacts.delete(goneBefore);
      const pass = h.data('ext-ghl:contacts-sync', { full: true });
      await pollUntil('the pass\'s first stored page', () => h.pushes.some((p) => p.channel === 'ext-ghl:sync-progress' && (p.payload as { synced: number }).synced > 0), {
        intervalMs: 5,
      });
      // Written while the pass runs, and never shown to it (GHL lists it nowhere this pass reads).
      const during = await h.data('ext-ghl:contacts-create', { contact: { firstName: 'During', lastName: 'The Pass' } });
      h.sandbox.store.contacts.delete(during.id);
      const result = await pass;
      assert.equal(result.mode, 'full');
      assert.equal(result.pruned, 1, 'only the record gone before the pass');
      assert.equal((await h.backend.request('ext-ghl:contacts-get', { id: goneBefore })).success, false);
      assert.ok((await h.backend.request('ext-ghl:contacts-get', { id: during.id })).success, 'the write made during the pass is kept');
      const next = await h.data('ext-ghl:contacts-sync', { full: true });
      assert.equal(next.pruned, 1, 'the next full pass, which could see it, prunes it');
    } finally {
      await h.close();
    }
  });
});
