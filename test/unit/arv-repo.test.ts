import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredArvEstimate } from '../../src/protocol/arv';
import { ARV_ESTIMATES_MIGRATION } from '../../src/arv/estimatesMigration';
import { ArvEstimatesRepo } from '../../src/arv/estimatesRepo';
import { getUserVersion } from '../../src/db/migrations';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS } from '../../src/cacheSchema';
import { migratedDbs } from '../helpers/migratedDb';

/** The table arrives with v4 (src/arv/estimatesMigration.ts, placed by src/cacheSchema.ts). */
const ARV_VERSION = 4;

const freshDb = migratedDbs();

function estimate(id: string, over: Partial<StoredArvEstimate> = {}): StoredArvEstimate {
  return {
    opportunityId: id,
    locationId: 'loc1',
    address: "12 O'Brien St, Austin, TX 78701",
    subjectSquareFootage: 1500,
    arv: 300_000,
    avmPrice: 287_000,
    avmLow: 260_000,
    avmHigh: 310_000,
    comps: [{ formattedAddress: '1 Comp St', price: 200_000, squareFootage: 1000, bedrooms: 3, bathrooms: 2, distance: 0.4, daysOld: 12, correlation: 0.93, pricePerSqft: 200 }],
    method: 'comps',
    confidence: 'medium',
    repairs: 25_000,
    mao: 185_000,
    provider: 'rentcast',
    estimatedAt: 1_764_000_000_000,
    error: null,
    errorKind: null,
    writtenValue: 300_000,
    writtenAt: 1_764_000_000_500,
    ...over,
  };
}

describe('ARV estimates table and repository', () => {
  it('the migration applies after the existing ones, on a fresh database', () => {
    const db = freshDb();
    try {
      // Later migrations (v5: contact indexes) apply on top of it.
      assert.equal(getUserVersion(db), CURRENT_SCHEMA_VERSION);
      assert.ok(CURRENT_SCHEMA_VERSION >= ARV_VERSION);
      assert.equal(MIGRATIONS[ARV_VERSION - 1], ARV_ESTIMATES_MIGRATION);
      assert.equal(ARV_ESTIMATES_MIGRATION.version, ARV_VERSION);
      const cols = db.exec('PRAGMA table_info(ghl_arv_estimates)')[0]!.values.map((r) => r[1]);
      for (const c of ['opportunity_id', 'address', 'arv', 'avm_price', 'avm_low', 'avm_high', 'comps', 'method', 'confidence', 'mao', 'provider', 'estimated_at', 'error']) {
        assert.ok(cols.includes(c), c);
      }
    } finally {
      db.close();
    }
  });

  it('round-trips an estimate and a failed lookup exactly', () => {
    const db = freshDb();
    try {
      const repo = new ArvEstimatesRepo(db);
      const good = estimate('o1');
      const failed = estimate('o2', {
        address: 'x"); DROP TABLE ghl_arv_estimates; --',
        arv: null, avmPrice: null, avmLow: null, avmHigh: null, comps: [], method: null, confidence: null, repairs: null, mao: null,
        subjectSquareFootage: null, error: 'RentCast has no valuation for this address', errorKind: 'not-found', writtenValue: null, writtenAt: null,
      });
      repo.put(good);
      repo.put(failed);
      assert.deepEqual(repo.get('o1'), good);
      assert.deepEqual(repo.get('o2'), failed);
      assert.equal(repo.get('nope'), undefined);
    } finally {
      db.close();
    }
  });

  it('put replaces the row; getMany, listForLocation and deleteForLocation see the right rows', () => {
    const db = freshDb();
    try {
      const repo = new ArvEstimatesRepo(db);
      repo.put(estimate('o1'));
      repo.put(estimate('o1', { arv: 310_000, confidence: 'high' }));
      repo.put(estimate('o2'));
      repo.put(estimate('o3', { locationId: 'loc2' }));
      assert.deepEqual([repo.get('o1')!.arv, repo.get('o1')!.confidence], [310_000, 'high']);
      assert.deepEqual([...repo.getMany(['o1', 'o3', 'missing']).keys()].sort(), ['o1', 'o3']);
      assert.equal(repo.getMany([]).size, 0);
      assert.deepEqual(repo.listForLocation('loc1').map((r) => r.opportunityId), ['o1', 'o2']);
      assert.equal(repo.deleteForLocation('loc1'), 2);
      assert.deepEqual(repo.listForLocation('loc1'), []);
      assert.ok(repo.get('o3'));
    } finally {
      db.close();
    }
  });

  it('rejects a method or confidence outside the vocabulary; reads damaged comps as the readable ones', () => {
    const db = freshDb();
    try {
      const repo = new ArvEstimatesRepo(db);
      assert.throws(() => repo.put(estimate('o1', { method: 'guess' as never })), /CHECK/);
      assert.equal(repo.get('o1'), undefined, 'nothing half-written');
      repo.put(estimate('o2'));
      db.run(`UPDATE ghl_arv_estimates SET comps = ? WHERE opportunity_id = 'o2'`, [JSON.stringify([{ price: 'x' }, estimate('o2').comps[0]])]);
      assert.equal(repo.get('o2')!.comps.length, 1);
      db.run(`UPDATE ghl_arv_estimates SET comps = 'not json' WHERE opportunity_id = 'o2'`);
      assert.deepEqual(repo.get('o2')!.comps, []);
    } finally {
      db.close();
    }
  });
});
