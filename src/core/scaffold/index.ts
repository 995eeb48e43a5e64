/**
 * Handler scaffolds: a webhook handler for Express (TypeScript or JavaScript), a Next.js App Router
 * route handler, Flask or FastAPI, that passes the probe — static and dynamic. vscode-free: shared by
 * `gemini-webhooks init-handler` and the editor's Create Webhook Handler…
 * Each scaffold is one file; where it goes and what it needs is described here, the code is in
 * nodeTemplates.ts and pythonTemplates.ts, the manifest edits in manifest.ts.
 */
import { expressHandler, nextRouteHandler } from './nodeTemplates';
import { fastapiHandler, flaskHandler, PYTHON_LOCAL_URL, pythonCheckRunLine, pythonPackages } from './pythonTemplates';

export const FRAMEWORKS = ['express', 'nextjs', 'flask', 'fastapi'] as const;
export type Framework = (typeof FRAMEWORKS)[number];
export type NodeLanguage = 'ts' | 'js';

export function isFramework(value: string): value is Framework {
  return (FRAMEWORKS as readonly string[]).includes(value);
}

/** A dependency the scaffold needs: its name, the version range we tested, and whether it is for development only. */
export interface Dependency {
  readonly name: string;
  readonly range: string;
  readonly dev?: boolean;
}

export interface Scaffold {
  readonly framework: Framework;
  /** In words: "Express (TypeScript)". */
  readonly label: string;
  /** Relative to the project folder, with forward slashes. */
  readonly path: string;
  readonly content: string;
  readonly ecosystem: 'node' | 'python';
  /** The manifest the dependencies go into: package.json or requirements.txt. */
  readonly manifest: 'package.json' | 'requirements.txt';
  readonly dependencies: readonly Dependency[];
  /** How to install the dependencies by hand. */
  readonly install: string;
  /** How to run it, one line. */
  readonly run: string;
  /** Where it answers when run that way. */
  readonly localUrl: string;
}

const NODE_DEPS: readonly Dependency[] = [
  { name: 'standardwebhooks', range: '^1.1.1' },
  { name: 'jose', range: '^6.2.18' },
];

const EXPRESS_DEPS: readonly Dependency[] = [{ name: 'express', range: '^5.1.0' }, ...NODE_DEPS];

/** PEP 508 requirements, with the versions Debian 12 ships as the floor (what the tests run). */
const PYTHON_BASE: readonly Dependency[] = [
  { name: 'PyJWT', range: '>=2.6' },
  { name: 'cryptography', range: '>=38' },
];
/** redis-py: redis.asyncio and XAUTOCLAIM need 4.2 (Debian 12 ships 4.3.4). */
const PYTHON_REDIS: Dependency = { name: 'redis', range: '>=4.3' };

export interface ScaffoldOptions {
  /** Express only: TypeScript (default) or JavaScript. */
  readonly language?: NodeLanguage;
  /** Next.js only: the project keeps its routes under src/app (else app/). */
  readonly srcDir?: boolean;
  readonly store?: 'memory' | 'redis';
}

export function scaffold(framework: Framework, options: ScaffoldOptions = {}): Scaffold {
  switch (framework) {
    case 'express': {
      const ts = (options.language ?? 'ts') === 'ts';
      const path = ts ? 'gemini-webhook.mts' : 'gemini-webhook.mjs';
      return {
        framework,
        label: ts ? 'Express (TypeScript)' : 'Express (JavaScript)',
        path,
        content: expressHandler(ts ? 'ts' : 'js'),
        ecosystem: 'node',
        manifest: 'package.json',
        dependencies: ts
          ? [...EXPRESS_DEPS, { name: '@types/express', range: '^5.0.0', dev: true }, { name: 'tsx', range: '^4.19.0', dev: true }]
          : EXPRESS_DEPS,
        install: ts ? 'npm install express standardwebhooks jose && npm install -D @types/express tsx' : 'npm install express standardwebhooks jose',
        run: ts ? `GEMINI_WEBHOOK_SECRET=whsec_... npx tsx ${path}` : `GEMINI_WEBHOOK_SECRET=whsec_... node ${path}`,
        localUrl: 'http://127.0.0.1:8000/gemini-callback',
      };
    }
    case 'nextjs':
      return {
        framework,
        label: 'Next.js (App Router route handler)',
        path: `${options.srcDir ? 'src/' : ''}app/gemini-callback/route.ts`,
        content: nextRouteHandler(),
        ecosystem: 'node',
        manifest: 'package.json',
        dependencies: NODE_DEPS,
        install: 'npm install standardwebhooks jose',
        run: 'next dev (GEMINI_WEBHOOK_SECRET in .env.local)',
        localUrl: 'http://127.0.0.1:3000/gemini-callback',
      };
    case 'flask':
    case 'fastapi': {
      const store = options.store ?? 'memory';
      const flask = framework === 'flask';
      const frameworkDeps: Dependency[] = flask
        ? [{ name: 'Flask', range: '>=2.2' }]
        : [
            { name: 'fastapi', range: '>=0.92' },
            { name: 'uvicorn', range: '>=0.17' },
          ];
      return {
        framework,
        label: flask ? 'Flask' : 'FastAPI',
        path: 'gemini_webhook.py',
        content: flask ? flaskHandler(store) : fastapiHandler(store),
        ecosystem: 'python',
        manifest: 'requirements.txt',
        dependencies: [...frameworkDeps, ...PYTHON_BASE, ...(store === 'redis' ? [PYTHON_REDIS] : [])],
        install: `pip install ${pythonPackages(framework, store).pip.join(' ')}`,
        // Pointed at the probe's key set, so this line and the probe's, pasted as printed, pass every check.
        run: pythonCheckRunLine(framework, store),
        localUrl: PYTHON_LOCAL_URL,
      };
    }
  }
}

export {
  addNodeDependencies,
  addRequirements,
  describePythonPlan,
  missingNodeDependencies,
  missingRequirements,
  PYTHON_LOCK_FILES,
  pythonDependencyPlan,
} from './manifest';
export type { PythonDependencyPlan, PythonProjectFiles } from './manifest';
