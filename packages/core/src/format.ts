/**
 * Formatting any value for messages and logs without ever throwing: exit reasons come from
 * user code and may be hostile (a revoked Proxy, an Error whose `name` is a Symbol, a cyclic
 * or 5,000-deep structure, a throwing getter or `toJSON`).
 *
 * @module
 */

/** Nesting deeper than this prints as `"…"`. */
const MAX_DEPTH = 24;
/** Output longer than this (in characters, roughly) is cut with `…`. */
const MAX_LENGTH = 16_384;
/** Array items or object keys printed per level. */
const MAX_ITEMS = 1_000;

const UNPRINTABLE = "[unprintable]";

/**
 * @internal Formats `value` as `formatReason` documents it (strings as they are, Errors as
 * `Name: message`, other values as compact JSON-like text), bounded in depth, items and
 * length, with cycles shown as `"[Circular]"` and anything that throws while being read
 * shown as `"[unprintable]"`. Never throws.
 */
export function safeFormat(value: unknown): string {
  try {
    switch (typeof value) {
      case "string":
        return value;
      case "bigint":
        return `${value}n`;
      case "symbol":
      case "function":
        return safeString(value);
      case "undefined":
        return "undefined";
    }
    if (isError(value)) return errorText(value as Error);
    const out: Out = { text: "", full: false };
    const ok = write(out, value, 0, new Set());
    if (!ok) return safeString(value);
    return out.full ? `${out.text}…` : out.text;
  } catch {
    return UNPRINTABLE;
  }
}

interface Out {
  text: string;
  full: boolean;
}

function put(out: Out, s: string): void {
  if (out.full) return;
  if (out.text.length + s.length > MAX_LENGTH) {
    out.text += s.slice(0, Math.max(0, MAX_LENGTH - out.text.length));
    out.full = true;
  } else out.text += s;
}

/** Writes `v` as JSON-like text; false when JSON would leave it out (undefined, function…). */
function write(out: Out, v: unknown, depth: number, seen: Set<object>): boolean {
  if (out.full) return true;
  switch (typeof v) {
    case "string":
      put(out, JSON.stringify(v));
      return true;
    case "number":
      put(out, Number.isFinite(v) ? String(v) : "null");
      return true;
    case "boolean":
      put(out, v ? "true" : "false");
      return true;
    case "bigint":
      put(out, `"${v}n"`);
      return true;
    case "undefined":
    case "function":
    case "symbol":
      return false;
  }
  if (v === null) {
    put(out, "null");
    return true;
  }
  const obj = v as object;
  if (seen.has(obj)) {
    put(out, '"[Circular]"');
    return true;
  }
  if (depth >= MAX_DEPTH) {
    put(out, '"…"');
    return true;
  }
  try {
    if (isError(obj)) {
      put(out, JSON.stringify(errorText(obj as Error)));
      return true;
    }
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") {
      const replaced: unknown = toJSON.call(obj, "");
      seen.add(obj);
      try {
        return write(out, replaced, depth + 1, seen);
      } finally {
        seen.delete(obj);
      }
    }
    seen.add(obj);
    try {
      if (Array.isArray(obj)) writeArray(out, obj, depth, seen);
      else writeObject(out, obj, depth, seen);
    } finally {
      seen.delete(obj);
    }
    return true;
  } catch {
    put(out, JSON.stringify(UNPRINTABLE));
    return true;
  }
}

function writeArray(out: Out, arr: readonly unknown[], depth: number, seen: Set<object>): void {
  put(out, "[");
  const n = arr.length;
  for (let i = 0; i < n && !out.full; i++) {
    if (i > 0) put(out, ",");
    if (i >= MAX_ITEMS) {
      put(out, `"…${n - i} more"`);
      break;
    }
    let item: unknown;
    try {
      item = arr[i];
    } catch {
      put(out, JSON.stringify(UNPRINTABLE));
      continue;
    }
    if (!write(out, item, depth + 1, seen)) put(out, "null");
  }
  put(out, "]");
}

function writeObject(out: Out, obj: object, depth: number, seen: Set<object>): void {
  const keys = Object.keys(obj);
  put(out, "{");
  let first = true;
  let count = 0;
  for (const key of keys) {
    if (out.full) break;
    if (count++ >= MAX_ITEMS) {
      put(out, `${first ? "" : ","}"…":"${keys.length - MAX_ITEMS} more"`);
      break;
    }
    let item: unknown;
    let readable = true;
    try {
      item = (obj as Record<string, unknown>)[key];
    } catch {
      readable = false;
    }
    const mark = out.text.length;
    put(out, `${first ? "" : ","}${JSON.stringify(key)}:`);
    if (!readable) put(out, JSON.stringify(UNPRINTABLE));
    else if (!write(out, item, depth + 1, seen)) {
      // left out, as JSON leaves out undefined and functions
      if (!out.full) out.text = out.text.slice(0, mark);
      continue;
    }
    first = false;
  }
  put(out, "}");
}

function isError(v: unknown): boolean {
  try {
    return v instanceof Error;
  } catch {
    return false;
  }
}

function errorText(e: Error): string {
  let name: string;
  let message: string;
  try {
    name = safeString(e.name);
  } catch {
    name = "Error";
  }
  try {
    message = safeString(e.message);
  } catch {
    message = UNPRINTABLE;
  }
  return `${name}: ${message}`;
}

/** `String(v)` or `"[unprintable]"`. */
export function safeString(v: unknown): string {
  try {
    const s = String(v);
    return typeof s === "string" ? s : UNPRINTABLE;
  } catch {
    return UNPRINTABLE;
  }
}
