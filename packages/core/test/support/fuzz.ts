// A fuzz harness over a package's exported functions (issue #16, item 7): each call with
// arbitrary arguments returns, throws a documented typed error (a TrellisError), or returns a
// promise that settles the same way; it never throws a TypeError/RangeError, never breaks the
// runtime, and leaves every other process untouched. Used by each package's fuzz test.

import { types } from "node:util";
import { isAlive, type Pid, receive, spawn, TrellisError } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import fc from "fast-check";
import { expect } from "vitest";

/** Values that throw as soon as they are looked at, or are otherwise unkind. */
export function hostileValues(): unknown[] {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic["self"] = cyclic;
  const cyclicArray: unknown[] = [1];
  cyclicArray.push(cyclicArray);
  let deep: unknown[] = [];
  for (let i = 0; i < 5000; i++) deep = [deep];
  const boom = (): never => {
    throw new Error("trap");
  };
  return [
    revoked.proxy,
    new Proxy({}, { get: boom, has: boom, ownKeys: boom, getPrototypeOf: boom }),
    cyclic,
    cyclicArray,
    deep,
    Symbol("s"),
    1e308,
    -1e308,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    2 ** 53,
    10n ** 30n,
    "",
    "x".repeat(10_000),
    Object.create(null),
    {
      get x(): never {
        throw new Error("getter");
      },
    },
    {
      toJSON(): never {
        throw new Error("toJSON");
      },
    },
    [],
    null,
    undefined,
  ];
}

/**
 * The hostile values used as arguments of API calls: all but those that run the caller's own
 * code when read (Proxy traps, getters). A getter or trap in an argument that throws is the
 * caller's own error, and propagates unchanged, as with any JavaScript API.
 */
export function hostileArguments(): unknown[] {
  return hostileValues().filter((v) => {
    if (typeof v !== "object" || v === null) return true;
    if (types.isProxy(v)) return false;
    return !Object.values(Object.getOwnPropertyDescriptors(v)).some((d) => d.get !== undefined);
  });
}

/** Arbitrary arguments: ordinary JSON-ish values mixed with hostile ones. */
export function argsArbitrary(): fc.Arbitrary<unknown[]> {
  const hostile = fc.constantFrom(...hostileArguments());
  const value = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withMap: true, withSet: true }),
    },
    { weight: 2, arbitrary: hostile },
  );
  return fc.array(value, { maxLength: 4 });
}

/** A public function found in a module, with its dotted name. */
export interface Entry {
  readonly name: string;
  readonly fn: (...args: unknown[]) => unknown;
  readonly self: unknown;
  /** Computes `this` at call time (e.g. the runtime of the calling process). */
  readonly bind?: () => unknown;
}

function isClass(fn: unknown): boolean {
  return typeof fn === "function" && /^class\b/.test(Function.prototype.toString.call(fn));
}

/** Every function exported by `mod`, and the functions of exported plain objects (namespaces). */
export function exportedFunctions(
  mod: Record<string, unknown>,
  skip: ReadonlySet<string>,
): Entry[] {
  const out: Entry[] = [];
  const visit = (prefix: string, obj: Record<string, unknown>, depth: number): void => {
    for (const key of Object.keys(obj).sort()) {
      const name = prefix === "" ? key : `${prefix}.${key}`;
      if (skip.has(name)) continue;
      const v = obj[key];
      if (typeof v === "function" && !isClass(v)) {
        out.push({ name, fn: v as (...args: unknown[]) => unknown, self: obj });
      } else if (
        depth < 2 &&
        typeof v === "object" &&
        v !== null &&
        Object.getPrototypeOf(v) === Object.prototype
      ) {
        visit(name, v as Record<string, unknown>, depth + 1);
      }
    }
  };
  visit("", mod, 0);
  return out;
}

/** What went wrong with one call, or undefined. */
function badOutcome(name: string, e: unknown): string | undefined {
  if (TrellisError.is(e)) return undefined;
  let text: string;
  try {
    text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    text = "(unprintable)";
  }
  return `${name} threw a ${e instanceof Error ? e.constructor.name : typeof e} instead of a typed error: ${text}`;
}

export interface FuzzOptions {
  /** Runs per function. Default 30. */
  readonly runs?: number;
  /** Virtual milliseconds a returned promise may stay pending before it counts as waiting. */
  readonly settleMs?: number;
  /** Functions allowed to keep waiting (a receive, a call with a long timeout…). */
  readonly mayWait?: ReadonlySet<string>;
}

/**
 * Calls every entry with arbitrary arguments, each call in a fresh process of a fresh
 * virtual-time runtime with a bystander process, and collects every bad outcome.
 */
export async function fuzzExports(
  entries: readonly Entry[],
  options: FuzzOptions = {},
): Promise<string[]> {
  const problems: string[] = [];
  const runs = options.runs ?? 30;
  const settleMs = options.settleMs ?? 60_000;
  const one = (entry: Entry, args: unknown[]): Promise<string | undefined> =>
    withRuntime(
      async ({ runtime, clock }) => {
        const bystander: Pid = spawn(() => receive((m) => m === "never"));
        let outcome: string | undefined;
        let pending = false;
        const caller = spawn(async () => {
          let r: unknown;
          try {
            r = entry.fn.apply(entry.bind === undefined ? entry.self : entry.bind(), args);
          } catch (e) {
            outcome = badOutcome(entry.name, e);
            return;
          }
          if (
            r !== null &&
            typeof r === "object" &&
            typeof (r as { then?: unknown }).then === "function"
          ) {
            pending = true;
            try {
              await r;
            } catch (e) {
              outcome = badOutcome(entry.name, e);
            }
            pending = false;
          }
        });
        await clock.advance(settleMs);
        if (
          outcome === undefined &&
          pending &&
          isAlive(caller) &&
          options.mayWait?.has(entry.name) !== true
        ) {
          outcome = `${entry.name} returned a promise still pending after ${settleMs} ms of virtual time`;
        }
        if (isAlive(caller)) runtime.exit(caller, "kill");
        if (outcome === undefined && !isAlive(bystander))
          outcome = `${entry.name} killed a bystander process`;
        runtime.exit(bystander, "kill");
        return outcome;
      },
      { allowLeaks: true },
    ).catch((e: unknown) => `${entry.name} broke the test runtime: ${String(e)}`);
  const sweep = hostileArguments();
  for (const entry of entries) {
    // every hostile value as the first and as the second argument
    let found = false;
    for (const h of sweep) {
      for (const args of [[h], ["a", h]]) {
        const problem = await one(entry, args);
        if (problem !== undefined && !found) {
          found = true;
          problems.push(`${problem}\n    args: ${describeArgs(args)}`);
        }
      }
    }
    if (found) continue;
    await fc
      .assert(
        fc.asyncProperty(argsArbitrary(), async (args) => {
          const problem = await one(entry, args);
          if (problem !== undefined) {
            problems.push(`${problem}\n    args: ${describeArgs(args)}`);
            return false;
          }
          return true;
        }),
        { numRuns: runs, seed: 16, endOnFailure: true },
      )
      .catch(() => {
        // recorded in problems
      });
  }
  return problems;
}

function describeArgs(args: unknown[]): string {
  return args
    .map((a) => {
      try {
        if (typeof a === "symbol") return a.toString();
        if (typeof a === "bigint") return `${a}n`;
        const s = JSON.stringify(a);
        return s === undefined ? String(a) : s.length > 80 ? `${s.slice(0, 80)}…` : s;
      } catch {
        return "(hostile)";
      }
    })
    .join(", ");
}

/** Asserts that the fuzzing found nothing, listing everything it found. */
export function expectNoProblems(problems: readonly string[]): void {
  expect(problems, problems.join("\n")).toEqual([]);
}

/** An object that contains itself: what JSON, naive hashing and naive printing choke on. */
export function cyclic(): Record<string, unknown> {
  const o: Record<string, unknown> = { a: 1 };
  o["self"] = o;
  return o;
}
