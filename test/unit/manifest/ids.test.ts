/**
 * platform/ids.ts and package.json name the same ids: every contributed command, view, context key
 * in a `when` clause, setting section and walkthrough command is declared once in ids.ts, and
 * everything ids.ts declares is contributed. (A lint rule keeps `geminiWebhooks.` literals out of
 * the rest of the shell.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMANDS, CONTEXT_KEYS, SETTINGS, VIEWS, WEBVIEWS } from '../../../src/extension/platform/ids';

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: Array<{ command: string }>;
    viewsContainers: { activitybar: Array<{ id: string }> };
    views: Record<string, Array<{ id: string }>>;
    viewsWelcome: Array<{ view: string; when?: string }>;
    menus: Record<string, Array<{ command?: string; when?: string }>>;
    configuration: { properties: Record<string, unknown> };
    walkthroughs: Array<{ steps: Array<{ completionEvents?: string[] }> }>;
  };
}

const root = path.resolve(__dirname, '../../../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const c = manifest.contributes;

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
/** The `geminiWebhooks.…` names a when clause reads, without the `config.` ones (settings). */
const contextKeysIn = (when: string | undefined) => [...(when ?? '').matchAll(/(?<![\w.])geminiWebhooks\.[\w]+/g)].map((m) => m[0]);

describe('ids.ts and package.json', () => {
  it('declare the same commands, each id once', () => {
    const declared = Object.values(COMMANDS);
    assert.equal(new Set(declared).size, declared.length, 'no command id twice in ids.ts');
    assert.deepEqual(sorted(declared), sorted(c.commands.map((x) => x.command)));
  });

  it('menus and walkthrough steps name only declared commands', () => {
    const known = new Set<string>(Object.values(COMMANDS));
    const inMenus = Object.values(c.menus).flatMap((items) => items.map((i) => i.command).filter((x): x is string => !!x));
    const inSteps = c.walkthroughs
      .flatMap((w) => w.steps.flatMap((s) => s.completionEvents ?? []))
      .filter((e) => e.startsWith('onCommand:'))
      .map((e) => e.slice('onCommand:'.length));
    for (const id of [...inMenus, ...inSteps]) assert.ok(known.has(id), `${id} is declared in ids.ts`);
  });

  it('declare the same views, view container and webview', () => {
    assert.deepEqual(
      c.viewsContainers.activitybar.map((x) => x.id),
      [VIEWS.container],
    );
    assert.deepEqual(
      sorted(
        Object.values(c.views)
          .flat()
          .map((v) => v.id),
      ),
      sorted([VIEWS.webhooks, VIEWS.events, VIEWS.jobs]),
    );
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${WEBVIEWS.inspector}`));
  });

  it('every context key the when clauses read is declared, and every declared one is read', () => {
    const whens = [
      ...Object.values(c.menus)
        .flat()
        .map((m) => m.when),
      ...c.viewsWelcome.map((v) => v.when),
      // Walkthrough steps complete on context keys too (onContext:<expression>).
      ...c.walkthroughs.flatMap((w) => w.steps.flatMap((s) => s.completionEvents ?? [])).map((e) => (e.startsWith('onContext:') ? e.slice(10) : undefined)),
    ];
    const notContext = new Set<string>([...Object.values(COMMANDS), ...Object.values(VIEWS), ...Object.values(WEBVIEWS)]);
    const read = sorted(whens.flatMap(contextKeysIn).filter((k) => !notContext.has(k)));
    assert.deepEqual(read, sorted(Object.values(CONTEXT_KEYS)));
  });

  it('every setting ids.ts names is contributed', () => {
    const properties = Object.keys(c.configuration.properties);
    for (const key of Object.values(SETTINGS)) {
      assert.ok(
        properties.some((p) => p === key || p.startsWith(`${key}.`)),
        `${key} is a contributed setting or section`,
      );
    }
  });
});
