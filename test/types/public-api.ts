/**
 * Checked by the type-check, never run (like typed-host-calls.ts): the public API as another
 * extension writes against it, with `src/vscode/api/ghlApi.ts` copied. Each `@ts-expect-error`
 * line must be a compile error; the others must compile (the README's example among them).
 */
import type * as vscode from 'vscode';
import type { Contact, GhlExtensionExports } from '../../src/vscode/api/ghlApi';

export async function anotherExtension(ghl: vscode.Extension<GhlExtensionExports>): Promise<void> {
  const api = (await ghl.activate()).getApi(1);
  const page = await api.request('ext-ghl:contacts-list', { query: 'chen', limit: 20 });
  if (page.success) {
    const names: Array<string | null> = page.data.items.map((c: Contact) => c.name);
    void names;
  }
  const listener: vscode.Disposable = api.onPush((event) => {
    // The payload narrows with its channel.
    if (event.channel === 'ext-ghl:sync-progress') void event.payload.synced;
  });
  listener.dispose();
  api.onPush((event) => {
    // @ts-expect-error a sync-progress payload has no chat turn
    if (event.channel === 'ext-ghl:sync-progress') void event.payload.turnId;
  });

  // @ts-expect-error only version 1 exists
  (await ghl.activate()).getApi(2);
  // @ts-expect-error a payload the channel's schema refuses
  await api.request('ext-ghl:contacts-delete', { id: 7 });
  // @ts-expect-error a push is not requestable
  await api.request('ext-ghl:sync-progress', {});
  // @ts-expect-error the ungated handle is optional: absent outside Test mode
  await (await ghl.activate()).testing.request('ext-ghl:convs-send', {});
}
