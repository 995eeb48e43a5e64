/**
 * The inspector page (browser bundle): the filter bar, the virtual event list and the detail pane.
 * Talks to the host only through ./protocol; posts `ready` once it listens.
 */
import { AttemptsTimeline } from './attemptsTimeline';
import { DetailAction, DetailPane } from './detailPane';
import { byId, clear, el } from './dom';
import { EventList } from './eventList';
import { HostMessage, PageMessage, PageState, ReceiverState, Verdict, isHostMessage, isPageState } from './protocol';
import { RowStore, countText } from './rowStore';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = vscode.getState();
let state: PageState = isPageState(saved) ? saved : {};
const store = new RowStore(1000);

const search = byId<HTMLInputElement>('search');
const typeSelect = byId<HTMLSelectElement>('filter-type');
const verdictSelect = byId<HTMLSelectElement>('filter-verdict');
const sourceSelect = byId<HTMLSelectElement>('filter-source');
const count = byId<HTMLElement>('count');
const receiver = byId<HTMLElement>('receiver');

const attempts = new AttemptsTimeline({
  onJump: (seq) => list.open(seq, true),
  onRendered: (seq, attemptCount, arrivals) => post({ type: 'attemptsRendered', seq, attempts: attemptCount, arrivals }),
});
const detail = new DetailPane(byId('detail'), {
  // Open JSON opens the body as the pane shows it: raw, or pretty-printed token for token.
  onAction: (action: DetailAction, seq: number) => post(action === 'openJson' ? { type: action, seq, view: detail.view } : { type: action, seq }),
  onJump: (seq) => list.open(seq, true),
  onViewChange: (bodyView, open) => {
    state = { ...state, bodyView, open };
    vscode.setState(state);
  },
  ...(state.bodyView ? { view: state.bodyView } : {}),
  ...(state.open ? { open: state.open } : {}),
  attempts: (record) => attempts.render(record),
});
const list = new EventList(byId('list'), (seq) => {
  state = { ...state, selected: seq };
  vscode.setState(state);
  post({ type: 'requestDetail', seq });
});

function post(message: PageMessage): void {
  vscode.postMessage(message);
}

function applyFilter(): void {
  store.setFilter({ text: search.value, eventType: typeSelect.value, verdict: verdictSelect.value as Verdict | '', source: sourceSelect.value });
  refresh();
}

let optionKeys = { eventType: '', source: '' };
function refreshOptions(): void {
  const types = store.distinct('eventType').map((value) => ({ value, label: value }));
  // Sources by the name a person reads (the webhook's), filtered by what identifies them (its id).
  const sources = store.sourceOptions();
  for (const [field, select, all, options] of [
    ['eventType', typeSelect, 'All types', types],
    ['source', sourceSelect, 'All sources', sources],
  ] as const) {
    const key = options.map((o) => `${o.value}\t${o.label}`).join('\n');
    if (key === optionKeys[field]) continue;
    optionKeys = { ...optionKeys, [field]: key };
    const current = select.value;
    clear(select);
    const any = el('option', '', all);
    any.value = '';
    select.appendChild(any);
    for (const { value, label } of options) {
      const option = el('option', '', label);
      option.value = value;
      if (label !== value) option.title = value;
      select.appendChild(option);
    }
    select.value = options.some((o) => o.value === current) ? current : '';
  }
}

function refresh(): void {
  const rows = store.view();
  list.setRows(rows);
  count.textContent = countText(rows.length, store.size);
}

function showReceiver(r: ReceiverState): void {
  receiver.textContent = r.running ? `Listening on ${r.url ?? ''}` : 'Receiver off';
  receiver.className = r.running ? 'receiver on' : 'receiver off';
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'init': {
      store.capacity = message.capacity;
      store.reset(message.rows);
      showReceiver(message.receiver);
      refreshOptions();
      refresh();
      const select = message.select ?? state.selected;
      if (select !== undefined && store.get(select)) list.open(select);
      else if (select !== undefined && message.select !== undefined) post({ type: 'requestDetail', seq: select });
      break;
    }
    case 'append':
      store.append(message.rows);
      refreshOptions();
      refresh();
      post({ type: 'rendered', seqs: message.rows.map((r) => r.seq), at: Date.now() });
      break;
    case 'update':
      store.update(message.rows);
      refreshOptions();
      refresh();
      if (detail.seq !== undefined && message.rows.some((r) => r.seq === detail.seq)) post({ type: 'requestDetail', seq: detail.seq });
      break;
    case 'clear':
      store.clear();
      refreshOptions();
      refresh();
      detail.empty('No events.');
      break;
    case 'detail':
      detail.show(message.record);
      break;
    case 'missing':
      if (detail.seq === message.seq || detail.seq === undefined) detail.empty(`Event #${message.seq} is no longer in the history.`);
      break;
    case 'select':
      list.open(message.seq, true);
      break;
    case 'status':
      showReceiver(message.receiver);
      break;
    case 'replayResult':
      if (detail.seq === message.seq) detail.showStatus(message.message, message.ok);
      break;
    case 'attempts':
      attempts.update(message.seq, message.view);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) handle(event.data);
});
let searchTimer: number | undefined;
search.addEventListener('input', () => {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(applyFilter, 120);
});
for (const select of [typeSelect, verdictSelect, sourceSelect]) select.addEventListener('change', applyFilter);
post({ type: 'ready' });
