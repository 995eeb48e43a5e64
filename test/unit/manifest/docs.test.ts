/**
 * The docs say what the code does: README.md, CONTRIBUTING.md, CHANGELOG.md and every docs/*.md.
 * - every relative link leads to a file that exists, and every #anchor to a heading of that file;
 * - every `npm run X` (and `npm start`, `npm test`) names a script of package.json;
 * - every GEMINI_WEBHOOK(S)_* variable named is one the code reads or sets;
 * - every `geminiWebhooks.…` id named is a contributed setting or an id declared in platform/ids.ts.
 * The README in particular:
 * - its settings table lists exactly the settings package.json contributes, each with its default;
 * - every **bold** name in it is a contributed command's title (command titles are bold, nothing else);
 * - its command-line list names exactly the CLI's commands (from `gemini-webhooks --help`);
 * - it keeps the two sentences CI stands on, and no table cell over 200 characters;
 * - the .vsix it installs is the one `npm run package` writes.
 * CONTRIBUTING's tier table names exactly the steps of scripts/test.mjs, in order.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ids from '../../../src/extension/platform/ids';

const ROOT = path.resolve(__dirname, '../../../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Manifest {
  name: string;
  version: string;
  scripts: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; title: string }>;
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}
const manifest = JSON.parse(read('package.json')) as Manifest;
const nls = JSON.parse(read('package.nls.json')) as Record<string, string>;
/** A manifest string as users read it (`%key%` resolved through package.nls.json). */
const localized = (value: string) => value.replace(/^%(.+)%$/, (_, key: string) => nls[key] ?? value);

const DOCS = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith('.md'),
);

/** The text outside fenced code blocks (links and headings there are examples, not links). */
function prose(markdown: string): string {
  let fenced = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line;
    })
    .join('\n');
}

/** Prose without inline code spans. */
const withoutCode = (markdown: string) => prose(markdown).replace(/`[^`\n]*`/g, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = match[1]!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** The rows of the first table after the heading `## <title>`, as trimmed cells (header and rule dropped). */
function tableAfter(markdown: string, title: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${title}`);
  assert.ok(start >= 0, `a "## ${title}" section`);
  const rows: string[][] = [];
  for (let i = start + 1; i < lines.length && !/^## /.test(lines[i]!); i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('|'))
      rows.push(
        line
          .slice(1, -1)
          .split('|')
          .map((c) => c.trim()),
      );
    else if (rows.length > 0) break;
  }
  return rows.slice(2);
}

/** Every file the code, scripts and CI are made of: what a named variable must appear in. */
function sourceText(): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (/\.(ts|mts|mjs|js|py|sh)$/.test(entry.name) || dir === '.ci') out.push(read(rel));
    }
  };
  for (const dir of ['src', 'test', 'bench', 'scripts', '.ci']) walk(dir);
  return out.join('\n');
}

describe('the docs and the code agree', () => {
  const texts = new Map(DOCS.map((file) => [file, read(file)]));
  const readme = texts.get('README.md')!;

  it('every relative link leads to a file that exists, and every #anchor to one of its headings', () => {
    const broken: string[] = [];
    let checked = 0;
    for (const [file, text] of texts) {
      for (const match of withoutCode(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = match[1]!;
        if (/^[a-z][a-z+.-]*:/i.test(target)) continue; // https:, mailto:, command:
        checked++;
        const [pathPart, anchor] = target.split('#') as [string, string | undefined];
        const resolved = pathPart === '' ? file : path.join(path.dirname(file), decodeURIComponent(pathPart));
        if (!fs.existsSync(path.join(ROOT, resolved))) {
          broken.push(`${file}: ${target} (no ${resolved})`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(anchor)) {
          broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    assert.deepEqual(broken, []);
    assert.ok(checked >= 40, `relative links checked: ${checked}`);
  });

  it('every npm script they name exists in package.json', () => {
    const missing: string[] = [];
    const named = new Set<string>();
    for (const [file, text] of texts) {
      for (const match of text.matchAll(/\bnpm (?:run(?:-script)? ([\w:.-]+)|(start|test)\b)/g)) {
        const script = match[1] ?? match[2]!;
        named.add(script);
        if (!(script in manifest.scripts)) missing.push(`${file}: npm ${match[1] ? 'run ' : ''}${script}`);
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(named.size >= 15, `scripts named: ${[...named].join(', ')}`);
  });

  it('every GEMINI_WEBHOOK(S)_ variable they name is one the code reads or sets', () => {
    const source = sourceText();
    const unknown: string[] = [];
    for (const [file, text] of texts) {
      for (const name of new Set([...text.matchAll(/\bGEMINI_WEBHOOKS?_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]))) {
        if (!new RegExp(`\\b${name}\\b`).test(source)) unknown.push(`${file}: ${name}`);
      }
    }
    assert.deepEqual(unknown, []);
  });

  it('every geminiWebhooks id they name is a contributed setting or declared in platform/ids.ts', () => {
    const settings = Object.keys(manifest.contributes.configuration.properties);
    const declared = new Set<string>([
      ...settings,
      ...[ids.COMMANDS, ids.VIEWS, ids.WEBVIEWS, ids.CONTEXT_KEYS, ids.SETTINGS, ids.STATUS_BAR_ITEMS].flatMap((group) => Object.values(group) as string[]),
    ]);
    const unknown: string[] = [];
    for (const [file, text] of texts) {
      for (const match of text.matchAll(/\bgeminiWebhooks\.[A-Za-z]+(?:\.[A-Za-z]+)*/g)) {
        const id = match[0];
        if (!declared.has(id) && !settings.some((s) => s.startsWith(`${id}.`))) unknown.push(`${file}: ${id}`);
      }
    }
    assert.deepEqual(unknown, []);
  });

  it("the README's settings table lists every contributed setting once, with its default", () => {
    const rows = tableAfter(readme, 'Settings');
    const properties = manifest.contributes.configuration.properties;
    const listed = rows.map((cells) => cells[0]!.replace(/`/g, ''));
    assert.equal(new Set(listed).size, listed.length, 'no setting twice');
    assert.deepEqual([...listed].sort(), Object.keys(properties).sort());
    for (const cells of rows) {
      const id = cells[0]!.replace(/`/g, '');
      const fallback = properties[id]!.default;
      const shown = cells[1]!;
      if (fallback === '' || fallback === undefined) assert.match(shown, /^\(empty/, `${id}: an empty default reads "(empty…)"`);
      else assert.equal(shown, `\`${String(fallback)}\``, `${id}: the default package.json gives`);
      assert.ok(cells[2] && cells[2].length > 0, `${id}: says what it does`);
    }
  });

  it('every bold name in the README is the title of a contributed command', () => {
    const titles = new Set(manifest.contributes.commands.map((c) => localized(c.title)));
    const bold = [...withoutCode(readme).matchAll(/\*\*([^*\n]+)\*\*/g)].map((m) => m[1]!);
    assert.ok(bold.length >= 20, `the README names the commands (found ${bold.length})`);
    assert.deepEqual(
      bold.filter((name) => !titles.has(name)),
      [],
    );
  });

  it("the README's command-line list names exactly the CLI's commands", () => {
    const help = spawnSync(process.execPath, [path.join(ROOT, 'out/src/cli/main.js'), '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    const commands = help.stdout
      .split('Commands:')[1]!
      .split('\n\n')[0]!
      .split('\n')
      .map((line) => /^ {2}([\w-]+)\s/.exec(line)?.[1])
      .filter((name): name is string => !!name);
    assert.ok(commands.length >= 5, help.stdout);
    const section = readme.split('## Command line')[1]!.split('\n## ')[0]!;
    const listed = [...section.matchAll(/^- `gemini-webhooks ([\w-]+)`.*\]\((docs\/[\w-]+\.md)\)/gm)].map((m) => m[1]!);
    assert.deepEqual([...listed].sort(), [...commands].sort(), 'one line (with a docs link) per command');
  });

  it('the README keeps the two sentences CI stands on, short table cells and the .vsix npm run package writes', () => {
    assert.ok(readme.includes('`npm start` runs the extension.'), 'README: "`npm start` runs the extension."');
    assert.ok(readme.includes('`npm test` runs every test.'), 'README: "`npm test` runs every test."');
    const long = prose(readme)
      .split('\n')
      .filter((line) => line.trim().startsWith('|'))
      .flatMap((line) => line.split('|'))
      .filter((cell) => cell.trim().length > 200);
    assert.deepEqual(long, [], 'README table cells stay under 200 characters: details go to docs/');
    const vsix = `${manifest.name}-${manifest.version}.vsix`;
    const named = new Set([...readme.matchAll(/\b[\w-]+-\d+\.\d+\.\d+[\w.-]*\.vsix\b/g)].map((m) => m[0]));
    assert.deepEqual([...named], [vsix]);
  });

  it("CONTRIBUTING's tier table names the steps of npm test (scripts/test.mjs), in order", () => {
    const steps = [...read('scripts/test.mjs').matchAll(/\{ name: '([\w-]+)', args:/g)].map((m) => m[1]!);
    assert.ok(steps.length >= 9, `scripts/test.mjs steps: ${steps.join(', ')}`);
    const tiers = tableAfter(read('CONTRIBUTING.md'), 'The test tiers').map((cells) => cells[0]!);
    assert.deepEqual(tiers, steps);
  });
});
