/**
 * Entry of the Opportunities board webview: one BoardModel (the state) rendered by the
 * <ghl-board> component (board → columns → cards). What must survive a reload of the page
 * or of the window (the pipeline, the filter) goes to the webview state.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import './board.css';

import { WEBVIEW_ROOT_ID } from '../../protocol/webviewMessages';
import { getIpc, loadState, readInitialState, saveState } from '../shared/ipc';
import './boardElement';
import { BoardModel, type SavedBoardState } from './boardModel';

/** From the host: the pipeline asked for, or the state of a board VS Code restored. */
interface InitialState {
  pipelineId?: unknown;
  filter?: unknown;
  tag?: unknown;
}

// The client posts `ready` when created; the model subscribes to pushes in this same task,
// before the host's first message can arrive.
const { pipelineId, filter, tag } = readInitialState<InitialState>();
const model = new BoardModel(getIpc(), {
  initialPipelineId: typeof pipelineId === 'string' ? pipelineId : undefined,
  initialFilter: typeof filter === 'string' ? filter : undefined,
  initialTag: typeof tag === 'string' ? tag : undefined,
  saved: loadState<SavedBoardState>(),
  persist: (state) => saveState(state),
});
const board = document.createElement('ghl-board');
board.model = model;
board.analyze = (opportunityId) => getIpc().act({ type: 'analyze-deal', opportunityId });
board.followUp = ({ what, contactId }) => getIpc().act({ type: 'deal-follow-up', what, contactId });
(document.getElementById(WEBVIEW_ROOT_ID) ?? document.body).replaceChildren(board);
void model.start();
