import { ChatService } from '../chat/chatService';
import type { ChannelClient } from '../chat/channelClient';
import { EXT_GHL_IPC as C } from '../protocol/channels';
import { ExtGhlError } from '../protocol/envelope';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { currentLocationId } from './settings';

type ChatChannels = typeof C.CHAT_SEND | typeof C.CHAT_CLEAR | typeof C.CHAT_CONFIRM | typeof C.CHAT_STOP | typeof C.CHAT_HISTORY | typeof C.CHAT_OPEN;

/** Said when the core runs without VS Code (the worker alone, a plain-Node host): it has no language model. */
export const NO_MODEL_OUTSIDE_VSCODE = 'No chat model is reachable here: language models come from VS Code (vscode.lm), and this backend runs without it.';

/**
 * The chat as the core alone can answer it: slash commands from the cache and the no-model
 * reply. In VS Code the extension host answers these channels instead, with the user's model
 * (src/vscode/chatHost.ts); this keeps createBackend honest for every other host and test.
 */
export function chatHandlers(ctx: HandlerContext, client: ChannelClient): Pick<HandlerTable, ChatChannels> {
  const service = new ChatService({ client, now: () => ctx.now() });
  const location = () => {
    const id = currentLocationId(ctx);
    return id ? { id } : null;
  };
  let turns = 0;
  return {
    async [C.CHAT_SEND]({ message }) {
      const result = await service.send({ message, model: null, location: location(), noModelReason: NO_MODEL_OUTSIDE_VSCODE });
      return { turnId: `core-${++turns}`, ...result };
    },
    async [C.CHAT_CLEAR]() {
      service.clear(location());
      return { cleared: true };
    },
    [C.CHAT_CONFIRM]: async ({ actionId, approve }) => service.confirm(actionId, approve, location()),
    // Turns here never wait on a model, so there is nothing to stop.
    [C.CHAT_STOP]: async () => ({ stopped: false }),
    async [C.CHAT_HISTORY]() {
      const scope = location()?.id ?? '';
      return { entries: [...service.history.entries(scope)], pendingActions: service.pendingActions(location()), model: null, noModelReason: NO_MODEL_OUTSIDE_VSCODE };
    },
    async [C.CHAT_OPEN]() {
      throw new ExtGhlError('NOT_CONFIGURED', 'Opening a record needs a VS Code window.');
    },
  };
}
