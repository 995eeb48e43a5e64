/** Tolerant readers of response bodies: any JSON value in, plain fields out (never a throw). */

export type Json = Record<string, unknown>;

/** The value as an object, or {} when it is not one. */
export function asObject(value: unknown): Json {
  return (value && typeof value === 'object' ? value : {}) as Json;
}

/** A field in either spelling (Google's JSON APIs answer snake_case or lowerCamelCase). */
export function pick(obj: Json, snake: string, camel: string): unknown {
  return obj[snake] !== undefined ? obj[snake] : obj[camel];
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The string fields among `keys` that `obj` holds; absent or non-string ones are left out. */
export function stringFields<K extends string>(obj: Json, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const v = str(obj[key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}
