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
