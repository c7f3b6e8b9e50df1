/**
 * Checked by the type-check (`npm run check-types`), never run: each `@ts-expect-error`
 * line must be a compile error, or the type-check fails with "Unused '@ts-expect-error'
 * directive". The lines without it must compile. Pushes are typed from the push table
 * (src/protocol/pushes.ts) to every listener: host, webview and the chat's write tools.
 */
import type { ArvProgress } from '../../src/protocol/arv';
import type { HandlerContext } from '../../src/handlers/context';
import { EXT_GHL_IPC as C } from '../../src/protocol/channels';
import type { ArvEnrichProgress, PushEvent, SyncProgress } from '../../src/protocol/pushes';
import type { HostPushEvent } from '../../src/protocol/webviewMessages';
import type { BackendHost } from '../../src/vscode/backendHost';
import type { HostIpc } from '../../src/webview/shared/ipc';
import { writeTool } from '../../src/chat/tools/types';
import { z } from 'zod';

export function backendPushes(ctx: HandlerContext): void {
  ctx.push(C.SYNC_PROGRESS, { kind: 'contacts', synced: 1, total: 2 });
  // @ts-expect-error a payload of the wrong shape for its channel
  ctx.push(C.SYNC_PROGRESS, { kind: 'contacts', synced: '1', total: 2 });
  // @ts-expect-error another channel's payload
  ctx.push(C.CHAT_STREAM, { kind: 'contacts', synced: 1, total: 2 });
  // @ts-expect-error a request channel is not a push
  ctx.push(C.CONTACTS_LIST, { items: [], total: 0 });
}

export function hostPushes(host: BackendHost): void {
  host.publish({ channel: C.CHAT_STREAM, payload: { turnId: 't', delta: 'Hi' } });
  host.publish({ channel: 'host:chat-changed', payload: { reason: 'cleared' } });
  // @ts-expect-error a payload of the wrong shape for its channel
  host.publish({ channel: C.CHAT_STREAM, payload: { turnId: 't', delta: 7 } });
  // @ts-expect-error a reason the host event does not have
  host.publish({ channel: 'host:chat-changed', payload: { reason: 'deleted' } });
  // @ts-expect-error no such push
  host.publish({ channel: 'host:nothing', payload: {} });

  host.onPush((event) => {
    if (event.channel === C.ARV_ENRICH_PROGRESS) {
      // Narrowed by its channel, without a cast.
      const processed: number = event.payload.processed;
      void processed;
      // @ts-expect-error an ARV progress has no `synced`
      void event.payload.synced;
    }
    // @ts-expect-error not narrowed: the payload is still any push's
    void event.payload.processed;
  });
  // @ts-expect-error a listener of the wrong type: sync progress is not ARV progress
  host.onSyncProgress((progress: ArvEnrichProgress) => void progress);
  // @ts-expect-error a listener of the wrong type for the bus
  host.onPush((event: { channel: string; payload: string }) => void event);
  host.onArvProgress((progress) => void progress.deal?.name);
}

export function webviewPushes(ipc: HostIpc): void {
  ipc.onPush('host:data-changed', ({ kinds }) => void kinds);
  // @ts-expect-error a listener of the wrong type: data-changed carries kinds, not a conversation
  ipc.onPush('host:data-changed', (payload: { conversationId: string }) => void payload);
  // @ts-expect-error a listener for another push's payload
  ipc.onPush(C.SYNC_PROGRESS, (payload: ArvEnrichProgress) => void payload);
  // @ts-expect-error not a push
  ipc.onPush('ext-ghl:contacts-list', () => undefined);
}

/** The push table's types and the core's own shapes agree both ways, so neither can drift. */
export function sameShapes(fromJob: ArvProgress, fromTable: ArvEnrichProgress, sync: SyncProgress): void {
  const asTable: ArvEnrichProgress = fromJob;
  const asJob: ArvProgress = fromTable;
  const event: PushEvent = { channel: C.SYNC_PROGRESS, payload: sync };
  const onBus: HostPushEvent = event;
  void [asTable, asJob, onBus];
  // @ts-expect-error a push event's channel decides its payload
  const wrong: PushEvent = { channel: C.ARV_ENRICH_PROGRESS, payload: sync };
  void wrong;
}

export const typedWriteTools = [
  writeTool({
    name: 'ghl_example',
    toolReferenceName: 'ghlExample',
    displayName: 'Example',
    userDescription: 'Example.',
    modelDescription: 'Example.',
    tags: [],
    icon: 'edit',
    channel: 'ext-ghl:opps-update-status',
    inputSchema: z.object({ id: z.string() }),
    async plan({ id }) {
      return { summary: `Win ${id}`, payload: { id, status: 'won' } };
    },
    // The answer is the channel's own: an Opportunity, no cast.
    done: (opportunity, plan) => ({ ok: true, summary: `${plan.summary}: ${opportunity.status}`, content: '', refs: [] }),
  }),
  writeTool({
    name: 'ghl_example',
    toolReferenceName: 'ghlExample',
    displayName: 'Example',
    userDescription: 'Example.',
    modelDescription: 'Example.',
    tags: [],
    icon: 'edit',
    channel: 'ext-ghl:opps-update-status',
    inputSchema: z.object({ id: z.string() }),
    // @ts-expect-error the plan's payload has a status the channel does not take
    async plan({ id }) {
      return { summary: `Close ${id}`, payload: { id, status: 'closed' } };
    },
    // @ts-expect-error the answer is an Opportunity, not a message send's
    done: (sent: { messageId: string }) => ({ ok: true, summary: sent.messageId, content: '', refs: [] }),
  }),
];
