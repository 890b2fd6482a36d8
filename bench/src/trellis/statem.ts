// GenStateMachine: a two-state switch ("off" <-> "on") that counts its toggles, one handler
// per state. 1M sequential call events, then 1M cast events followed by one call that
// returns once all were handled (beam/statem.exs).
import { createRuntime } from "@trellis/core";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { rate, report, size, warm } from "./common.js";

const { ok, nextState, keepStateAndData } = GenStateMachine.Result;
const { reply } = GenStateMachine.Action;

interface SwitchTypes {
  state: "off" | "on";
  data: number;
  calls: GenStateMachine.Request<"toggle", "off" | "on"> | GenStateMachine.Request<"count", number>;
  casts: "toggle";
}

const Switch = GenStateMachine.define({
  types: {} as SwitchTypes,
  callbackMode: "stateFunctions",
  init: (n: number) => ok("off", n),
  states: {
    off(event, n) {
      switch (event.type) {
        case "call":
          if (event.content === "toggle") return nextState("on", n + 1, reply(event.from, "on"));
          return keepStateAndData(reply(event.from, n));
        case "cast":
          return nextState("on", n + 1);
      }
    },
    on(event, n) {
      switch (event.type) {
        case "call":
          if (event.content === "toggle") return nextState("off", n + 1, reply(event.from, "off"));
          return keepStateAndData(reply(event.from, n));
        case "cast":
          return nextState("off", n + 1);
      }
    },
  },
});

const N = size(1_000_000);
const rt = createRuntime();

async function measure(n: number): Promise<{ call: number; cast: number }> {
  return rt.run(async () => {
    const machine = await GenStateMachine.start(Switch, 0);
    const call = await rate(n, async () => {
      for (let i = 0; i < n; i++) await GenStateMachine.call(machine, "toggle");
    });
    const cast = await rate(n, async () => {
      for (let i = 0; i < n; i++) GenStateMachine.cast(machine, "toggle");
      const count = await GenStateMachine.call(machine, "count");
      if (count !== 2 * n)
        throw new Error(`expected ${2 * n} toggles, the machine counted ${count}`);
    });
    await GenStateMachine.stop(machine);
    return { call, cast };
  });
}

await measure(warm(N));
const r = await measure(N);
report("statem_call", r.call, "calls/s");
report("statem_cast", r.cast, "casts/s");
await rt.shutdown();
