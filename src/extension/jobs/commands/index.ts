/** Registers every job command through the one CommandRunner. */
import * as vscode from 'vscode';
import { CommandRunner } from '../../platform/commandRunner';
import { COMMANDS } from '../../platform/ids';
import { cancelJob } from './cancelJob';
import { JobCommandDeps } from './deps';
import { openJob } from './openJob';
import { openJobResults } from './openJobResults';
import { refreshJobs } from './refreshJobs';
import { startBackgroundInteraction } from './startBackgroundInteraction';
import { startBatchJob } from './startBatchJob';
import { startVideoGeneration } from './startVideoGeneration';

export type { JobCommandDeps } from './deps';

export function registerJobCommands(runner: CommandRunner, deps: JobCommandDeps): vscode.Disposable[] {
  return runner.registerAll(deps, [
    [COMMANDS.startBatchJob, startBatchJob],
    [COMMANDS.startBackgroundInteraction, startBackgroundInteraction],
    [COMMANDS.startVideoGeneration, startVideoGeneration],
    [COMMANDS.cancelJob, cancelJob],
    [COMMANDS.refreshJobs, refreshJobs],
    [COMMANDS.openJob, openJob],
    [COMMANDS.openJobResults, openJobResults],
  ]);
}
