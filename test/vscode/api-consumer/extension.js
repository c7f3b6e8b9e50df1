// Another extension calling the GHL extension's public API, for the VS Code tests (test-only;
// prepare.mjs installs it into the server's extensions folder, so VS Code runs it as an
// installed extension, not as the one under test). Its frames are what the API's log names.
//
//   ghlApiConsumer.request(channel, payload)  → the envelope getApi(1).request answered
//   ghlApiConsumer.getApi(version)            → { version } or { error } (the message getApi threw)
'use strict';
const vscode = require('vscode');

const GHL = 'ghl-vscode.ghl-vscode';

async function ghlExports() {
  const ghl = vscode.extensions.getExtension(GHL);
  if (!ghl) throw new Error(`${GHL} is not installed`);
  return ghl.activate();
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('ghlApiConsumer.request', async (channel, payload) => {
      const api = (await ghlExports()).getApi(1);
      return api.request(channel, payload);
    }),
    vscode.commands.registerCommand('ghlApiConsumer.getApi', async (version) => {
      const exports = await ghlExports();
      try {
        return { version: exports.getApi(version).version };
      } catch (err) {
        return { error: String(err && err.message ? err.message : err) };
      }
    }),
  );
}

module.exports = { activate, deactivate: () => undefined };
