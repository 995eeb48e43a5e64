/**
 * The Jobs feature: the jobs started from the editor and those events point at (the store, kept in
 * workspaceState), kept true by their events (the tracker), the Jobs view, the read-only job
 * documents and the job commands, with their error describer.
 */
import * as vscode from 'vscode';
import { Disposable } from '../platform/disposable';
import { JOB_SCHEME, VIEWS } from '../platform/ids';
import { registerJobCommands } from './commands/index';
import { JobsDeps } from './deps';
import { JobDocuments } from './jobDocuments';
import { jobErrorDescriber } from './jobErrors';
import { JobStore } from './jobStore';
import { JobTracker } from './jobTracker';
import { JobsTreeProvider } from './tree/jobsTreeProvider';

export type { JobsDeps } from './deps';

export class JobsFeature extends Disposable {
  readonly jobs: JobStore;
  readonly tracker: JobTracker;
  readonly tree: JobsTreeProvider;
  readonly documents: JobDocuments;

  constructor(deps: JobsDeps) {
    super();
    deps.runner.addDescriber(jobErrorDescriber());
    this.jobs = this.register(new JobStore(deps.state));
    this.tracker = this.register(new JobTracker(this.jobs, deps));
    this.tree = this.register(
      new JobsTreeProvider(
        this.jobs,
        (seq) => deps.events.get(seq),
        () => deps.backend.kind,
      ),
    );
    this.documents = this.register(new JobDocuments(this.tracker));
    this.register(vscode.window.createTreeView(VIEWS.jobs, { treeDataProvider: this.tree, showCollapseAll: true }));
    this.register(vscode.workspace.registerTextDocumentContentProvider(JOB_SCHEME, this.documents));
    for (const d of registerJobCommands(deps.runner, { ...deps, tracker: this.tracker, documents: this.documents })) this.register(d);
    // The backend switched: rows of the other backend say so (their description names it).
    this.register(deps.backend.onDidChange(() => this.tree.refresh()));
  }
}
