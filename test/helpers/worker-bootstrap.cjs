// Runs the backend worker from TypeScript source in tests (dist/backend-worker.js in the product).
require('tsx/cjs');
require('../../src/worker/entry.ts');
