// Compile-time test of the webview client's typing (checked by `tsc --noEmit`, never run):
// a request's payload is its channel's RequestInput and its reply its ResponseData, with no
// cast at the call site; anything else does not compile.
import { EXT_GHL_IPC as C } from '../../src/protocol/channels';
import type { OpportunityStatus } from '../../src/protocol/entities';
import type { HostIpc } from '../../src/webview/shared/ipc';

export async function typedCalls(ipc: HostIpc): Promise<void> {
  const updated = await ipc.request(C.OPPS_UPDATE_STATUS, { id: 'o-1', status: 'won' });
  if (updated.success) {
    const status: OpportunityStatus = updated.data.status;
    void status;
    // @ts-expect-error: the reply is one Opportunity, not a list
    void updated.data.items;
  }
  const listed = await ipc.request(C.OPPS_LIST, { pipelineId: 'p-1', limit: 10 });
  if (listed.success) void listed.data.items[0]?.pipelineStageId;

  // @ts-expect-error: not a status
  await ipc.request(C.OPPS_UPDATE_STATUS, { id: 'o-1', status: 'closed' });
  // @ts-expect-error: the id is required
  await ipc.request(C.OPPS_GET, {});
  // @ts-expect-error: not a channel
  await ipc.request('ext-ghl:no-such-channel', {});
  // @ts-expect-error: a push channel cannot be requested
  await ipc.request(C.SYNC_PROGRESS, {});

  ipc.onPush(C.SYNC_PROGRESS, (progress) => {
    const synced: number = progress.synced;
    void synced;
    // @ts-expect-error: sync progress has no such field
    void progress.pipelineId;
  });
}
