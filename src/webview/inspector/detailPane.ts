/**
 * The detail pane: one delivery, every field rendered as text (never HTML). It leads with what people
 * look for — the verdict, then the body (raw as received, or pretty-printed without changing a token)
 * — and keeps headers and token claims in collapsible sections below.
 */
import { BodyView, Collapsible, DetailRecord, ForwardSummary } from './protocol';
import { localWhen } from './attemptsTimeline';
import { VERDICT_MARK, clear, el } from './dom';

export type DetailAction = 'copyBody' | 'copyCurl' | 'replay' | 'openJson' | 'openJob' | 'openResults';

export interface DetailPaneOptions {
  readonly onAction: (action: DetailAction, seq: number) => void;
  readonly onJump: (seq: number) => void;
  /** The user switched raw/pretty or opened/closed a section: the page keeps it for the next delivery. */
  readonly onViewChange: (view: BodyView, open: readonly Collapsible[]) => void;
  readonly view?: BodyView;
  readonly open?: readonly Collapsible[];
  /** A section drawn by another module (the Attempts timeline), placed after the duplicate note. */
  readonly attempts?: (record: DetailRecord) => HTMLElement | undefined;
}

export class DetailPane {
  private record: DetailRecord | undefined;
  private readonly status: HTMLElement;
  private bodyView: BodyView;
  private readonly open: Set<Collapsible>;

  constructor(
    private readonly root: HTMLElement,
    private readonly options: DetailPaneOptions,
  ) {
    this.status = el('div', 'status');
    this.status.setAttribute('role', 'status');
    this.bodyView = options.view ?? 'pretty';
    this.open = new Set(options.open ?? []);
    this.empty('Select an event to see its details.');
  }

  get seq(): number | undefined {
    return this.record?.seq;
  }

  /** Raw or pretty: what the pane shows, and what Open JSON opens. */
  get view(): BodyView {
    return this.record?.display?.prettyBody === undefined ? 'raw' : this.bodyView;
  }

  empty(message: string): void {
    this.record = undefined;
    clear(this.root);
    this.root.appendChild(el('p', 'placeholder', message));
  }

  showStatus(message: string, ok: boolean): void {
    this.status.textContent = message;
    this.status.className = `status ${ok ? 'ok' : 'error'}`;
  }

  show(record: DetailRecord): void {
    const same = this.record?.seq === record.seq;
    const scroll = same ? this.root.scrollTop : 0;
    this.record = record;
    clear(this.root);
    if (!same) {
      this.status.textContent = '';
      this.status.className = 'status';
    }
    const display = record.display;

    const title = el('h2', `title verdict-${record.verdict}`);
    const type = display?.typeLabel ?? record.eventType ?? (record.verdict === 'rejected' ? '(rejected)' : '(no event type)');
    const mark = el('span', 'mark', VERDICT_MARK[record.verdict] ?? '');
    mark.setAttribute('aria-hidden', 'true');
    title.append(mark, el('span', '', ` #${record.seq} ${type}`));
    this.root.appendChild(title);
    // Not received by this receiver: verified from a capture (Verify Captured Delivery).
    if (record.imported) this.root.appendChild(el('p', 'imported', `Imported from ${record.imported.from}`));
    this.root.appendChild(this.actions(record));
    this.root.appendChild(this.status);
    for (const note of record.notes ?? []) this.root.appendChild(el('p', 'note warning', `⚠ ${note}`));

    this.section(
      'Verdict',
      this.table([
        ['Verdict', record.verdict],
        ['Reason', record.reason],
        ['Code', record.code],
        ['Signature', record.signatureMethod ?? record.scheme],
        ['Source', display?.source, display?.sourceTitle],
        ['Matched secret', display?.secretLabel ?? record.matchedSecret?.label, record.matchedSecret?.webhookId],
        ['Webhook id', record.matchedSecret?.webhookId],
        ['Matched key', record.matchedKey ? (record.matchedKey.kid ? `kid ${record.matchedKey.kid}` : 'no kid') : undefined],
        ['Thumbprint', record.matchedKey?.thumbprint],
        ['HTTP status', String(record.httpStatus)],
        ['Rehearsal', display?.rehearsal],
        ['Received', localWhen(record.receivedAt, Date.now()), record.receivedAt],
        ['Latency', latency(record)],
        ['Request', `${record.method} ${record.path}`],
        ['webhook-id', record.webhookId],
      ]),
      'verdict',
    );
    this.body(record);
    if (record.duplicateOf !== undefined) {
      const p = el('p', 'duplicate', `Duplicate webhook-id: first received as #${record.duplicateOf}. `);
      const jump = el('button', 'link', `Show #${record.duplicateOf}`);
      jump.addEventListener('click', () => this.options.onJump(record.duplicateOf as number));
      p.appendChild(jump);
      this.section('Duplicate', p);
    }
    const attempts = this.options.attempts?.(record);
    if (attempts) this.root.appendChild(attempts);
    if (display?.userMetadata !== undefined || record.userMetadata)
      this.section('user_metadata', el('pre', 'json metadata', display?.userMetadata ?? JSON.stringify(record.userMetadata, null, 2)));
    if (record.forward) this.section('Forwarded to your app', this.forward(record.forward));
    if (record.replays && record.replays.length > 0) {
      const list = el('div', 'replays');
      record.replays.forEach((r) => list.appendChild(this.forward(r)));
      this.section(`Replays (${record.replays.length})`, list);
    }
    const headers = Object.entries(record.headers);
    this.collapsible('headers', `Headers (${headers.length})`, this.table(headers, 'headers'));
    if (record.token) {
      const rows: Array<[string, string | undefined]> = Object.entries(record.token).map(([k, v]) => [k, formatClaim(k, v)]);
      this.collapsible('token', 'Token claims (JWT)', this.table(rows));
    }
    if (same) this.root.scrollTop = scroll;
  }

  private body(record: DetailRecord): void {
    const pretty = record.display?.prettyBody;
    const section = el('section', 'body-section');
    const head = el('div', 'section-head');
    head.appendChild(el('h3', '', bodyTitle(record)));
    const pre = el('pre', 'json body');
    pre.tabIndex = 0;
    pre.setAttribute('aria-label', 'Body');
    const render = () => {
      pre.textContent = this.view === 'pretty' && pretty !== undefined ? pretty : record.body;
      pre.dataset.view = this.view;
      toggle.querySelectorAll<HTMLButtonElement>('button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.view === this.view)));
    };
    // Raw / Pretty: two toggle buttons (Tab reaches them, Enter or Space switches).
    const toggle = el('div', 'view-toggle');
    toggle.setAttribute('role', 'group');
    toggle.setAttribute('aria-label', 'Show the body');
    for (const [view, label, hint] of [
      ['raw', 'Raw', 'The body exactly as received'],
      ['pretty', 'Pretty', 'Indented; every string, number and key exactly as received'],
    ] as const) {
      const b = el('button', 'toggle', label);
      b.type = 'button';
      b.dataset.view = view;
      b.title = view === 'pretty' && pretty === undefined ? 'The body is not JSON text: it is shown as received' : hint;
      if (view === 'pretty' && pretty === undefined) b.disabled = true;
      b.addEventListener('click', () => {
        this.bodyView = view;
        render();
        this.options.onViewChange(this.bodyView, [...this.open]);
      });
      toggle.appendChild(b);
    }
    head.appendChild(toggle);
    section.append(head, pre);
    this.root.appendChild(section);
    render();
  }

  private actions(record: DetailRecord): HTMLElement {
    const bar = el('div', 'actions');
    const button = (label: string, action: DetailAction, hint: string, blocked?: string) => {
      const b = el('button', '', label);
      b.type = 'button';
      b.title = blocked ?? hint;
      b.dataset.action = action;
      if (blocked) {
        // Disabled, with the reason where a pointer or a screen reader finds it.
        b.disabled = true;
        b.setAttribute('aria-description', blocked);
      }
      b.addEventListener('click', () => this.options.onAction(action, record.seq));
      bar.appendChild(b);
    };
    button('Copy body', 'copyBody', 'Copy the body, exactly as received, to the clipboard');
    button('Copy as curl', 'copyCurl', 'Copy a curl command that sends this delivery to the receiver again');
    button('Replay to app', 'replay', 'Send this delivery to your app (geminiWebhooks.receiver.forwardTo) again', record.display?.replayBlocked);
    button('Open JSON', 'openJson', 'Open the body in an editor, raw or pretty as shown here');
    const jobActions = record.display?.jobActions ?? [];
    if (jobActions.includes('openJob')) button('Open Job', 'openJob', "Fetch the job this event points at and show its status (the Jobs view's Open Job)");
    if (jobActions.includes('openResults')) button('Open Results', 'openResults', "Open the job's output, or say how to fetch it");
    return bar;
  }

  private forward(f: ForwardSummary): HTMLElement {
    return this.table([
      ['Target', f.target],
      ['Result', f.ok ? `OK (${f.status ?? ''})` : f.status !== undefined ? `HTTP ${f.status}` : 'failed'],
      ['At', f.at],
      ['Duration', `${f.durationMs} ms`],
      ['Error', f.error],
      ['Re-signed', f.resigned === undefined ? undefined : String(f.resigned)],
      ['Response', f.bodySnippet],
    ]);
  }

  private section(title: string, content: HTMLElement, className?: string): void {
    const section = el('section', className);
    section.append(el('h3', '', title), content);
    this.root.appendChild(section);
  }

  /** A <details> section: a native disclosure (Tab to its summary, Enter or Space opens it); its state is kept. */
  private collapsible(id: Collapsible, title: string, content: HTMLElement): void {
    const details = el('details', `collapsible ${id}`);
    details.open = this.open.has(id);
    const summary = el('summary');
    summary.appendChild(el('h3', '', title));
    details.append(summary, content);
    details.addEventListener('toggle', () => {
      if (details.open) this.open.add(id);
      else this.open.delete(id);
      this.options.onViewChange(this.bodyView, [...this.open]);
    });
    this.root.appendChild(details);
  }

  private table(rows: ReadonlyArray<readonly [string, string | undefined, string?]>, className = 'fields'): HTMLElement {
    const table = el('table', className);
    const body = el('tbody');
    for (const [name, value, title] of rows) {
      if (value === undefined || value === '') continue;
      const tr = el('tr');
      const td = el('td', '', value);
      if (title) td.title = title;
      tr.append(el('th', '', name), td);
      body.appendChild(tr);
    }
    table.appendChild(body);
    return table;
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function bodyTitle(record: DetailRecord): string {
  const declared = Number(record.headers['content-length']);
  // Refused before the body was read (wrong path or method): say so rather than "0 bytes" beside content-length.
  if (record.bodyBytes === 0 && declared > 0) return `Body (not read: the request was refused before its body; content-length ${declared})`;
  const notes = [plural(record.bodyBytes, 'byte', 'bytes'), record.bodyTruncated ? 'truncated' : '', record.bodyEncoding === 'base64' ? 'base64' : ''];
  return `Body (${notes.filter(Boolean).join(', ')})`;
}

function latency(record: DetailRecord): string {
  const total = `${record.latencyMs} ms`;
  const t = record.timings;
  if (!t) return total;
  return `${total} — key set ${ms(t.keySetMs)} (${t.keySetFetched ? 'fetched' : 'cached'}), verification ${ms(t.verifyMs)}`;
}

function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

function formatClaim(name: string, value: unknown): string {
  if ((name === 'iat' || name === 'exp') && typeof value === 'number') return `${value} (${new Date(value * 1000).toISOString()})`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
