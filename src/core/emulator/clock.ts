/** Time compression: every emulated duration is divided by the time scale. */

export class Clock {
  readonly scale: number;

  constructor(scale = 1) {
    if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`timeScale must be a positive number, got ${scale}`);
    this.scale = scale;
  }

  now(): number {
    return Date.now();
  }

  /** A real-world duration (ms) as the emulator waits it. */
  scaled(ms: number): number {
    return ms / this.scale;
  }
}
