/** `T` with its readonly properties made writable (for records edited in place). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
