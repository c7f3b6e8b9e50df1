// Bundles the extension host code, the plain-Node backend, the webview apps and the
// real-VS-Code test suite into dist/, then writes the protocol's JSON Schema.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const require = createRequire(import.meta.url);
const root = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(root, 'dist');

/** Prints errors in the shape VS Code's esbuild problem matcher reads. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const nodeOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minify: production,
  sourcesContent: false,
  external: ['vscode'],
  logLevel: 'warning',
  // sql.js's loader resolves its wasm only when run from source; mocha's parallel mode is never loaded.
  logOverride: { 'require-resolve-not-external': 'silent' },
  plugins: [problemMatcherPlugin],
};

const nodeEntries = {
  extension: 'src/extension.ts',
  backend: 'src/backend.ts',
};
const optionalNodeEntries = {
  'test/suite/index': 'test/vscode/suite/index.ts',
  'backend-worker': 'src/worker/entry.ts',
  // #20: the MCP server over the local cache (stdio).
  mcp: 'src/mcp/main.ts',
};
for (const [out, src] of Object.entries(optionalNodeEntries)) {
  if (existsSync(path.join(root, src))) nodeEntries[out] = src;
}

const webviewEntries = {};
for (const [out, src] of Object.entries({
  'webview/board': 'src/webview/board/main.ts',
  'webview/chat': 'src/webview/chat/main.ts',
  'webview/conversation': 'src/webview/conversation/main.ts',
  // Issue 19: the deal analyzer.
  'webview/analyzer': 'src/webview/analyzer/main.ts',
})) {
  if (existsSync(path.join(root, src))) webviewEntries[out] = src;
}

function copyAssets() {
  mkdirSync(dist, { recursive: true });
  copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));
  const codicons = path.join(root, 'node_modules/@vscode/codicons/dist');
  if (existsSync(codicons)) {
    mkdirSync(path.join(dist, 'webview'), { recursive: true });
    copyFileSync(path.join(codicons, 'codicon.css'), path.join(dist, 'webview/codicon.css'));
    copyFileSync(path.join(codicons, 'codicon.ttf'), path.join(dist, 'webview/codicon.ttf'));
  }
}

function writeProtocolSchema() {
  const backendPath = path.join(dist, 'backend.js');
  delete require.cache[backendPath];
  const { protocolJsonSchema } = require(backendPath);
  writeFileSync(path.join(dist, 'protocol.schema.json'), JSON.stringify(protocolJsonSchema(), null, 2) + '\n');
}

async function main() {
  copyAssets();
  const contexts = [
    await esbuild.context({ ...nodeOptions, entryPoints: nodeEntries, outdir: dist }),
  ];
  if (Object.keys(webviewEntries).length > 0) {
    contexts.push(
      await esbuild.context({
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        sourcemap: production ? false : 'inline',
        minify: production,
        entryPoints: webviewEntries,
        outdir: dist,
        logLevel: 'warning',
        plugins: [problemMatcherPlugin],
      }),
    );
  }
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  for (const c of contexts) {
    await c.rebuild();
    await c.dispose();
  }
  writeProtocolSchema();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
