/**
 * Checked by the type-check (`npx tsc --noEmit -p .`, part of `npm test`), never run: each
 * `@ts-expect-error` line must be a compile error, or the type-check fails with "Unused
 * '@ts-expect-error' directive". The lines without it must compile.
 */
import { EXT_GHL_IPC } from '../../src/protocol/channels';
import type { Contact } from '../../src/protocol/entities';
import type { BackendHost } from '../../src/vscode/backendHost';

export async function typedHostCalls(host: BackendHost): Promise<void> {
  // Right payloads compile, and the data comes back typed without a cast.
  const list = await host.request(EXT_GHL_IPC.CONTACTS_LIST, { limit: 10, query: 'ann' });
  if (list.success) {
    const first: Contact | undefined = list.data.items[0];
    const total: number = list.data.total;
    void first;
    void total;
  }
  const created = await host.call(EXT_GHL_IPC.CONTACTS_CREATE, { contact: { firstName: 'Ann' } });
  const id: string = created.id;
  void id;
  const view = await host.call(EXT_GHL_IPC.SETTINGS_SET, { locationId: 'loc-1' });
  const configured: boolean = view.configured;
  void configured;

  // @ts-expect-error a number where the schema wants a string id
  await host.request(EXT_GHL_IPC.CONTACTS_GET, { id: 7 });
  // @ts-expect-error a key the channel's strict schema does not have
  await host.request(EXT_GHL_IPC.CONTACTS_LIST, { limit: 10, serch: 'typo' });
  // @ts-expect-error a required field (id) missing
  await host.call(EXT_GHL_IPC.OPPS_UPDATE_STATUS, { status: 'won' });
  // @ts-expect-error a status the protocol does not know
  await host.call(EXT_GHL_IPC.OPPS_UPDATE_STATUS, { id: 'o1', status: 'closed' });
  // @ts-expect-error a channel that does not exist
  await host.request('ext-ghl:contacts-lst', {});
  // @ts-expect-error a bare string is not a channel: untrusted input goes through forward()
  await host.request(String('ext-ghl:contacts-list'), {});

  const sync = await host.call(EXT_GHL_IPC.OPPS_SYNC, {});
  // @ts-expect-error the data is the channel's own: a sync result has no items
  void sync.items;

  // Untrusted messages (a webview, another extension) are forwarded untyped; the dispatcher validates them.
  const forwarded = await host.forward('anything', { at: 'all' });
  if (forwarded.success) {
    // @ts-expect-error forwarded data is unknown until checked
    void forwarded.data.items;
  }
}
