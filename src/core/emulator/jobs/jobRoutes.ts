/** Job routes (batches, interactions, long-running predictions): filled in step (c). */
import { Clock } from '../clock';
import { Dispatcher } from '../dispatch';
import { Router } from '../router';

export class JobRegistry {
  constructor(
    readonly clock: Clock,
    readonly dispatcher: Dispatcher,
    readonly durationMs: number,
  ) {}

  close(): void {}
}

export function addJobRoutes(_router: Router, _jobs: JobRegistry): void {}
