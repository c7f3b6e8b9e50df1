// A scripted stand-in for a webview's host client (HostIpc's request and onPush), for the
// webview models tested in plain Node: the test answers per channel, the fake records every
// request and lets the test deliver a push.
import type { Envelope } from '../../src/protocol/envelope';
import type { HostIpc } from '../../src/webview/shared/ipc';

export type FakeHandler = (payload: any) => Envelope | Promise<Envelope>;
export type FakeIpc = Pick<HostIpc, 'request' | 'onPush'>;

export function fakeIpc(handlers: Record<string, FakeHandler>) {
  const requests: Array<{ channel: string; payload: any }> = [];
  const pushes = new Map<string, (payload: any) => void>();
  const fake = {
    request: async (channel: string, payload: unknown) => {
      requests.push({ channel, payload });
      const handler = handlers[channel];
      return handler ? handler(payload) : { success: false, error: { code: 'UNKNOWN_CHANNEL', message: channel } };
    },
    onPush: (name: string, listener: (payload: any) => void) => {
      pushes.set(name, listener);
      return () => pushes.delete(name);
    },
  };
  // The models only see the two methods; the fake answers any channel with untyped scripts.
  const ipc = fake as unknown as FakeIpc;
  return { ipc, requests, push: (name: string, payload: unknown) => pushes.get(name)?.(payload) };
}
