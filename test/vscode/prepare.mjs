// run.mjs calls this before VS Code starts (see prepare.example.mjs for the contract).
//
// Starts the GHL sandbox (test/sandbox/server.ts, loaded through tsx) in the runner's process
// on 127.0.0.1, adds hostile records to its store, points the extension at it with
// "ghl.apiBaseUrl" (token and location are NOT preset: the tests set them through the
// commands), and starts a tiny loopback control endpoint so tests running in the extension
// host can read the sandbox's store and inject faults:
//
//   GET  /state                     counts per pipeline stage, ids of the hostile records, requests (and in flight)
//   GET  /opportunity?id=ID         one opportunity as the sandbox holds it (404 if absent)
//   GET  /contact?id=ID             one contact (404 if absent)
//   POST /fault  {method, path, status?, body?, times?}    sandbox.injectFault(...)
//   POST /inbound {conversationId? | contactId?, type, body, subject?}   sandbox.injectInbound(...):
//                                   a lead writes in; answers { message, conversation }
//   GET  /conversation?id=ID        one conversation (unreadCount, starred, …) with its messages,
//                                   oldest first (type, direction, subject) (404 if absent)
//
// The extension host gets EXT_TEST_SANDBOX_URL / _TOKEN / _LOCATION / _LOCATION_NAME /
// _CONTROL, and EXT_TEST_TMP_ROOT (the run's temp root: VS Code's logs are under it).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { require as tsxRequire } from 'tsx/cjs/api';

/** Sizes chosen for the tree checks: 250 + 1 hostile contact = one page of 200 + "Load more… (51 more)". */
export const SANDBOX_CONTACTS = 250;
export const SANDBOX_OPPORTUNITIES = 50;

export const XSS_CONTACT_NAME = '<img src=x onerror="window.__xss=1">';
export const XSS_OPPORTUNITY_NAME = '<script>window.__xss=2</script>';

export default async function prepare({ userSettings, env, tmpDir }) {
  // tsx's CommonJS loader: server.ts is CommonJS-style TypeScript (`export * from './data'`), which
  // tsImport's namespaced ESM loader cannot re-export.
  const { startSandbox, opportunityContact } = tsxRequire('../sandbox/server.ts', import.meta.url);
  const sandbox = await startSandbox({
    port: 0,
    contacts: SANDBOX_CONTACTS,
    opportunities: SANDBOX_OPPORTUNITIES,
    conversations: 10,
    seed: 7,
  });
  const hostile = addHostileRecords(sandbox.store, opportunityContact);

  const control = http.createServer((req, res) => handleControl(sandbox, hostile, req, res));
  await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));

  installTestExtensions(path.join(tmpDir, 'extensions'));
  // The Language Model API, VS Code's Chat view and so @ghl are off while AI features are disabled.
  userSettings['chat.disableAIFeatures'] = false;

  userSettings['ghl.apiBaseUrl'] = sandbox.url;
  // VS Code would offer to forward the sandbox's port (a "Ports 1" badge in the screenshots).
  userSettings['remote.autoForwardPorts'] = false;
  Object.assign(env, {
    EXT_TEST_SANDBOX_URL: sandbox.url,
    EXT_TEST_SANDBOX_TOKEN: sandbox.token,
    EXT_TEST_SANDBOX_LOCATION: sandbox.locationId,
    EXT_TEST_SANDBOX_LOCATION_NAME: sandbox.store.location.name,
    EXT_TEST_SANDBOX_CONTROL: `http://127.0.0.1:${control.address().port}`,
    EXT_TEST_TMP_ROOT: tmpDir,
  });

  return {
    async dispose() {
      await new Promise((resolve) => {
        control.close(() => resolve());
        control.closeAllConnections();
      });
      await sandbox.close();
    },
  };
}

/**
 * The test-only extensions go into the server's --extensions-dir (run.mjs passes
 * <tmpDir>/extensions): the web workbench honours only one extensionDevelopmentPath, which is
 * the product. The scripted chat model (model-provider/) answers the chat; the API consumer
 * (api-consumer/) is "another extension" calling getApi(1). extensions.json is the list VS Code reads.
 */
function installTestExtensions(extensionsDir) {
  mkdirSync(extensionsDir, { recursive: true });
  const entries = ['./model-provider/', './api-consumer/'].map((folderUrl) => {
    const source = fileURLToPath(new URL(folderUrl, import.meta.url));
    const manifest = JSON.parse(readFileSync(path.join(source, 'package.json'), 'utf8'));
    const folder = `${manifest.publisher}.${manifest.name}-${manifest.version}`;
    const target = path.join(extensionsDir, folder);
    cpSync(source, target, { recursive: true });
    return {
      identifier: { id: `${manifest.publisher}.${manifest.name}` },
      version: manifest.version,
      location: { $mid: 1, fsPath: target, path: target, scheme: 'file' },
      relativeLocation: folder,
      metadata: { installedTimestamp: Date.now(), source: 'resource' },
    };
  });
  writeFileSync(path.join(extensionsDir, 'extensions.json'), JSON.stringify(entries));
}

/** A contact and an opportunity (in the first pipeline's first stage) whose names are markup. */
function addHostileRecords(store, opportunityContact) {
  const ts = new Date(Date.now() - 60_000).toISOString();
  const contact = {
    id: 'xssContact0000000001',
    locationId: store.location.id,
    firstName: XSS_CONTACT_NAME,
    lastName: null,
    contactName: XSS_CONTACT_NAME,
    firstNameLowerCase: XSS_CONTACT_NAME.toLowerCase(),
    lastNameLowerCase: null,
    email: 'xss@example.com',
    phone: null,
    companyName: '<b>Bold Co</b>',
    address1: null,
    city: 'Austin',
    state: 'TX',
    postalCode: '78701',
    country: 'US',
    source: 'Website',
    type: 'lead',
    tags: ['<i>tag</i>'],
    customFields: [],
    dateAdded: ts,
    dateUpdated: ts,
  };
  store.contacts.set(contact.id, contact);
  store.reindexContacts();

  const pipeline = store.pipelines[0];
  const opportunity = {
    id: 'xssOpportunity000001',
    name: XSS_OPPORTUNITY_NAME,
    monetaryValue: 1234,
    pipelineId: pipeline.id,
    pipelineStageId: pipeline.stages[0].id,
    assignedTo: null,
    status: 'open',
    source: 'Website',
    lastStatusChangeAt: ts,
    lastStageChangeAt: ts,
    createdAt: ts,
    updatedAt: ts,
    contactId: contact.id,
    locationId: store.location.id,
    customFields: [],
    contact: opportunityContact(contact),
  };
  store.opportunities.set(opportunity.id, opportunity);
  return { contactId: contact.id, opportunityId: opportunity.id, contactName: XSS_CONTACT_NAME, opportunityName: XSS_OPPORTUNITY_NAME };
}

function handleControl(sandbox, hostile, req, res) {
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let raw = '';
  req.on('data', (chunk) => (raw += chunk));
  req.on('end', () => {
    try {
      const { store } = sandbox;
      if (req.method === 'GET' && url.pathname === '/state') {
        const stageCounts = {};
        for (const p of store.pipelines) stageCounts[p.id] = Object.fromEntries(p.stages.map((s) => [s.id, 0]));
        for (const o of store.opportunities.values()) {
          if (stageCounts[o.pipelineId]?.[o.pipelineStageId] !== undefined) stageCounts[o.pipelineId][o.pipelineStageId]++;
        }
        return reply(200, {
          contacts: store.contacts.size,
          opportunities: store.opportunities.size,
          location: { id: store.location.id, name: store.location.name },
          pipelines: store.pipelines.map((p) => ({ id: p.id, name: p.name, stages: p.stages.map((s) => ({ id: s.id, name: s.name })) })),
          stageCounts,
          hostile,
          requests: sandbox.stats.requests,
          requestsInFlight: sandbox.requestsInFlight,
        });
      }
      if (req.method === 'GET' && url.pathname === '/opportunity') {
        const o = store.opportunities.get(url.searchParams.get('id') ?? '');
        return o ? reply(200, o) : reply(404, { message: 'no such opportunity' });
      }
      if (req.method === 'GET' && url.pathname === '/contact') {
        const c = store.contacts.get(url.searchParams.get('id') ?? '');
        return c ? reply(200, c) : reply(404, { message: 'no such contact' });
      }
      if (req.method === 'GET' && url.pathname === '/conversation') {
        const id = url.searchParams.get('id') ?? '';
        const conversation = store.conversations.get(id);
        return conversation ? reply(200, { ...conversation, messages: store.messages.get(id) ?? [] }) : reply(404, { message: 'no such conversation' });
      }
      if (req.method === 'POST' && url.pathname === '/inbound') {
        let created;
        try {
          created = sandbox.injectInbound(JSON.parse(raw || '{}'));
        } catch (err) {
          return reply(400, { message: String(err?.message ?? err) });
        }
        return reply(200, created);
      }
      if (req.method === 'POST' && url.pathname === '/fault') {
        const fault = JSON.parse(raw || '{}');
        if (typeof fault.path !== 'string' && fault.path !== undefined) throw new Error('path must be a string');
        sandbox.injectFault(fault);
        return reply(200, { ok: true });
      }
      // #18: the appointments the sandbox holds (the calendar suite checks a booking landed at the chosen time).
      if (req.method === 'GET' && url.pathname === '/events') return reply(200, [...store.events.values()]);
      // #17: a task, a contact's notes, a workflow's members as the sandbox holds them.
      if (req.method === 'GET' && url.pathname === '/task') {
        const task = sandbox.followUp.tasks.get(url.searchParams.get('id') ?? '');
        return task ? reply(200, task) : reply(404, { message: 'no such task' });
      }
      if (req.method === 'GET' && url.pathname === '/notes') {
        return reply(200, { notes: sandbox.followUp.notes.get(url.searchParams.get('contactId') ?? '') ?? [] });
      }
      if (req.method === 'GET' && url.pathname === '/workflow') {
        const id = url.searchParams.get('id') ?? '';
        const workflow = sandbox.followUp.workflows.find((w) => w.id === id);
        return workflow ? reply(200, { ...workflow, members: [...(sandbox.followUp.enrolled.get(id) ?? [])] }) : reply(404, { message: 'no such workflow' });
      }
      reply(404, { message: `unknown control call ${req.method} ${url.pathname}` });
    } catch (err) {
      reply(500, { message: String(err?.message ?? err) });
    }
  });
}
