import * as vscode from 'vscode';
import type { PushEvent } from '../../protocol/pushes';
import { isPushChannel } from '../../protocol/pushes';
import type { HostPushEvent } from '../../protocol/webviewMessages';
import type { BackendHost } from '../backendHost';
import type { Logger } from '../logger';
import { callingExtension } from './callingExtension';
import type { GhlExtensionExports, GhlTestingHandle, McpServerLaunchForTest, PushListener, TaskRemindersTestHook } from './ghlApi';
import { createApiV1, createExports, SETTING_API_ALLOW_WRITES } from './writeGate';

/**
 * What activate() returns: `getApi(1)` (reads open, writes behind ghl.api.allowWrites) and,
 * only while VS Code runs this extension's tests, the ungated `testing` handle.
 */
export function extensionExports(
  context: vscode.ExtensionContext,
  host: BackendHost,
  logger: Logger,
  activationMs: number,
  testHooks: { taskReminders?: TaskRemindersTestHook; /* #20 */ resolveMcpServer?: () => Promise<McpServerLaunchForTest> } = {},
): GhlExtensionExports {
  // Host events (data-changed, the chat's view events) are the extension's own business.
  const onPush = (listener: PushListener) =>
    host.onPush((event) => {
      if (isProtocolPush(event)) listener(event);
    });
  const testing: GhlTestingHandle | undefined =
    context.extensionMode === vscode.ExtensionMode.Test
      ? { request: (channel, payload) => host.forward(channel, payload), onPush, activationMs, ...testHooks }
      : undefined;
  return createExports(
    () =>
      createApiV1({
        forward: (channel, payload) => host.forward(channel, payload),
        onPush,
        writesAllowed,
        caller: () => callingExtension(new Error().stack, vscode.extensions.all, context.extension.id),
        log: (level, message) => logger.log(level, message, 'api'),
      }),
    testing,
  );
}

/** Only the user's own value counts (the setting's scope is application; a default-off is explicit here too). */
function writesAllowed(): boolean {
  return vscode.workspace.getConfiguration().inspect<boolean>(SETTING_API_ALLOW_WRITES)?.globalValue === true;
}

function isProtocolPush(event: HostPushEvent): event is PushEvent {
  return isPushChannel(event.channel);
}
