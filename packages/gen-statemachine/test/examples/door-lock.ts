// A door with a code lock: press digits; the right code opens the door, which locks itself
// again after ten seconds. The running example of the package docs and the guide.

// #region definition
import * as GenStateMachine from "@trellis/gen-statemachine";

const { ok, nextState, keepState, keepStateAndData } = GenStateMachine.Result;
const { reply, stateTimeout, eventTimeout } = GenStateMachine.Action;

/** What the door declares about itself: its states, data and requests. */
export interface DoorTypes {
  state: "locked" | "open";
  data: { code: string; entered: string };
  calls: GenStateMachine.Request<{ type: "status" }, "locked" | "open">;
  casts: { type: "press"; digit: string };
}

export const DoorLock: GenStateMachine.Definition<DoorTypes, string> = GenStateMachine.define({
  types: {} as DoorTypes,
  callbackMode: "stateFunctions",
  stateEnter: true,
  initial: "locked",
  transitions: [
    { from: "locked", to: "open", label: "right code" },
    { from: "open", to: "locked", label: "state timeout" },
  ],
  init: (code: string) => ok("locked", { code, entered: "" }),
  states: {
    locked(event, data) {
      switch (event.type) {
        case "enter":
          return keepState({ ...data, entered: "" });
        case "cast": {
          const entered = data.entered + event.content.digit;
          if (entered === data.code) return nextState("open", { ...data, entered });
          if (entered.length >= data.code.length) return keepState({ ...data, entered: "" });
          // forget a half-typed code after 30 s without a key press
          return keepState({ ...data, entered }, eventTimeout(30_000, "forget"));
        }
        case "eventTimeout":
          return keepState({ ...data, entered: "" });
        case "call":
          return keepStateAndData(reply(event.from, "locked"));
      }
    },
    open(event, data) {
      switch (event.type) {
        case "enter":
          return keepStateAndData(stateTimeout(10_000, "lock"));
        case "stateTimeout":
          return nextState("locked", data);
        case "cast":
          return keepStateAndData(); // pressing keys while open does nothing
        case "call":
          return keepStateAndData(reply(event.from, "open"));
      }
    },
  },
});
// #endregion definition

// #region client
/** Presses the digits of `code` on `door`. */
export function enter(door: GenStateMachine.ServerOf<DoorTypes>, code: string): void {
  for (const digit of code) GenStateMachine.cast(door, { type: "press", digit });
}

/** Whether the door is open. */
export async function isOpen(door: GenStateMachine.ServerOf<DoorTypes>): Promise<boolean> {
  return (await GenStateMachine.call(door, { type: "status" })) === "open";
}
// #endregion client
