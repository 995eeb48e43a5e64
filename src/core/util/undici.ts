/**
 * undici, loaded on first use. It was most of the bundle (520 of 716 KB minified): nothing the
 * extension does while activating needs it, only the first REST call, delivery, forward or key-set
 * fetch. Only its Agent and request() are used (./undiciParts.ts); the bundles (scripts/build.mjs)
 * keep those in a file of their own, dist/undici.js, that this `require` reaches at run time.
 */
import type * as Undici from 'undici';

type Parts = Pick<typeof Undici, 'Agent' | 'request'>;
let loaded: Parts | undefined;

export function undici(): Parts {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('./undiciParts') as Parts);
}

/** An undici Agent made on first use (with these options); closing one never made costs nothing. */
export class LazyAgent {
  private agent: Undici.Agent | undefined;

  constructor(private readonly options: Undici.Agent.Options) {}

  get(): Undici.Agent {
    return (this.agent ??= new (undici().Agent)(this.options));
  }

  /** The agent if it was made. */
  get made(): Undici.Agent | undefined {
    return this.agent;
  }
}
