/** A tiny, vscode-free event emitter: `event(listener)` returns a disposable; a throwing listener never stops the others. */
import { Disposable, Event, Listener } from './types';

export class Emitter<T> {
  private listeners: Listener<T>[] = [];

  readonly event: Event<T> = (listener) => {
    this.listeners.push(listener);
    return { dispose: () => void (this.listeners = this.listeners.filter((l) => l !== listener)) } satisfies Disposable;
  };

  fire(value: T): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch {
        // A listener's failure is its own; the receiver keeps going.
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}
