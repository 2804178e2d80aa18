import { DomainError, ErrorCode } from "../kernel/domain-error";

/** No request body of this API nests past a handful of levels; deeper ones overflow validators' recursion. */
export const MAX_JSON_DEPTH = 32;

/** True when JSON text nests arrays or objects deeper than `max`; a linear scan, run before JSON.parse. */
export const jsonNestsDeeperThan = (text: string, max: number): boolean => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
};

export const tooDeep = (): DomainError =>
  new DomainError(ErrorCode.VALIDATION, "Invalid Form Body", { _body: `Must not nest deeper than ${MAX_JSON_DEPTH} levels.` });

/** The path of the first string (or key) holding U+0000 in a parsed request value, if any. */
const nulPath = (value: unknown, path: string, depth = 0): string | undefined => {
  if (typeof value === "string") return value.includes("\u0000") ? path : undefined;
  if (typeof value !== "object" || value === null || depth > MAX_JSON_DEPTH) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const child = path ? `${path}.${key}` : key;
    if (key.includes("\u0000")) return child;
    const found = nulPath(item, child, depth + 1);
    if (found) return found;
  }
  return undefined;
};

/**
 * PostgreSQL text cannot hold U+0000, so a NUL anywhere in a request's params, query or body would fail in the
 * database as a 500. Refused up front for every route as a 400 naming the field.
 */
export const refuseNul = (parts: { params?: unknown; query?: unknown; body?: unknown }): void => {
  for (const [where, value] of Object.entries(parts)) {
    const path = nulPath(value, "");
    if (path !== undefined) {
      throw new DomainError(ErrorCode.VALIDATION, "Invalid Form Body", { [path || `_${where}`]: "Must not contain NUL characters." });
    }
  }
};
