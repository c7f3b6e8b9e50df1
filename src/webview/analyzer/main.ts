/**
 * Entry of a deal analyzer panel's webview: one AnalyzerModel for the opportunity the host
 * named, rendered by <ghl-analyzer>. The stored analysis shows at once; the first open of a
 * deal fetches its comps.
 */
import './analyzer.css';

import { WEBVIEW_ROOT_ID } from '../../protocol/webviewMessages';
import { getIpc, loadState, readInitialState, saveState } from '../shared/ipc';
import './analyzerElement';
import { AnalyzerModel } from './analyzerModel';

interface InitialState {
  opportunityId?: unknown;
}

const initial = readInitialState<InitialState>();
const saved = loadState<{ opportunityId?: string }>();
const opportunityId = typeof initial.opportunityId === 'string' ? initial.opportunityId : (saved.opportunityId ?? '');
saveState({ opportunityId });
const model = new AnalyzerModel(getIpc(), opportunityId);
const view = document.createElement('ghl-analyzer');
view.model = model;
(document.getElementById(WEBVIEW_ROOT_ID) ?? document.body).replaceChildren(view);
void model.start();
