/**
 * Entry of a conversation panel's webview: one ConversationModel (the thread and the replies)
 * rendered by <ghl-conversation>. The conversation id goes to the webview state at once, so
 * VS Code can bring the panel back after a reload.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import './conversation.css';

import { channelLabel, replyTypeFor } from '../../inbox/channels';
import { WEBVIEW_ROOT_ID } from '../../protocol/webviewMessages';
import { getIpc, loadState, readInitialState, saveState } from '../shared/ipc';
import { type SavedConversationState } from './conversationElement';
import './conversationElement';
import { ConversationModel } from './conversationModel';
import { htmlToText } from './htmlText';

interface InitialState {
  conversationId?: unknown;
  focusReply?: unknown;
  draft?: unknown;
  subject?: unknown;
}

const initial = readInitialState<InitialState>();
const saved = loadState<SavedConversationState>();
const conversationId = typeof initial.conversationId === 'string' ? initial.conversationId : (saved.conversationId ?? '');
const ipc = getIpc();
const model = new ConversationModel(ipc, { conversationId, channelLabel, replyTypeFor, htmlToText, newId: () => crypto.randomUUID() });
const view = document.createElement('ghl-conversation');
view.model = model;
view.openLink = (url) => ipc.act({ type: 'open-link', url });
view.followUp = (what) => ipc.act({ type: 'follow-up', what });
view.persist = (state) => saveState(state);
// The page's own state first; a panel VS Code restored brings it in the initial state too.
view.restore({
  ...(typeof initial.draft === 'string' ? { draft: initial.draft } : {}),
  ...(typeof initial.subject === 'string' ? { subject: initial.subject } : {}),
  ...saved,
});
saveState({ ...saved, conversationId });
(document.getElementById(WEBVIEW_ROOT_ID) ?? document.body).replaceChildren(view);
ipc.onPush('host:focus-reply', (event) => {
  if (event.conversationId === conversationId) view.focusReply();
});
void model.start().then(() => {
  if (initial.focusReply === true) view.focusReply();
});
