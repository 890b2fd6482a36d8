// The example of packages/gen-statemachine/README.md, run by test/readme.test.ts and, from
// the packed tarballs, by CI in a fresh npm project.
// #region readme
import { createRuntime } from "@trellis/core";
import * as GenStateMachine from "@trellis/gen-statemachine";

const { ok, nextState, keepState, keepStateAndData } = GenStateMachine.Result;
const { reply, stateTimeout } = GenStateMachine.Action;

interface DoorTypes {
  state: "locked" | "open";
  data: { code: string; entered: string };
  calls: GenStateMachine.Request<{ type: "status" }, "locked" | "open">;
  casts: { type: "press"; digit: string };
}

const DoorLock = GenStateMachine.define({
  types: {} as DoorTypes,
  callbackMode: "stateFunctions",
  stateEnter: true,
  init: (code: string) => ok("locked", { code, entered: "" }),
  states: {
    locked(event, data) {
      switch (event.type) {
        case "enter":
          return keepState({ ...data, entered: "" });
        case "cast": {
          const entered = data.entered + event.content.digit;
          if (entered === data.code) return nextState("open", data);
          return keepState({ ...data, entered: entered.length < data.code.length ? entered : "" });
        }
        case "call":
          return keepStateAndData(reply(event.from, "locked"));
      }
    },
    open(event, data) {
      switch (event.type) {
        case "enter":
          return keepStateAndData(stateTimeout(10_000, "lock")); // relock after 10 s
        case "stateTimeout":
          return nextState("locked", data);
        case "call":
          return keepStateAndData(reply(event.from, "open"));
        default:
          return keepStateAndData();
      }
    },
  },
});

const runtime = createRuntime();
await runtime.run(async () => {
  const door = await GenStateMachine.start(DoorLock, "1234");
  for (const digit of "1234") GenStateMachine.cast(door, { type: "press", digit });
  console.log(await GenStateMachine.call(door, { type: "status" })); // open
  await GenStateMachine.stop(door);
});
await runtime.shutdown();
// #endregion readme
