/**
 * Entry of the Chat webview: the <ghl-chat> component, its conversation restored from the
 * webview state of the previous page.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import './chat.css';

import { WEBVIEW_ROOT_ID } from '../../protocol/webviewMessages';
import { getIpc, loadState, saveState } from '../shared/ipc';
import { type SavedChatState } from './chatElement';
import './chatElement';

const chat = document.createElement('ghl-chat');
chat.ipc = getIpc();
chat.persist = (state) => saveState(state);
chat.restore(loadState<SavedChatState>());
(document.getElementById(WEBVIEW_ROOT_ID) ?? document.body).replaceChildren(chat);
void chat.start();
