/**
 * A load shared by every caller asking for the same key while it runs or after it succeeded — and
 * forgotten the moment it fails, so the next caller tries again. (A cached failure once kept the
 * receiver from ever starting again after one unreadable history file.)
 */
export class RetryingLoad<K, T> {
  private current: { readonly key: K; readonly promise: Promise<T> } | undefined;

  constructor(private readonly load: (key: K) => Promise<T>) {}

  /** The load for `key`: the running or finished one when it is for the same key, else a new one. */
  get(key: K): Promise<T> {
    if (this.current && Object.is(this.current.key, key)) return this.current.promise;
    const promise = this.load(key);
    const entry = { key, promise };
    this.current = entry;
    promise.catch(() => {
      if (this.current === entry) this.current = undefined;
    });
    return promise;
  }

  /** The latest load started and not failed, if any. */
  get latest(): Promise<T> | undefined {
    return this.current?.promise;
  }
}
