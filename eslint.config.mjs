// npm run lint. The layer rules are the point: the core (everything in src/ except the VS Code
// layer and the webviews) never imports `vscode`, so it runs in a worker and in plain Node; a
// webview runs in a browser, so it imports no Node module; and the core's folders import each
// other in one direction only (CORE_TIERS). The vscode rule matches folders by pattern, so a new
// core folder is covered without listing it; the order makes it take a tier.
import { builtinModules } from 'node:module';
import { boundaries, defineConfig, globalIgnores, js, tseslint } from './tools/lint/index.mjs';

const VSCODE_LAYER = ['src/extension.ts', 'src/vscode/**'];
const WEBVIEW = ['src/webview/**'];

const noVscode = {
  name: 'vscode',
  message: 'Only the VS Code layer (src/extension.ts, src/vscode/) may import vscode: the core runs in a worker and in plain Node.',
};
const coreImportsNoLayerAbove = {
  group: ['**/vscode/*', '**/webview/*', '**/extension'],
  message: 'The core does not import the VS Code layer or a webview; they import the core.',
};
// The core's folders in one order, lowest tier first. A file imports only from its own folder
// and from the tiers below; an import up the order or across to a sibling of its tier fails
// lint (boundaries/dependencies), so no two folders can ever import each other in a circle.
// A core file that no pattern places fails too (boundaries/no-unknown-files): a new folder
// takes its tier here first. Where the files outside the folders sit, and why:
// - src/format.ts beside the protocol: pure formatting the VS Code layer, the webviews, the
//   briefing and the chat share, importing nothing.
// - src/time beside the protocol: calendar days in a time zone, importing nothing of the core;
//   the handlers, the chat, the briefing and the VS Code layer all count days with it.
// - src/webviewPage beside the protocol: the webview page's HTML and CSP, built in one place for
//   the VS Code layer's panels and the Chromium test harness, importing nothing.
// - ARV's valuation provider (provider.ts, rentcast.ts, rentcastAnswer.ts, types.ts) a tier
//   below the rest of src/arv: it knows only HTTP and the protocol; the ARV job uses it.
// - src/cacheSchema.ts beside the handlers: it assembles the cache's migrations from src/db's
//   tables and the features' (src/arv), which only a module above both can import.
// - src/backend.ts above the handlers: it wires the cache, the GHL client and every handler into
//   the one entry of the core.
// - src/worker on top: it runs the backend in its own thread and speaks to the VS Code layer.
// - src/mcp (#20) above it: a process of its own (dist/mcp.js) serving the tool set over MCP.
// The VS Code layer and the webviews stand above the whole core (the rules further down).
const CORE_TIERS = [
  [
    { category: 'protocol', pattern: 'src/protocol/**' },
    { category: 'format', pattern: 'src/format.ts' },
    { category: 'time', pattern: 'src/time/**' },
    { category: 'webview-page', pattern: 'src/webviewPage/**' },
  ],
  [{ category: 'http', pattern: 'src/http/**' }],
  [
    { category: 'db', pattern: 'src/db/**' },
    { category: 'ghl', pattern: 'src/ghl/**' },
    { category: 'arv-provider', pattern: 'src/arv/{provider,rentcast,rentcastAnswer,types}.ts' },
  ],
  [
    { category: 'sync', pattern: 'src/sync/**' },
    { category: 'arv', pattern: 'src/arv/!(provider|rentcast|rentcastAnswer|types).ts' },
    { category: 'inbox', pattern: 'src/inbox/**' },
    { category: 'chat', pattern: 'src/chat/**' },
    { category: 'briefing', pattern: 'src/briefing/**' },
    // #18: the calendar feature (agenda cache, free-slot ranges, times as instants)
    { category: 'calendar', pattern: 'src/calendar/**' },
  ],
  [
    { category: 'handlers', pattern: 'src/handlers/**' },
    { category: 'cache-schema', pattern: 'src/cacheSchema.ts' },
  ],
  [{ category: 'backend', pattern: 'src/backend.ts' }],
  [{ category: 'worker', pattern: 'src/worker/**' }],
  // #20: the MCP server (dist/mcp.js) over the backend and the chat's tool set.
  [{ category: 'mcp', pattern: 'src/mcp/**' }],
];
const coreOrder = CORE_TIERS.flatMap((tier, level) => {
  const below = CORE_TIERS.slice(0, level).flat().map((part) => part.category);
  return tier.map(({ category }) => ({
    from: { file: { categories: category } },
    allow: { to: { file: { categories: { anyOf: [category, ...below] } } } },
  }));
});

const nodeMessage = 'A webview runs in a browser: no Node modules.';
const noNodeBuiltins = builtinModules.filter((name) => !name.startsWith('_')).map((name) => ({ name, message: nodeMessage }));
const noNodePrefixed = { group: ['node:*'], message: nodeMessage };
const webviewImportsNoHost = {
  group: ['**/vscode/*', '**/extension'],
  message: 'A webview talks to the VS Code layer only through messages.',
};

export default defineConfig(
  globalIgnores(['dist/', 'out/', '.vscode-test/', 'test-results/', 'node_modules/', 'tools/lint/node_modules/', '.tmp/']),
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its error; `void` says it is fire-and-forget on purpose.
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() and describe() return promises that the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      // The code matches control characters on purpose (NUL and C0 checks on CRM text).
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    name: 'tests: untyped JSON',
    // Tests and the benchmark read raw API and webview payloads; typing every probe adds nothing.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    name: 'core: no vscode',
    files: ['src/**/*.ts'],
    ignores: [...VSCODE_LAYER, ...WEBVIEW],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [coreImportsNoLayerAbove] }],
    },
  },
  {
    name: 'core: one-way folder order',
    files: ['src/**/*.ts'],
    ignores: [...VSCODE_LAYER, ...WEBVIEW],
    plugins: { boundaries },
    settings: {
      'boundaries/files': CORE_TIERS.flat(),
      'boundaries/include': ['src/**/*.ts'],
      // Re-exports and import() cross folders as much as imports do.
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
      'import/resolver': { node: { extensions: ['.ts'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message:
            '{{from.file.categories}} may not import {{to.file.categories}}: the core imports only down its order (CORE_TIERS in eslint.config.mjs: protocol ← http ← db, ghl, arv provider ← sync, arv, inbox, chat, briefing ← handlers ← backend ← worker).',
          policies: coreOrder,
        },
      ],
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    name: 'webview: no Node, no vscode',
    files: WEBVIEW.map((glob) => `${glob}/*.ts`),
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode, ...noNodeBuiltins], patterns: [noNodePrefixed, webviewImportsNoHost] }],
    },
  },
);
