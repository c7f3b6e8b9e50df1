/**
 * The Chat panel: a message list, a textarea (Enter sends, Shift+Enter adds a line) and
 * Send / Clear. Everything is rendered as plain text. The conversation survives reloads
 * of the view through the webview state.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import './chat.css';

import { EXT_GHL_IPC as C } from '../../protocol/channels';
import { WEBVIEW_ROOT_ID } from '../../protocol/webviewMessages';
import { codicon, h, setChildren } from '../shared/dom';
import { getIpc, loadState, saveState } from '../shared/ipc';

export interface ChatMessage {
  role: 'user' | 'assistant';
  text: string;
  /** A subtle remark under the bubble (e.g. "not available yet"). */
  note?: string;
  /** The user's message could not be delivered. */
  failed?: boolean;
  at: number;
}

interface SavedState {
  messages?: ChatMessage[];
  draft?: string;
}

/** Messages kept in the webview state. */
const MAX_KEPT = 200;
const MAX_LENGTH = 10_000;

const ipc = getIpc();
const saved = loadState<SavedState>();

function isMessage(value: unknown): value is ChatMessage {
  if (!value || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  return (m.role === 'user' || m.role === 'assistant') && typeof m.text === 'string';
}

const state = {
  messages: (Array.isArray(saved.messages) ? saved.messages.filter(isMessage) : []).slice(-MAX_KEPT),
  sending: false,
};

// ---------------------------------------------------------------------------- DOM

const root = document.getElementById(WEBVIEW_ROOT_ID) ?? document.body.appendChild(h('div', { id: WEBVIEW_ROOT_ID }));

const list = h('div', {
  class: 'messages',
  role: 'log',
  'aria-live': 'polite',
  'aria-label': 'Conversation',
  'data-testid': 'chat-messages',
});
const errorText = h('span', { class: 'error-text' });
const errorBox = h(
  'div',
  { class: 'chat-error', role: 'alert', 'data-testid': 'chat-error' },
  codicon('error'),
  errorText,
  h(
    'button',
    { class: 'icon-button', type: 'button', title: 'Dismiss', 'aria-label': 'Dismiss error', on: { click: () => hideError() } },
    codicon('close'),
  ),
);
errorBox.hidden = true;

const input = h('vscode-textarea', {
  class: 'chat-input',
  'data-testid': 'chat-input',
  placeholder: 'Ask about your contacts, pipelines and deals…  (Enter to send, Shift+Enter for a new line)',
  rows: 3,
  resize: 'vertical',
  'aria-label': 'Message',
  maxlength: MAX_LENGTH,
});
input.value = typeof saved.draft === 'string' ? saved.draft : '';

const sendButton = h('vscode-button', { 'data-testid': 'chat-send', icon: 'send', title: 'Send (Enter)' }, 'Send');
const clearButton = h(
  'vscode-button',
  { 'data-testid': 'chat-clear', secondary: true, icon: 'clear-all', title: 'Clear the conversation' },
  'Clear',
);
const pendingRow = h(
  'div',
  { class: 'pending', 'data-testid': 'chat-pending' },
  h('vscode-progress-ring', { class: 'pending-ring', 'aria-label': 'Waiting for a reply' }),
  h('span', null, 'Thinking…'),
);
pendingRow.hidden = true;

setChildren(
  root,
  h(
    'div',
    { class: 'chat' },
    list,
    pendingRow,
    errorBox,
    h('div', { class: 'composer' }, input, h('div', { class: 'actions' }, clearButton, sendButton)),
  ),
);

// ---------------------------------------------------------------------------- rendering

function renderMessage(message: ChatMessage): HTMLElement {
  return h(
    'div',
    {
      class: ['message', `message-${message.role}`, message.failed && 'failed'],
      'data-testid': 'chat-message',
      dataset: { role: message.role },
    },
    h(
      'div',
      { class: 'bubble' },
      h('span', { class: 'visually-hidden' }, message.role === 'user' ? 'You: ' : 'Assistant: '),
      h('span', { class: 'bubble-text', 'data-testid': 'chat-message-text' }, message.text),
    ),
    message.note && h('div', { class: 'message-note', 'data-testid': 'chat-message-note' }, codicon('info'), message.note),
    message.failed && h('div', { class: 'message-note' }, codicon('warning'), 'Not sent'),
  );
}

function renderEmpty(): HTMLElement {
  return h(
    'div',
    { class: 'empty', 'data-testid': 'chat-empty' },
    codicon('comment-discussion', 'empty-icon'),
    h('p', null, 'Ask about your GoHighLevel contacts, pipelines and opportunities.'),
  );
}

function renderAll(): void {
  if (state.messages.length === 0) setChildren(list, renderEmpty());
  else setChildren(list, state.messages.map(renderMessage));
  scrollToEnd();
}

function append(message: ChatMessage): void {
  state.messages.push(message);
  if (state.messages.length > MAX_KEPT) state.messages.splice(0, state.messages.length - MAX_KEPT);
  if (list.querySelector('.empty')) list.replaceChildren();
  list.appendChild(renderMessage(message));
  while (list.childElementCount > MAX_KEPT) list.firstElementChild?.remove();
  scrollToEnd();
  persist();
}

function scrollToEnd(): void {
  list.scrollTop = list.scrollHeight;
}

function persist(): void {
  saveState<SavedState>({ messages: state.messages, draft: input.value });
}

function showError(message: string): void {
  errorText.textContent = message;
  errorBox.hidden = false;
}

function hideError(): void {
  errorBox.hidden = true;
  errorText.textContent = '';
}

function setSending(sending: boolean): void {
  state.sending = sending;
  sendButton.disabled = sending;
  pendingRow.hidden = !sending;
  if (sending) scrollToEnd();
}

// ---------------------------------------------------------------------------- actions

async function send(): Promise<void> {
  if (state.sending) return;
  const text = input.value.trim();
  if (!text) return;
  if (text.length > MAX_LENGTH) {
    showError(`That message is too long (${text.length} characters; the limit is ${MAX_LENGTH}).`);
    return;
  }
  hideError();
  input.value = '';
  const userMessage: ChatMessage = { role: 'user', text, at: Date.now() };
  append(userMessage);
  setSending(true);
  const res = await ipc.request(C.CHAT_SEND, { message: text });
  setSending(false);
  if (!res.success) {
    userMessage.failed = true;
    renderAll();
    persist();
    showError(res.error.message);
    return;
  }
  const data = res.data;
  const reply = typeof data?.reply === 'string' && data.reply ? data.reply : typeof data?.message === 'string' ? data.message : '';
  const message: ChatMessage = { role: 'assistant', text: reply || '(empty reply)', at: Date.now() };
  if (data?.status === 'not-available') message.note = 'Not available yet';
  append(message);
}

async function clear(): Promise<void> {
  hideError();
  state.messages = [];
  renderAll();
  persist();
  const res = await ipc.request(C.CHAT_CLEAR, {});
  if (!res.success) showError(`The conversation was cleared here, but the extension reported: ${res.error.message}`);
}

input.addEventListener('keydown', (event: KeyboardEvent) => {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  void send();
});
input.addEventListener('input', () => persist());
sendButton.addEventListener('click', () => void send());
clearButton.addEventListener('click', () => void clear());

renderAll();
