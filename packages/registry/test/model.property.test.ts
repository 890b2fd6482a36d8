// Property tests: random register/unregister/exit sequences against a list model.
import { equals, exit, type Pid, receive, Sys, send, spawn, type Term } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Registry from "@trellis/registry";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { partitions as partitionsOf } from "./support.js";

type Op =
  | { op: "register"; proc: number; key: Term; value: number }
  | { op: "unregister"; proc: number; key: Term }
  | { op: "exit"; proc: number };

const keyArb: fc.Arbitrary<Term> = fc.constantFrom<Term>(
  1,
  1n,
  "a",
  ["t", 1],
  { m: 1 },
  { m: 1, n: 2 },
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("register" as const),
      proc: fc.nat(3),
      key: keyArb,
      value: fc.nat(9),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant("unregister" as const), proc: fc.nat(3), key: keyArb }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("exit" as const), proc: fc.nat(3) }) },
);

interface ModelRow {
  key: Term;
  proc: number;
  value: number;
}

/** A worker process that runs the registry operations it is sent and answers "done". */
function worker(test: Pid): Pid {
  return spawn(async () => {
    for (;;) {
      const m = (await receive()) as { run: () => unknown };
      send(test, { done: m.run() });
    }
  });
}

async function runIn(pid: Pid, run: () => unknown): Promise<unknown> {
  send(pid, { run });
  const reply = (await receive((m) => typeof m === "object" && m !== null && "done" in m)) as {
    done: unknown;
  };
  return reply.done;
}

const sortBy = <T>(xs: T[], f: (x: T) => string): T[] =>
  xs.slice().sort((a, b) => f(a).localeCompare(f(b)));

for (const keys of ["unique", "duplicate"] as const) {
  describe(`model: ${keys}`, () => {
    it("register/unregister/exit agree with a list of {key, pid, value}", () =>
      fc.assert(
        fc.asyncProperty(
          fc.array(opArb, { maxLength: 40 }),
          fc.integer({ min: 1, max: 3 }),
          (ops, partitions) =>
            withRuntime(async ({ self: test }) => {
              const reg = await Registry.startLink({ keys, partitions });
              const procs: Pid[] = [0, 1, 2, 3].map(() => worker(test));
              let model: ModelRow[] = [];
              for (const o of ops) {
                const pid = procs[o.proc] as Pid;
                if (o.op === "register") {
                  const r = (await runIn(pid, () =>
                    Registry.register(reg, o.key, o.value),
                  )) as Registry.RegisterResult;
                  const holder = model.find((m) => equals(m.key, o.key));
                  if (keys === "unique" && holder !== undefined) {
                    expect(r).toEqual({ type: "already_registered", pid: procs[holder.proc] });
                  } else {
                    expect(r.type).toBe("ok");
                    model.push({ key: o.key, proc: o.proc, value: o.value });
                  }
                } else if (o.op === "unregister") {
                  await runIn(pid, () => Registry.unregister(reg, o.key));
                  model = model.filter((m) => !(m.proc === o.proc && equals(m.key, o.key)));
                } else {
                  exit(pid, "kill");
                  procs[o.proc] = worker(test);
                  model = model.filter((m) => m.proc !== o.proc);
                  // Cleanup is asynchronous: a round trip to each partition lets it happen.
                  for (const part of await partitionsOf(reg.pid)) await Sys.getState(part);
                }
                // lookup, keys, values and count agree with the model
                expect(Registry.count(reg)).toBe(model.length);
                for (const k of [1, 1n, "a", ["t", 1], { m: 1 }, { m: 1, n: 2 }] as Term[]) {
                  const expected = model
                    .filter((m) => equals(m.key, k))
                    .map((m) => `${procs[m.proc]}:${m.value}`);
                  const actual = Registry.lookup(reg, k).map(([p, v]) => `${p}:${String(v)}`);
                  expect(actual.sort()).toEqual(expected.sort());
                }
                for (const [i, p] of procs.entries()) {
                  const mine = model.filter((m) => m.proc === i);
                  expect(
                    sortBy(Registry.keys(reg, p), (k) =>
                      JSON.stringify(k, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)),
                    ),
                  ).toEqual(
                    sortBy(
                      mine.map((m) => m.key),
                      (k) => JSON.stringify(k, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)),
                    ),
                  );
                }
              }
              for (const p of procs) exit(p, "kill");
            }),
        ),
        { numRuns: 60 },
      ));
  });
}
