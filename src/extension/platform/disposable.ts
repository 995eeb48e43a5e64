/**
 * One way to own disposables (as vscode-pull-request-github's `Disposable._register()`): a class
 * extends `Disposable`, registers what it creates, and its `dispose()` releases all of it once,
 * newest first; a failing dispose never stops the others. `DisposableStore` holds a group that is
 * replaced as a whole (e.g. the subscriptions to the current history). vscode-free: the shapes are
 * structural, so `vscode.Disposable`, event subscriptions and emitters all fit.
 */

export interface DisposableLike {
  dispose(): unknown;
}

export function toDisposable(dispose: () => void): DisposableLike {
  return { dispose };
}

function disposeAll(items: DisposableLike[]): void {
  for (const item of items.splice(0).reverse()) {
    try {
      item.dispose();
    } catch {
      // One failing dispose must not keep the others alive; there is no one left to tell.
    }
  }
}

export class DisposableStore implements DisposableLike {
  private readonly items: DisposableLike[] = [];
  private disposed = false;

  /** Adds `item` (disposed at once when the store already is) and returns it. */
  add<T extends DisposableLike>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  /** Disposes what the store holds now; it stays usable. */
  clear(): void {
    disposeAll(this.items);
  }

  dispose(): void {
    this.disposed = true;
    disposeAll(this.items);
  }
}

export abstract class Disposable implements DisposableLike {
  private readonly store = new DisposableStore();
  private disposedFlag = false;

  protected get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Owns `item` until this object is disposed; returns it, so fields can be declared in one line. */
  protected register<T extends DisposableLike>(item: T): T {
    return this.store.add(item);
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.store.dispose();
  }
}
