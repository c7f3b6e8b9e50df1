// What eslint.config.mjs imports: resolved here, so typescript-eslint loads this folder's
// TypeScript 6 rather than the project's TypeScript 7.
export { default as js } from '@eslint/js';
export { default as tseslint } from 'typescript-eslint';
export { default as boundaries } from 'eslint-plugin-boundaries';
export { defineConfig, globalIgnores } from 'eslint/config';
