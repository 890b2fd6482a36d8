// Renders any value as readable text for the page, within a size cap: cycles print as
// [Circular], deep nesting as …, long output is cut with a note. Never throws (a getter that
// throws or a Proxy that refuses prints as <unreadable>).

import { Pid, Ref } from "@trellis/core";

/** What a rendering produced: the text, and whether it was cut. */
export interface Rendered {
  readonly text: string;
  readonly truncated: boolean;
}

const MAX_DEPTH = 8;

class Budget {
  readonly parts: string[] = [];
  used = 0;
  full = false;
  constructor(readonly cap: number) {}
  push(s: string): void {
    if (this.full) return;
    if (this.used + s.length > this.cap) {
      this.parts.push(s.slice(0, Math.max(0, this.cap - this.used)));
      this.used = this.cap;
      this.full = true;
      return;
    }
    this.parts.push(s);
    this.used += s.length;
  }
}

/** Renders `value` as at most `cap` characters of text. */
export function render(value: unknown, cap = 10_000): Rendered {
  const b = new Budget(cap);
  try {
    walk(value, b, new Set(), 0, "");
  } catch {
    b.push("<unreadable>");
  }
  const text = b.parts.join("");
  return b.full
    ? { text: `${text}… (cut at ${cap} characters)`, truncated: true }
    : { text, truncated: false };
}

function walk(v: unknown, b: Budget, seen: Set<object>, depth: number, indent: string): void {
  if (b.full) return;
  switch (typeof v) {
    case "string":
      b.push(JSON.stringify(v.length > 2000 ? `${v.slice(0, 2000)}…` : v));
      return;
    case "number":
    case "boolean":
      b.push(String(v));
      return;
    case "bigint":
      b.push(`${v}n`);
      return;
    case "undefined":
      b.push("undefined");
      return;
    case "symbol":
      b.push(v.toString());
      return;
    case "function":
      b.push(`[Function ${(v as { name?: string }).name || "anonymous"}]`);
      return;
  }
  if (v === null) {
    b.push("null");
    return;
  }
  const o = v as object;
  if (o instanceof Pid || o instanceof Ref) {
    b.push(String(o));
    return;
  }
  if (o instanceof Date) {
    b.push(Number.isNaN(o.getTime()) ? "Invalid Date" : o.toISOString());
    return;
  }
  if (o instanceof Error) {
    b.push(`${o.name}: ${o.message}`);
    return;
  }
  if (seen.has(o)) {
    b.push("[Circular]");
    return;
  }
  if (depth >= MAX_DEPTH) {
    b.push("…");
    return;
  }
  seen.add(o);
  const inner = `${indent}  `;
  const entries = (open: string, close: string, items: Iterable<[string | undefined, unknown]>) => {
    b.push(open);
    let n = 0;
    for (const [k, val] of items) {
      if (b.full) break;
      b.push(n === 0 ? `\n${inner}` : `,\n${inner}`);
      if (k !== undefined) b.push(`${k}: `);
      walk(val, b, seen, depth + 1, inner);
      n++;
    }
    b.push(n === 0 ? close : `\n${indent}${close}`);
  };
  if (Array.isArray(o)) {
    entries(
      "[",
      "]",
      (function* () {
        for (const x of o) yield [undefined, x] as [undefined, unknown];
      })(),
    );
  } else if (o instanceof Map) {
    entries(
      `Map(${o.size}) {`,
      "}",
      (function* () {
        for (const [k, x] of o) yield [safeKey(k), x] as [string, unknown];
      })(),
    );
  } else if (o instanceof Set) {
    entries(
      `Set(${o.size}) {`,
      "}",
      (function* () {
        for (const x of o) yield [undefined, x] as [undefined, unknown];
      })(),
    );
  } else {
    const ctor = Object.getPrototypeOf(o)?.constructor?.name;
    const label = typeof ctor === "string" && ctor !== "Object" && ctor !== "" ? `${ctor} {` : "{";
    entries(
      label,
      "}",
      (function* () {
        for (const k of Object.keys(o)) {
          let x: unknown;
          try {
            x = (o as Record<string, unknown>)[k];
          } catch {
            x = "<unreadable>";
          }
          yield [/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k), x] as [string, unknown];
        }
      })(),
    );
  }
  seen.delete(o);
}

function safeKey(k: unknown): string {
  const r = render(k, 200);
  return r.text;
}
