/**
 * Create Webhook Handler…: picks a framework (Express TypeScript or JavaScript, Next.js, Flask,
 * FastAPI) and writes its scaffold into the workspace folder (several: asks which; none: asks where
 * to save). An existing file is overwritten only after asking. Then offers to open it and to add the
 * dependencies the project's package.json or requirements.txt lacks (a pyproject.toml project is told
 * the command that adds them).
 */
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Framework, NodeLanguage, PythonDependencyPlan, Scaffold } from '../../../core/scaffold';
import { HandlerDeps } from '../deps';

const CHOICES: ReadonlyArray<{ framework: Framework; language?: NodeLanguage; label: string; detail: string }> = [
  { framework: 'express', language: 'ts', label: 'Express (TypeScript)', detail: 'gemini-webhook.mts · standardwebhooks, jose' },
  { framework: 'express', language: 'js', label: 'Express (JavaScript)', detail: 'gemini-webhook.mjs · standardwebhooks, jose' },
  { framework: 'nextjs', label: 'Next.js (App Router route handler)', detail: 'app/gemini-callback/route.ts · standardwebhooks, jose' },
  { framework: 'flask', label: 'Flask', detail: 'gemini_webhook.py · PyJWT, cryptography' },
  { framework: 'fastapi', label: 'FastAPI', detail: 'gemini_webhook.py · PyJWT, cryptography' },
];

export function createWebhookHandler(deps: HandlerDeps) {
  return async (): Promise<void> => {
    const ui = deps.ui.current;
    const choice = await ui.pick(
      CHOICES.map((c) => ({ ...c, label: c.label, detail: c.detail })),
      { title: vscode.l10n.t('Create Webhook Handler'), placeHolder: vscode.l10n.t('The framework of your app') },
    );
    const scaffolds = await import('../../../core/scaffold/index.js');
    const folder = await pickFolder(deps);
    const srcDir = folder !== undefined && choice.framework === 'nextjs' && (await exists(vscode.Uri.joinPath(folder, 'src', 'app')));
    const s = scaffolds.scaffold(choice.framework, { ...(choice.language ? { language: choice.language } : {}), srcDir });
    const file = folder
      ? vscode.Uri.joinPath(folder, ...s.path.split('/'))
      : await ui.saveFile({
          title: vscode.l10n.t('Where to write the handler'),
          saveLabel: vscode.l10n.t('Write Handler'),
          defaultUri: vscode.Uri.file(path.join(homedir(), path.basename(s.path))),
        });
    if (await exists(file)) {
      await ui.confirm(
        vscode.l10n.t('{0} exists. Overwrite it?', vscode.workspace.asRelativePath(file)),
        vscode.l10n.t('Its content is replaced by the {0} handler.', s.label),
        vscode.l10n.t('Overwrite'),
      );
    }
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(file, '..'));
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(s.content));
    deps.log.info(`Create Webhook Handler: wrote ${file.toString(true)} (${s.label}).`);
    const project = folder ?? vscode.Uri.joinPath(file, '..');
    await offerNextSteps(deps, s, file, project);
  };
}

async function pickFolder(deps: HandlerDeps): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) return undefined;
  if (folders.length === 1) return folders[0].uri;
  const picked = await deps.ui.current.pick(
    folders.map((f) => ({ label: f.name, description: f.uri.fsPath, uri: f.uri })),
    { title: vscode.l10n.t('Create Webhook Handler'), placeHolder: vscode.l10n.t('The project folder to write it into') },
  );
  return picked.uri;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** "Open" and, when the manifest lacks some, "Add Dependencies" (package.json only when it exists; requirements.txt is created). */
async function offerNextSteps(deps: HandlerDeps, s: Scaffold, file: vscode.Uri, project: vscode.Uri): Promise<void> {
  const scaffolds = await import('../../../core/scaffold/index.js');
  if (s.ecosystem === 'python') {
    const lockFiles: string[] = [];
    for (const name of scaffolds.PYTHON_LOCK_FILES) if (await exists(vscode.Uri.joinPath(project, name))) lockFiles.push(name);
    const files = {
      requirements: await readText(vscode.Uri.joinPath(project, 'requirements.txt')),
      pyproject: await readText(vscode.Uri.joinPath(project, 'pyproject.toml')),
    };
    const plan = scaffolds.pythonDependencyPlan({ ...files, lockFiles }, s.dependencies);
    if (plan.manifest === 'pyproject.toml') return offerPyprojectSteps(deps, s, file, plan);
  }
  const manifest = vscode.Uri.joinPath(project, s.manifest);
  const text = await readText(manifest);
  let missing: string[] = [];
  if (text === undefined) missing = s.manifest === 'requirements.txt' ? s.dependencies.map((d) => d.name) : [];
  else {
    try {
      missing = (
        s.manifest === 'package.json' ? scaffolds.missingNodeDependencies(text, s.dependencies) : scaffolds.missingRequirements(text, s.dependencies)
      ).map((d: { name: string }) => d.name);
    } catch {
      deps.log.warn(`Create Webhook Handler: ${manifest.toString(true)} is not readable JSON; dependencies not checked.`);
    }
  }
  const open = vscode.l10n.t('Open');
  const add = vscode.l10n.t('Add Dependencies');
  const where = vscode.workspace.asRelativePath(file);
  const message =
    missing.length > 0
      ? vscode.l10n.t('Wrote {0} ({1}). {2} lacks {3}.', where, s.label, s.manifest, missing.join(', '))
      : text === undefined
        ? vscode.l10n.t('Wrote {0} ({1}). Install: {2}', where, s.label, s.install)
        : vscode.l10n.t('Wrote {0} ({1}).', where, s.label);
  const choice = await deps.ui.current.info(message, open, ...(missing.length > 0 ? [add] : []));
  if (choice === add) {
    const updated =
      s.manifest === 'package.json' ? scaffolds.addNodeDependencies(text ?? '{}', s.dependencies) : scaffolds.addRequirements(text ?? '', s.dependencies);
    await vscode.workspace.fs.writeFile(manifest, new TextEncoder().encode(updated));
    deps.log.info(`Create Webhook Handler: added ${missing.join(', ')} to ${manifest.toString(true)}.`);
    await vscode.window.showTextDocument(file, { preview: false });
    await deps.ui.current.info(
      s.ecosystem === 'node'
        ? vscode.l10n.t('Added {0} to package.json: run npm install.', missing.join(', '))
        : vscode.l10n.t('Added {0} to requirements.txt: run pip install -r requirements.txt.', missing.join(', ')),
    );
  } else if (choice === open) {
    await vscode.window.showTextDocument(file, { preview: false });
  }
}

/**
 * A pyproject.toml project: no requirements.txt beside it, and pyproject.toml left to the tool that keeps
 * its lock file in step (uv, Poetry, PDM) — the message names what to run ("Copy Command"), or what to add
 * to [project] dependencies when no tool shows.
 */
async function offerPyprojectSteps(
  deps: HandlerDeps,
  s: Scaffold,
  file: vscode.Uri,
  plan: PythonDependencyPlan & { manifest: 'pyproject.toml' },
): Promise<void> {
  const open = vscode.l10n.t('Open');
  const copy = vscode.l10n.t('Copy Command');
  const where = vscode.workspace.asRelativePath(file);
  const names = plan.missing.map((d) => d.name).join(', ');
  const message =
    plan.missing.length === 0
      ? vscode.l10n.t('Wrote {0} ({1}).', where, s.label)
      : plan.command
        ? vscode.l10n.t('Wrote {0} ({1}). pyproject.toml lacks {2}: run {3}', where, s.label, names, plan.command)
        : vscode.l10n.t(
            'Wrote {0} ({1}). pyproject.toml lacks {2}: add {3} to [project] dependencies.',
            where,
            s.label,
            names,
            plan.requirements.map((r) => `"${r}"`).join(', '),
          );
  const choice = await deps.ui.current.info(message, open, ...(plan.command ? [copy] : []));
  if (choice === copy && plan.command) {
    await vscode.env.clipboard.writeText(plan.command);
    await vscode.window.showTextDocument(file, { preview: false });
  } else if (choice === open) {
    await vscode.window.showTextDocument(file, { preview: false });
  }
}
