import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

/**
 * Pushes and envelopes are typed end to end (the push table, typedRequest), so a cast of
 * one is a type hole someone opened by hand. This scan keeps src/ free of them; the two
 * narrowings that make the types true at a boundary are named below, each with its reason
 * written where it is.
 */

const SRC = path.join(__dirname, '../../src');

/** What a cast of a push or an envelope's data looks like in this code base. */
const CAST_PATTERNS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'a payload or data cast', pattern: /\b(payload|data)\s+as\s+(?!const\b)/ },
  { name: 'a listener or resolver cast', pattern: /\b(listener|resolve)\s+as\s+/ },
  {
    name: 'a cast to a push or envelope type',
    pattern: /\bas\s+(unknown\s+as\s+)?(Push[A-Za-z]*|HostPush[A-Za-z]*|SyncProgress|ArvEnrichProgress|ArvProgress|ChatStreamEvent|Envelope|ResponseEnvelope|ResponseData|HostToWebview|WebviewReply)\b/,
  },
  { name: 'a cast to a promised envelope', pattern: /\bas\s+Promise<\s*(Envelope|ResponseEnvelope)\b/ },
];

/** The narrowings that are the types' ground truth, and why (the reason is also written at each). */
const SANCTIONED: ReadonlyArray<{ file: string; line: RegExp; why: string }> = [
  { file: 'protocol/typedRequest.ts', line: /as Promise<ResponseEnvelope<K>>/, why: 'the handler table, typed per channel, answers every dispatch' },
  { file: 'webview/shared/ipc.ts', line: /return message as PushMessage;/, why: "the page's one sender is the bridge, which posts only typed, checked pushes" },
];

export interface Cast {
  file: string;
  line: number;
  text: string;
  kind: string;
}

/** Code only: a comment that says "payload as parsed" is not a cast. */
function codeOf(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('*') || trimmed.startsWith('/*') || trimmed.startsWith('//')) return '';
  const comment = line.indexOf(' // ');
  return comment >= 0 ? line.slice(0, comment) : line;
}

export function findCasts(files: ReadonlyArray<{ file: string; text: string }>): Cast[] {
  const casts: Cast[] = [];
  for (const { file, text } of files) {
    text.split('\n').forEach((line, index) => {
      const code = codeOf(line);
      const match = CAST_PATTERNS.find(({ pattern }) => pattern.test(code));
      if (!match) return;
      if (SANCTIONED.some((s) => s.file === file && s.line.test(code))) return;
      casts.push({ file, line: index + 1, text: line.trim(), kind: match.name });
    });
  }
  return casts;
}

function sourceFiles(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ file: file.split(path.sep).join('/'), text: readFileSync(path.join(dir, file), 'utf8') }));
}

describe('no push or envelope casts in src/', () => {
  it('finds none outside the two sanctioned narrowings', () => {
    const files = sourceFiles(SRC);
    assert.ok(files.length > 100, `${files.length} source files read`);
    assert.deepEqual(findCasts(files), []);
  });

  it('each sanctioned narrowing is still there, once (a stale entry would hide a new cast)', () => {
    for (const { file, line } of SANCTIONED) {
      const text = readFileSync(path.join(SRC, file), 'utf8');
      assert.equal(text.split('\n').filter((l) => line.test(codeOf(l))).length, 1, file);
    }
  });

  it('catches every cast this code base had before pushes were typed', () => {
    // The casts the push table and typedRequest replaced, as they were written.
    const before = [
      ['vscode/webviewBridge.ts', "this._register(host.onPush((event) => this.push({ push: event.channel, payload: event.payload } as PushMessage)));"],
      ['vscode/backendHost.ts', 'const p = event.payload as PushPayloads[typeof EXT_GHL_IPC.ARV_ENRICH_PROGRESS];'],
      ['vscode/backendHost.ts', "if (event.channel === DATA_CHANGED) listener((event.payload as { kinds: DataKind[] }).kinds);"],
      ['vscode/backendHost.ts', 'return this.send(channel, payload, token) as Promise<ResponseEnvelope<K>>;'],
      ['vscode/backendHost.ts', 'if (event.channel === EXT_GHL_IPC.SYNC_PROGRESS) listener(event.payload as PushPayloads[typeof EXT_GHL_IPC.SYNC_PROGRESS]);'],
      ['vscode/tasks.ts', 'if (runId === null) early.push(event.payload as ArvProgress);'],
      ['vscode/tasks.ts', 'else follow(event.payload as ArvProgress);'],
      ['vscode/commands/arv.ts', 'const p = event.payload as ArvProgress;'],
      ['chat/tools/writeTools.ts', "done: (data, plan) => contactDone('ghl_update_contact', data as Contact, plan),"],
      ['chat/tools/writeTools.ts', 'const o = data as Opportunity;'],
      ['chat/tools/writeTools.ts', "const sent = data as ResponseData['ext-ghl:convs-send'];"],
      ['chat/toolSet.ts', 'const data = await call(client, plan.request.channel, plan.request.payload as never);'],
      ['webview/shared/ipc.ts', 'const fn = listener as (payload: unknown) => void;'],
      ['webview/shared/ipc.ts', "this.pending.set(id, { resolve: resolve as (envelope: Envelope) => void, timer });"],
    ] as const;
    const found = findCasts(before.map(([file, text]) => ({ file, text: `  ${text}` })));
    assert.deepEqual(
      found.map((c) => c.text),
      before.map(([, text]) => text),
    );
  });

  it('ignores comments, `as const`, and casts of other things', () => {
    const text = [
      ' * Answers the event with its payload as parsed, or why it is not one.',
      '  // the data as the model sees it',
      "  const SYNC_KINDS = { a: 'contacts' } as const;",
      '  const data = { a: 1 } as const;',
      '  const record = value as Record<string, unknown>;',
      '  const f = entry as Record<string, unknown>; // entry as read',
    ].join('\n');
    assert.deepEqual(findCasts([{ file: 'x.ts', text }]), []);
  });

  it('a planted cast in a sanctioned file is still caught', () => {
    const text = ['  return message as PushMessage;', '  const other = message as PushMessage<"host:focus-reply">;'].join('\n');
    assert.deepEqual(
      findCasts([{ file: 'webview/shared/ipc.ts', text }]).map((c) => c.line),
      [2],
    );
  });
});
