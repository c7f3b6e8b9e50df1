import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiCallLog } from '../../src/ghl/client';
import { apiCallLevel, apiCallLine } from '../../src/vscode/apiCallLog';

const call = (over: Partial<ApiCallLog> = {}): ApiCallLog => ({ method: 'GET', path: '/contacts/', status: 200, ms: 84, attempt: 1, priority: 'user', ...over });

describe("the log's API-call lines", () => {
  it('says method, path, status and time; a retry and background work say so', () => {
    assert.equal(apiCallLine(call()), '[api] GET /contacts/ → 200 (84 ms)');
    assert.equal(apiCallLine(call({ attempt: 2, priority: 'sync' })), '[api] GET /contacts/ → 200 (84 ms) attempt 2 (sync)');
    assert.equal(apiCallLine(call({ method: 'PUT', path: '/opportunities/o1', status: 'timeout' })), '[api] PUT /opportunities/o1 → timeout (84 ms)');
  });

  it('warns for an error status, a timeout and a network failure; the rest is info', () => {
    assert.equal(apiCallLevel(call()), 'info');
    assert.equal(apiCallLevel(call({ status: 304 })), 'info');
    for (const status of [400, 401, 429, 500, 'timeout', 'network'] as const) assert.equal(apiCallLevel(call({ status })), 'warn', String(status));
  });
});
