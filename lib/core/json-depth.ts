// How deep a JSON text nests, read off the text before parsing it: a request body of 20,000 nested arrays must be
// refused by a loop over characters, not found out by a recursive walk (validation, String(), a logger) overflowing
// the stack after JSON.parse built it.

/**
 * The deepest nesting of arrays and objects in `text` (brackets inside strings do not count), stopping early once it
 * passes `limit`: then limit + 1. The text need not be valid JSON (JSON.parse judges that afterwards).
 */
export function jsonNestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return deepest;
}
