// GenStateMachine: a two-state switch ("off" <-> "on") that counts its toggles, one handler
// per state. 1M sequential call events, then 1M cast events followed by one call that
// returns once all were handled (beam/statem.exs). `statem_cast_state_timeout`: the same 1M
// casts to a switch that sets a 1 s state timeout on every transition (Erlang's
// `{state_timeout, 1000, :x}`), so each event also cancels and re-arms a timer.
import { createRuntime } from "@trellis/core";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { rate, report, size, warm } from "./common.js";

const { ok, nextState, keepStateAndData } = GenStateMachine.Result;
const { reply, stateTimeout } = GenStateMachine.Action;

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

/** The switch with a state timeout armed on every transition. */
const TimedSwitch = GenStateMachine.define({
  types: {} as SwitchTypes,
  callbackMode: "stateFunctions",
  init: (n: number) => ok("off", n),
  states: {
    off(event, n) {
      switch (event.type) {
        case "call":
          if (event.content === "toggle")
            return nextState("on", n + 1, [reply(event.from, "on"), stateTimeout(1000, "x")]);
          return keepStateAndData(reply(event.from, n));
        case "cast":
          return nextState("on", n + 1, stateTimeout(1000, "x"));
        default:
          return keepStateAndData();
      }
    },
    on(event, n) {
      switch (event.type) {
        case "call":
          if (event.content === "toggle")
            return nextState("off", n + 1, [reply(event.from, "off"), stateTimeout(1000, "x")]);
          return keepStateAndData(reply(event.from, n));
        case "cast":
          return nextState("off", n + 1, stateTimeout(1000, "x"));
        default:
          return keepStateAndData();
      }
    },
  },
});

const N = size(1_000_000);
const rt = createRuntime();

async function measure(
  n: number,
): Promise<{ call: number; cast: number; castStateTimeout: number }> {
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
    const timed = await GenStateMachine.start(TimedSwitch, 0);
    const castStateTimeout = await rate(n, async () => {
      for (let i = 0; i < n; i++) GenStateMachine.cast(timed, "toggle");
      const count = await GenStateMachine.call(timed, "count");
      if (count !== n) throw new Error(`expected ${n} toggles, the machine counted ${count}`);
    });
    await GenStateMachine.stop(timed);
    return { call, cast, castStateTimeout };
  });
}

await measure(warm(N));
const r = await measure(N);
report("statem_call", r.call, "calls/s");
report("statem_cast", r.cast, "casts/s");
report("statem_cast_state_timeout", r.castStateTimeout, "casts/s");
await rt.shutdown();
