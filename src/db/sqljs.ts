// Lazy, cached loader for sql.js (SQLite compiled to WebAssembly).
//
// The wasm bytes are read from disk and handed over as `wasmBinary`: letting sql.js
// locate the file itself (`locateFile`) makes newer Node versions try to `fetch` it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

export type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';

const SQL_WASM_MODULE = ['sql.js', 'dist', 'sql-wasm.wasm'].join('/');

let cached: Promise<SqlJsStatic> | undefined;

/**
 * Where the wasm lives: beside the bundle (`dist/backend.js` + `dist/sql-wasm.wasm`), else
 * in node_modules (tests and scripts run from source through tsx).
 */
export function defaultWasmPath(): string {
  if (typeof __dirname === 'string') {
    const beside = path.join(__dirname, 'sql-wasm.wasm');
    if (fs.existsSync(beside)) return beside;
  }
  // Resolved at run time only (the bundle never gets here): not a literal, so esbuild
  // does not try to bundle it.
  return require.resolve(SQL_WASM_MODULE);
}

/**
 * Loads sql.js once per process. Later calls return the same instance (the wasm path of
 * the first successful call wins); a failed load is not cached, so a later call retries.
 */
export function loadSqlJs(wasmPath?: string): Promise<SqlJsStatic> {
  if (cached) return cached;
  const promise = (async () => {
    let resolved = wasmPath;
    let bytes: Uint8Array;
    try {
      resolved ??= defaultWasmPath();
      bytes = await fs.promises.readFile(resolved);
    } catch (err) {
      throw new Error(`cannot read the SQLite wasm (${resolved ?? 'sql-wasm.wasm'}): ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
    const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return initSqlJs({ wasmBinary });
  })();
  cached = promise;
  promise.catch(() => {
    if (cached === promise) cached = undefined;
  });
  return promise;
}
