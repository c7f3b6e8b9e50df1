// npm run lint. The layer rules are the point: the core (everything in src/ except the VS Code
// layer and the webviews) never imports `vscode`, so it runs in a worker and in plain Node; a
// webview runs in a browser, so it imports no Node module. Folders are matched by pattern, so a
// new core folder (src/chat, src/arv) is covered without listing it.
import { builtinModules } from 'node:module';
import { defineConfig, globalIgnores, js, tseslint } from './tools/lint/index.mjs';

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
    name: 'webview: no Node, no vscode',
    files: WEBVIEW.map((glob) => `${glob}/*.ts`),
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode, ...noNodeBuiltins], patterns: [noNodePrefixed, webviewImportsNoHost] }],
    },
  },
);
