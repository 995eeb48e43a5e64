/**
 * The scaffolds' dependencies in the project's manifest: package.json (dependencies or
 * devDependencies, sorted as npm keeps them, the file's indentation and line ends kept) or
 * requirements.txt (one line per missing requirement, appended; nothing else touched).
 * A dependency already listed anywhere (dependencies, devDependencies, peer, optional) is left alone.
 */
import { appendLines, eolOf } from '../util/lineEdit';
import type { Dependency } from './index';

type PackageJson = Record<string, unknown> & { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

const SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

function parsePackageJson(text: string): PackageJson {
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SyntaxError('package.json is not a JSON object');
  return parsed as PackageJson;
}

export function missingNodeDependencies(packageJson: string, deps: readonly Dependency[]): Dependency[] {
  const pkg = parsePackageJson(packageJson);
  const listed = new Set(SECTIONS.flatMap((s) => Object.keys((pkg[s] as Record<string, string> | undefined) ?? {})));
  return deps.filter((d) => !listed.has(d.name));
}

/** package.json's text with the missing dependencies added; throws SyntaxError when it is not JSON. */
export function addNodeDependencies(packageJson: string, deps: readonly Dependency[]): string {
  const pkg = parsePackageJson(packageJson);
  const missing = missingNodeDependencies(packageJson, deps);
  if (missing.length === 0) return packageJson;
  for (const dep of missing) {
    const section = dep.dev ? 'devDependencies' : 'dependencies';
    const entries = { ...((pkg[section] as Record<string, string> | undefined) ?? {}), [dep.name]: dep.range };
    pkg[section] = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));
  }
  const indent = /^([ \t]+)"/m.exec(packageJson)?.[1] ?? '  ';
  const eol = eolOf(packageJson);
  const body = JSON.stringify(pkg, null, indent).replace(/\n/g, eol);
  return packageJson.endsWith('\n') ? body + eol : body;
}

/** PEP 503 normalized name of a requirement line, or undefined for comments, options and blank lines. */
function requirementName(line: string): string | undefined {
  const text = line.replace(/(^|\s)#.*$/, '').trim();
  if (text === '' || text.startsWith('-')) return undefined;
  const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(text)?.[0];
  return name?.toLowerCase().replace(/[-_.]+/g, '-');
}

export function missingRequirements(requirements: string, deps: readonly Dependency[]): Dependency[] {
  const listed = new Set(requirements.split(/\r?\n/).map(requirementName));
  return deps.filter((d) => !listed.has(d.name.toLowerCase().replace(/[-_.]+/g, '-')));
}

/** requirements.txt's text (empty for a new file) with a line per missing requirement appended. */
export function addRequirements(requirements: string, deps: readonly Dependency[]): string {
  return appendLines(
    requirements,
    missingRequirements(requirements, deps).map((d) => `${d.name}${d.range}`),
  );
}

/** Normalized (PEP 503) names of the strings in a TOML array body, read as PEP 508 requirements. */
function tomlStrings(text: string): string[] {
  const strings: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += c === '"' && text[j] === '\\' ? 2 : 1;
      strings.push(text.slice(i + 1, j));
      i = j;
    }
  }
  return strings;
}

/** Where an array value that starts at `at` (just after `=`) ends: its closing bracket, strings and comments skipped. */
function arrayEnd(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text[i];
    if (c === '#') i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
    else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += c === '"' && text[j] === '\\' ? 2 : 1;
      i = j;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return text.length;
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * The dependencies a pyproject.toml lists, normalized: PEP 621's [project] dependencies and
 * optional-dependencies, PEP 735's [dependency-groups], Poetry's [tool.poetry.dependencies] (and its
 * groups and dev-dependencies). Read line by line, enough for these tables; not a TOML parser.
 */
export function pyprojectDependencies(text: string): Set<string> {
  const names = new Set<string>();
  let table = '';
  const lines = text.split(/\r?\n/);
  let offset = 0;
  const starts = lines.map((line) => {
    const at = offset;
    offset += line.length + 1;
    return at;
  });
  const joined = lines.join('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    const header = /^\s*\[([^\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) {
      table = header[1]
        .trim()
        .replace(/\s*\.\s*/g, '.')
        .replace(/"/g, '');
      continue;
    }
    const entry = /^\s*("?)([A-Za-z0-9_.-]+)\1\s*=\s*(.*)$/.exec(line);
    if (!entry) continue;
    const [, , key, value] = entry;
    const requirements = () => {
      const start = starts[n] + line.indexOf('[', line.indexOf('='));
      const end = arrayEnd(joined, start);
      for (const s of tomlStrings(joined.slice(start + 1, end))) {
        const name = requirementName(s);
        if (name) names.add(name);
      }
    };
    const poetryTable =
      table === 'tool.poetry.dependencies' || table === 'tool.poetry.dev-dependencies' || /^tool\.poetry\.group\.[^.]+\.dependencies$/.test(table);
    if (poetryTable && key !== 'python') names.add(normalize(key));
    else if (
      value.startsWith('[') &&
      ((table === 'project' && key === 'dependencies') || table === 'project.optional-dependencies' || table === 'dependency-groups')
    )
      requirements();
  }
  return names;
}

export function missingPyprojectDependencies(pyproject: string, deps: readonly Dependency[]): Dependency[] {
  const listed = pyprojectDependencies(pyproject);
  return deps.filter((d) => !listed.has(normalize(d.name)));
}

/** The lock files that tell which tool manages a pyproject.toml. */
export const PYTHON_LOCK_FILES = ['uv.lock', 'poetry.lock', 'pdm.lock'] as const;

/** What the project's Python files say to do with the scaffold's dependencies. */
export type PythonDependencyPlan =
  /** requirements.txt: edited in place (created when the project has no manifest at all). */
  | { readonly manifest: 'requirements.txt'; readonly exists: boolean; readonly missing: readonly Dependency[] }
  /**
   * pyproject.toml: never edited (its tool keeps a lock file in step with it) and no requirements.txt
   * beside it; `command` adds them with the project's tool (uv, Poetry, PDM), else `requirements` are
   * the PEP 508 strings to add to [project] dependencies by hand.
   */
  | { readonly manifest: 'pyproject.toml'; readonly missing: readonly Dependency[]; readonly command?: string; readonly requirements: readonly string[] };

export interface PythonProjectFiles {
  /** requirements.txt's text, when the project has one. */
  readonly requirements?: string;
  /** pyproject.toml's text, when the project has one. */
  readonly pyproject?: string;
  /** Which of PYTHON_LOCK_FILES the project has. */
  readonly lockFiles?: readonly string[];
}

export function pythonDependencyPlan(files: PythonProjectFiles, deps: readonly Dependency[]): PythonDependencyPlan {
  if (files.requirements !== undefined || files.pyproject === undefined)
    return { manifest: 'requirements.txt', exists: files.requirements !== undefined, missing: missingRequirements(files.requirements ?? '', deps) };
  const missing = missingPyprojectDependencies(files.pyproject, deps);
  const requirements = missing.map((d) => `${d.name}${d.range}`);
  const locks = files.lockFiles ?? [];
  const tool = (name: string) => locks.includes(`${name}.lock`) || new RegExp(`^\\s*\\[tool\\.${name}[\\].]`, 'm').test(files.pyproject!);
  const add = tool('uv') ? 'uv add' : tool('poetry') ? 'poetry add' : tool('pdm') ? 'pdm add' : undefined;
  return {
    manifest: 'pyproject.toml',
    missing,
    requirements,
    ...(add && missing.length > 0 ? { command: `${add} ${requirements.map((r) => `"${r}"`).join(' ')}` } : {}),
  };
}

/** The plan in one line: what the manifest lacks and how to add it ("lists every dependency" when nothing). */
export function describePythonPlan(plan: PythonDependencyPlan): string {
  if (plan.missing.length === 0) return `${plan.manifest} lists every dependency`;
  const lacks = `${plan.manifest} lacks ${plan.missing.map((d) => d.name).join(', ')}`;
  if (plan.manifest === 'requirements.txt') return lacks;
  return plan.command ? `${lacks}: ${plan.command}` : `${lacks}: add ${plan.requirements.map((r) => `"${r}"`).join(', ')} to [project] dependencies`;
}
