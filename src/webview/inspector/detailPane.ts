/** The detail pane: one delivery, every field rendered as text (never HTML). */
import { DetailRecord, ForwardSummary } from './protocol';
import { VERDICT_MARK, clear, el, pretty } from './dom';

export type DetailAction = 'copyBody' | 'copyCurl' | 'replay' | 'openJson';

export class DetailPane {
  private record: DetailRecord | undefined;
  private readonly status: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly onAction: (action: DetailAction, seq: number) => void,
    private readonly onJump: (seq: number) => void,
  ) {
    this.status = el('div', 'status');
    this.status.setAttribute('role', 'status');
    this.empty('Select an event to see its details.');
  }

  get seq(): number | undefined {
    return this.record?.seq;
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
    this.record = record;
    clear(this.root);
    if (!same) this.status.textContent = '';

    const title = el('h2', `title verdict-${record.verdict}`);
    title.append(el('span', 'mark', VERDICT_MARK[record.verdict] ?? ''), el('span', '', ` #${record.seq} ${record.eventType ?? '(no event type)'}`));
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
        ['HTTP status', String(record.httpStatus)],
        ['Received', record.receivedAt],
        ['Latency', `${record.latencyMs} ms`],
        ['Request', `${record.method} ${record.path}`],
        ['webhook-id', record.webhookId],
      ]),
    );
    if (record.matchedSecret)
      this.section(
        'Matched secret',
        this.table([
          ['Label', record.matchedSecret.label],
          ['Webhook', record.matchedSecret.webhookId],
        ]),
      );
    if (record.matchedKey)
      this.section(
        'Matched key',
        this.table([
          ['kid', record.matchedKey.kid],
          ['Thumbprint', record.matchedKey.thumbprint],
        ]),
      );
    if (record.token) {
      const rows: Array<[string, string | undefined]> = Object.entries(record.token).map(([k, v]) => [k, formatClaim(k, v)]);
      this.section('JWT', this.table(rows));
    }
    if (record.duplicateOf !== undefined) {
      const p = el('p', 'duplicate', `Duplicate webhook-id: first received as #${record.duplicateOf}. `);
      const jump = el('button', 'link', `Show #${record.duplicateOf}`);
      jump.addEventListener('click', () => this.onJump(record.duplicateOf as number));
      p.appendChild(jump);
      this.section('Duplicate', p);
    }
    if (record.userMetadata) this.section('user_metadata', el('pre', 'json', JSON.stringify(record.userMetadata, null, 2)));
    if (record.forward) this.section('Forwarded to your app', this.forward(record.forward));
    if (record.replays && record.replays.length > 0) {
      const list = el('div', 'replays');
      record.replays.forEach((r) => list.appendChild(this.forward(r)));
      this.section(`Replays (${record.replays.length})`, list);
    }
    this.section('Headers', this.table(Object.entries(record.headers), 'headers'));
    const bodyTitle = `Body (${record.bodyBytes} bytes${record.bodyTruncated ? ', truncated' : ''}${record.bodyEncoding === 'base64' ? ', base64' : ''})`;
    this.section(bodyTitle, el('pre', 'json body', record.bodyEncoding === 'base64' ? record.body : pretty(record.body)));
  }

  private actions(record: DetailRecord): HTMLElement {
    const bar = el('div', 'actions');
    const button = (label: string, action: DetailAction, hint: string) => {
      const b = el('button', '', label);
      b.title = hint;
      b.dataset.action = action;
      b.addEventListener('click', () => this.onAction(action, record.seq));
      bar.appendChild(b);
    };
    button('Copy body', 'copyBody', 'Copy the raw body to the clipboard');
    button('Copy as curl', 'copyCurl', 'Copy a curl command that sends this delivery to the receiver again');
    button('Replay to app', 'replay', 'Send this delivery to your app (geminiWebhooks.receiver.forwardTo) again');
    button('Open JSON', 'openJson', 'Open the body in an editor');
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

  private section(title: string, content: HTMLElement): void {
    const section = el('section');
    section.append(el('h3', '', title), content);
    this.root.appendChild(section);
  }

  private table(rows: ReadonlyArray<readonly [string, string | undefined]>, className = 'fields'): HTMLElement {
    const table = el('table', className);
    const body = el('tbody');
    for (const [name, value] of rows) {
      if (value === undefined || value === '') continue;
      const tr = el('tr');
      tr.append(el('th', '', name), el('td', '', value));
      body.appendChild(tr);
    }
    table.appendChild(body);
    return table;
  }
}

function formatClaim(name: string, value: unknown): string {
  if ((name === 'iat' || name === 'exp') && typeof value === 'number') return `${value} (${new Date(value * 1000).toISOString()})`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
