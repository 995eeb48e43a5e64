/**
 * Async work that must finish before the extension host goes away (VS Code awaits `deactivate`,
 * then disposes `context.subscriptions` without waiting). VS Code calls `deactivate` with no
 * arguments, so the one queue of such work lives here, not as state of the composition root.
 */
export class ShutdownTasks {
  private readonly tasks: Array<() => Promise<void>> = [];

  add(task: () => Promise<void>): void {
    this.tasks.push(task);
  }

  /** Runs every task once, in parallel; failures are settled, never thrown. */
  async run(): Promise<void> {
    const tasks = this.tasks.splice(0);
    await Promise.allSettled(tasks.map((task) => task()));
  }
}

export const shutdown = new ShutdownTasks();
