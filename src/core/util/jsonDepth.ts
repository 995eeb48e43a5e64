/**
 * How deeply a JSON text nests, found without recursion and without parsing it.
 *
 * `JSON.parse` in V8 is iterative and takes any depth, but everything after it is recursive:
 * `JSON.stringify` (the history file, an export, `listen --json`), the webview's structured clone,
 * a tree view of the value. A 30 KB body nested 6,000 deep overflows the stack there, long after
 * it was accepted. So a body is measured before it is parsed and refused beyond MAX_JSON_DEPTH.
 *
 * MAX_JSON_DEPTH is 100: the default recursion limit of protobuf's JSON parser, which Google's
 * APIs decode request bodies with (`user_metadata` is a `google.protobuf.Struct`), so nothing the
 * service sends nests deeper. The emulator refuses requests beyond it and the receiver deliveries,
 * so whatever either of them keeps serializes with a stack to spare.
 */

export const MAX_JSON_DEPTH = 100;

/**
 * The nesting depth of the JSON text (`1` → 0, `{}` → 1, `{"a":[1]}` → 2), counting only the
 * brackets outside strings; stops as soon as it passes `limit` and answers `limit + 1` then. The
 * text need not be valid JSON: it is measured, not checked.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return limit + 1;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth = Math.max(0, depth - 1);
  }
  return deepest;
}

/** True when the text nests deeper than `limit` (default MAX_JSON_DEPTH). */
export function nestsTooDeep(text: string, limit = MAX_JSON_DEPTH): boolean {
  return jsonDepth(text, limit) > limit;
}

/** The reason a body nested too deeply is refused, in words. */
export function tooDeepReason(limit = MAX_JSON_DEPTH): string {
  return `nested too deeply: the JSON nests more than ${limit} levels deep (the limit)`;
}
