/**
 * `gemini-webhooks init-handler <express|nextjs|flask|fastapi>`: writes a webhook handler that passes
 * `gemini-webhooks probe` (static and dynamic) into --out (default: the current folder). Never
 * overwrites a file without --force. Prints what it wrote, what to install (and what the project's
 * package.json, requirements.txt or pyproject.toml lacks), how to run it and how to check it.
 * Exit 0 when written, 2 on bad usage or an existing file.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  describePythonPlan,
  FRAMEWORKS,
  isFramework,
  missingNodeDependencies,
  missingRequirements,
  PYTHON_LOCK_FILES,
  pythonDependencyPlan,
  scaffold,
} from '../core/scaffold';
import type { Dependency, Scaffold } from '../core/scaffold';
import { FlagTable, formatHelp, parseCommandLine, usageLine, UsageError } from './args';
import { CliCommand } from './command';

export const INIT_HANDLER_FLAGS = {
  out: { type: 'string', description: 'the project folder to write into (default: the current folder)', placeholder: 'DIR' },
  lang: { type: 'string', description: 'express only: ts (default) or js', placeholder: 'ts|js' },
  force: { type: 'boolean', description: 'overwrite an existing file' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies FlagTable;

function help(): string {
  return formatHelp(
    `init-handler <${FRAMEWORKS.join('|')}>`,
    [
      'Writes a Gemini webhook handler that reads the raw body, verifies static (v1 HMAC) and dynamic (v1a Ed25519,',
      'JWT) deliveries, enforces the 5-minute window, dedupes on webhook-id and answers 2xx at once:',
      '  express  gemini-webhook.mts (--lang js: gemini-webhook.mjs)     nextjs  app/gemini-callback/route.ts',
      '  flask    gemini_webhook.py                                     fastapi gemini_webhook.py',
      'It reads GEMINI_WEBHOOK_SECRET, GEMINI_WEBHOOK_JWKS_URI, GEMINI_WEBHOOK_AUDIENCE and PORT (default 8000).',
    ],
    INIT_HANDLER_FLAGS,
  );
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

async function readIfThere(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').catch(() => undefined);
}

/** What the project's manifest lacks, in words; undefined when there is no manifest to read. */
async function manifestNote(dir: string, s: Scaffold): Promise<string | undefined> {
  if (s.ecosystem === 'python') {
    const files = { requirements: await readIfThere(path.join(dir, 'requirements.txt')), pyproject: await readIfThere(path.join(dir, 'pyproject.toml')) };
    if (files.requirements === undefined && files.pyproject === undefined) return undefined;
    const lockFiles: string[] = [];
    for (const name of PYTHON_LOCK_FILES) if (await exists(path.join(dir, name))) lockFiles.push(name);
    return describePythonPlan(pythonDependencyPlan({ ...files, lockFiles }, s.dependencies));
  }
  const file = path.join(dir, s.manifest);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let missing: Dependency[];
  try {
    missing = s.manifest === 'package.json' ? missingNodeDependencies(text, s.dependencies) : missingRequirements(text, s.dependencies);
  } catch {
    return `${s.manifest} is not readable JSON: add ${s.dependencies.map((d) => d.name).join(', ')} by hand`;
  }
  return missing.length === 0 ? `${s.manifest} lists every dependency` : `${s.manifest} lacks ${missing.map((d) => d.name).join(', ')}`;
}

export const initHandlerCommand: CliCommand = {
  name: 'init-handler',
  summary: 'write a webhook handler (Express, Next.js, Flask, FastAPI) that passes the probe',
  async run(args, ctx) {
    const fail = (message: string) => {
      ctx.stderr(usageLine('init-handler', message));
      return 2;
    };
    let flags;
    let framework: string;
    try {
      const parsed = parseCommandLine(args, INIT_HANDLER_FLAGS, Infinity);
      flags = parsed.values;
      if (flags.help) {
        ctx.stdout(help());
        return 0;
      }
      if (parsed.positionals.length !== 1) throw new UsageError(`name one framework: ${FRAMEWORKS.join(', ')}`);
      framework = parsed.positionals[0];
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return fail(`${error.message}\n\n${help()}`);
    }
    if (!isFramework(framework)) return fail(`unknown framework '${framework}': one of ${FRAMEWORKS.join(', ')}`);
    const lang = flags.lang ?? 'ts';
    if (lang !== 'ts' && lang !== 'js') return fail(`--lang must be ts or js, got '${lang}'`);
    if (flags.lang !== undefined && framework !== 'express') return fail('--lang is for express only (nextjs is TypeScript, flask and fastapi Python)');
    const dir = path.resolve(flags.out ?? '.');
    const s = scaffold(framework, { language: lang, srcDir: framework === 'nextjs' && (await exists(path.join(dir, 'src', 'app'))) });
    const file = path.join(dir, ...s.path.split('/'));
    if ((await exists(file)) && flags.force !== true) return fail(`${file} exists: not overwritten (--force overwrites it)`);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, s.content);
    } catch (error) {
      return fail(`cannot write ${file}: ${(error as Error).message}`);
    }
    const note = await manifestNote(dir, s);
    ctx.stdout(`wrote ${file} (${s.label})`);
    ctx.stdout(`install: ${s.install}${note ? ` — ${note}` : ''}`);
    ctx.stdout(`run:     ${s.run}`);
    ctx.stdout(`check:   gemini-webhooks probe ${s.localUrl} --secret whsec_... --dynamic`);
    return 0;
  },
};
