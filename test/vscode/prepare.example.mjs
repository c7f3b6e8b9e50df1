// Example of test/vscode/prepare.mjs: copy it to prepare.mjs to use it. run.mjs imports
// prepare.mjs (when it exists) BEFORE starting VS Code and calls its default export with:
//   workspaceDir  the (empty, temporary) folder VS Code will open: write fixture files here
//   userSettings  the user settings object run.mjs will write to User/settings.json: add keys
//   env           extra environment for the VS Code server and so the extension host
//   resultsDir    test-results/ (screenshots, logs)
//   tmpDir        the run's temporary root (deleted afterwards)
// It may return { dispose() } (sync or async), called during teardown, whatever happened.
import http from 'node:http';

export default async function prepare({ userSettings, env }) {
  // A stand-in for a local API sandbox: answers every request with {"ok":true}.
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;

  userSettings['ghl.apiBaseUrl'] = url;
  env.GHL_TEST_SANDBOX_URL = url; // readable from tests as process.env.GHL_TEST_SANDBOX_URL

  return { dispose: () => new Promise((resolve) => server.close(() => resolve())) };
}
