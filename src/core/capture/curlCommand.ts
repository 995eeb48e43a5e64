/**
 * A curl command line, as "Copy as curl" writes it (src/extension/events/inspector/curl.ts) or as
 * people write and browsers copy them: -X/--request, -H/--header, the URL, and the body from
 * -d/--data/--data-ascii/--data-raw/--data-binary/--json (several are joined with "&", as curl does),
 * or from stdin (`@-`) fed by `printf '%s' …` / `echo …`, optionally through `base64 -d`. Options
 * that read files (`-d @file`, `-H @file`, -F, -T, -K) cannot be followed here and get a reason.
 */
import { frameBody } from './bodyLength';
import { ShellSyntaxError, ShellToken, shellWords } from './shellWords';
import { addHeader, CapturedRequest } from './types';
import { oneLine } from '../util/text';

/** Short options that take a value (the rest are flags: -s, -S, -v, -i, -k, -L, …). */
const SHORT_WITH_VALUE = new Set(['A', 'b', 'c', 'C', 'd', 'D', 'e', 'E', 'F', 'H', 'K', 'm', 'o', 'P', 'Q', 'r', 'T', 'u', 'U', 'w', 'x', 'X', 'y', 'Y', 'z']);
const LONG_WITH_VALUE = new Set(
  (
    'abstract-unix-socket aws-sigv4 cacert capath cert cert-type ciphers config connect-timeout connect-to continue-at cookie cookie-jar ' +
    'create-file-mode curves data data-ascii data-binary data-raw data-urlencode delegation dns-interface dns-ipv4-addr dns-ipv6-addr dns-servers ' +
    'doh-url dump-header ech engine etag-compare etag-save expect100-timeout form form-string ftp-account ftp-alternative-to-user ftp-method ' +
    'ftp-port happy-eyeballs-timeout-ms haproxy-clientip header hostpubmd5 hostpubsha256 hsts interface ip-tos json keepalive-time key key-type ' +
    'krb libcurl limit-rate local-port login-options mail-auth mail-from mail-rcpt max-filesize max-redirs max-time netrc-file noproxy oauth2-bearer ' +
    'output output-dir pass pinnedpub preproxy proto proto-default proto-redir proxy proxy-cacert proxy-capath proxy-cert proxy-cert-type ' +
    'proxy-ciphers proxy-header proxy-key proxy-key-type proxy-pass proxy-pinnedpub proxy-service-name proxy-user proxy1.0 pubkey quote ' +
    'random-file range rate referer request request-target resolve retry retry-delay retry-max-time sasl-authzid service-name socks4 socks4a ' +
    'socks5 socks5-gssapi-service socks5-hostname speed-limit speed-time stderr telnet-option tftp-blksize time-cond tls-max tls13-ciphers ' +
    'tlsauthtype tlspassword tlsuser trace trace-ascii trace-config unix-socket upload-file url url-query user user-agent variable write-out'
  ).split(' '),
);
const SHORT_ALIASES: Record<string, string> = { X: 'request', H: 'header', d: 'data', F: 'form', T: 'upload-file', K: 'config', G: 'get', I: 'head' };

type DataKind = 'data' | 'data-ascii' | 'data-raw' | 'data-binary' | 'json' | 'data-urlencode';

/** Reads a curl command line; a string is the reason it cannot be. */
export function parseCurlCommand(text: string): CapturedRequest | string {
  let tokens: ShellToken[];
  try {
    // A shell prompt pasted with the command ("$ curl …").
    tokens = shellWords(text.replace(/^\s*[$%>#] +/, ''));
  } catch (error) {
    if (error instanceof ShellSyntaxError) return `the curl command does not parse: ${error.message}`;
    throw error;
  }
  const pipeline = curlPipeline(tokens);
  if (typeof pipeline === 'string') return pipeline;
  const { curl, stdin } = pipeline;

  const headers: Record<string, string> = {};
  const data: Buffer[] = [];
  let method: string | undefined;
  let url: string | undefined;
  let json = false;
  let head = false;
  for (let i = 0; i < curl.length; i++) {
    const arg = curl[i].toString('utf8');
    let name: string | undefined;
    let value: Buffer | undefined;
    if (arg.startsWith('--') && arg.length > 2) {
      name = arg.slice(2);
      if (LONG_WITH_VALUE.has(name)) {
        value = curl[++i];
        if (value === undefined) return `curl option --${name} has no value`;
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short flags (-sSL), the last of which may take a value: attached (-XPOST) or the next word.
      for (let k = 1; k < arg.length; k++) {
        const flag = arg[k];
        if (SHORT_WITH_VALUE.has(flag)) {
          name = SHORT_ALIASES[flag] ?? flag;
          if (k + 1 < arg.length) value = curl[i].subarray(Buffer.byteLength(arg.slice(0, k + 1)));
          else {
            value = curl[++i];
            if (value === undefined) return `curl option -${flag} has no value`;
          }
          break;
        }
        if (flag === 'G' || flag === 'I') name = SHORT_ALIASES[flag];
      }
      if (name === undefined) continue;
    } else {
      url ??= arg;
      continue;
    }
    const text = value?.toString('utf8') ?? '';
    switch (name) {
      case 'request':
        method = text;
        break;
      case 'url':
        url ??= text;
        break;
      case 'header': {
        if (text.startsWith('@')) return `the headers are read from a file (-H ${oneLine(text, 60)}), which the capture does not include`;
        const colon = text.indexOf(':');
        const semi = text.indexOf(';');
        if (colon > 0) {
          const v = text.slice(colon + 1).trim();
          if (v !== '') addHeader(headers, text.slice(0, colon).trim(), v); // "Name:" with nothing after removes a header in curl
        } else if (semi > 0 && text.slice(semi + 1).trim() === '')
          addHeader(headers, text.slice(0, semi).trim(), ''); // "Name;" sends it empty
        else return `curl -H ${oneLine(text, 60)} is not a header ("name: value")`;
        break;
      }
      case 'data':
      case 'data-ascii':
      case 'data-raw':
      case 'data-binary':
      case 'json':
      case 'data-urlencode': {
        const body = dataValue(name, value as Buffer, stdin);
        if (typeof body === 'string') return body;
        data.push(body);
        if (name === 'json') json = true;
        break;
      }
      case 'form':
      case 'form-string':
        return 'the command sends a multipart form (-F): a webhook delivery has a JSON body';
      case 'upload-file':
        return `the body is uploaded from a file (-T ${oneLine(text, 60)}), which the capture does not include`;
      case 'config':
        return `the command reads its options from a file (-K ${oneLine(text, 60)}), which the capture does not include`;
      case 'get':
        return 'the command sends its data in the query string (-G): a webhook delivery has it in the body';
      case 'head':
        head = true;
        break;
      default:
        break;
    }
  }
  if (url === undefined) return 'the curl command has no URL';
  if (json) {
    if (headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    if (headers.accept === undefined) headers.accept = 'application/json';
  }
  const body = Buffer.concat(data.flatMap((d, k) => (k === 0 ? [d] : [Buffer.from('&'), d])));
  const framed = frameBody(headers, body);
  return {
    form: 'curl',
    source: 'curl command',
    headers,
    rawBody: framed.body,
    method: method ?? (head ? 'HEAD' : data.length > 0 ? 'POST' : 'GET'),
    path: pathOf(url),
    notes: framed.notes,
  };
}

/** The curl words of the command (its last curl), and what an earlier stage of its pipeline feeds it on stdin. */
function curlPipeline(tokens: readonly ShellToken[]): { curl: Buffer[]; stdin: Buffer | string | undefined } | string {
  // Commands split on ; && || & and newlines already read as blanks; stages on |.
  const commands: ShellToken[][] = [[]];
  for (const t of tokens) {
    if (t.kind === 'op' && t.value !== '|' && !t.value.startsWith('>') && !t.value.startsWith('<')) commands.push([]);
    else commands[commands.length - 1].push(t);
  }
  for (const command of commands) {
    const stages: Buffer[][] = [[]];
    for (let k = 0; k < command.length; k++) {
      const t = command[k];
      if (t.kind === 'op' && t.value === '|') stages.push([]);
      else if (t.kind === 'op')
        k++; // a redirection and its target
      else stages[stages.length - 1].push(t.value);
    }
    const at = stages.findIndex((s) => s.length > 0 && /(^|\/)curl(\.exe)?$/.test(s[0].toString()));
    if (at === -1) continue;
    return { curl: stages[at].slice(1), stdin: at === 0 ? undefined : stdinOf(stages.slice(0, at)) };
  }
  return 'no curl command found';
}

/** What `printf '%s' X | [base64 -d |] curl … @-` sends curl on stdin; a string is why it cannot be known. */
function stdinOf(stages: readonly Buffer[][]): Buffer | string {
  let out: Buffer | undefined;
  for (const stage of stages) {
    const [cmd, ...args] = stage.map((w) => w.toString('utf8'));
    if (cmd === 'printf' && args[0] === '%s' && args.length >= 2) out = Buffer.concat(stage.slice(2));
    else if (cmd === 'printf' && args.length === 1 && !/[%\\]/.test(args[0])) out = stage[1];
    else if (cmd === 'echo' && args[0] === '-n') out = Buffer.from(args.slice(1).join(' '), 'utf8');
    else if (cmd === 'echo') out = Buffer.from(`${args.join(' ')}\n`, 'utf8');
    else if (cmd === 'base64' && (args.includes('-d') || args.includes('--decode') || args.includes('-D'))) {
      if (!out) return 'base64 -d has no input in the pipeline';
      const b64 = out.toString('latin1').replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return 'the text piped into base64 -d is not base64';
      out = Buffer.from(b64, 'base64');
    } else return `the body comes from "${oneLine(stage.map((w) => w.toString('utf8')).join(' '), 60)}", which cannot be run here`;
  }
  return out ?? Buffer.alloc(0);
}

function dataValue(kind: DataKind, value: Buffer, stdin: Buffer | string | undefined): Buffer | string {
  if (kind === 'data-urlencode') return 'the command URL-encodes its data (--data-urlencode): a webhook delivery sends its JSON body as is';
  const text = value.toString('utf8');
  if (kind !== 'data-raw' && text.startsWith('@')) {
    if (text !== '@-') return `the body is read from a file (${oneLine(text, 60)}), which the capture does not include: paste the command with the body inline`;
    if (stdin === undefined) return 'the body is read from stdin (@-), which the capture does not include';
    if (typeof stdin === 'string') return stdin;
    // -d/--data from a file or stdin drops carriage returns and newlines; --data-binary keeps every byte.
    return kind === 'data-binary' || kind === 'json' ? stdin : Buffer.from(stdin.toString('latin1').replace(/[\r\n]/g, ''), 'latin1');
  }
  return value;
}

function pathOf(url: string): string | undefined {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`);
    return `${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
}
