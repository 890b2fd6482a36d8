import { sleep } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenStateMachine from "@trellis/gen-statemachine";
import { expect, test } from "vitest";
import { CodeLock, OPEN_MS } from "../src/lock.js";
import { main } from "../src/main.js";

test("wrong codes are counted and keep the door locked; the right one opens it and resets the count", () =>
  withRuntime(async () => {
    const door = await GenStateMachine.startLink(CodeLock, "42");
    expect(await GenStateMachine.call(door, { type: "enter", code: "41" })).toBe("wrong code");
    expect(await GenStateMachine.call(door, { type: "enter", code: "" })).toBe("wrong code");
    expect(await GenStateMachine.call(door, { type: "status" })).toEqual({
      state: "locked",
      wrong: 2,
    });
    expect(await GenStateMachine.call(door, { type: "enter", code: "42" })).toBe("opened");
    expect(await GenStateMachine.call(door, { type: "status" })).toEqual({
      state: "open",
      wrong: 0,
    });
  }));

test("the door locks itself OPEN_MS after opening, not before", () =>
  withRuntime(async ({ clock }) => {
    const door = await GenStateMachine.startLink(CodeLock, "42");
    await GenStateMachine.call(door, { type: "enter", code: "42" });
    await sleep(OPEN_MS - 1);
    expect((await GenStateMachine.call(door, { type: "status" })).state).toBe("open");
    // events while open do not restart a state timeout
    expect(await GenStateMachine.call(door, { type: "enter", code: "42" })).toBe("already open");
    await sleep(1);
    expect((await GenStateMachine.call(door, { type: "status" })).state).toBe("locked");
    expect(clock.now()).toBe(OPEN_MS);
  }));

test("locking by hand cancels the timeout; reopening arms a new one", () =>
  withRuntime(async () => {
    const door = await GenStateMachine.startLink(CodeLock, "42");
    await GenStateMachine.call(door, { type: "enter", code: "42" });
    await sleep(OPEN_MS - 100);
    expect(await GenStateMachine.call(door, { type: "lock" })).toBe("locked");
    await GenStateMachine.call(door, { type: "enter", code: "42" });
    await sleep(OPEN_MS - 1); // the first timeout would have fired by now
    expect((await GenStateMachine.call(door, { type: "status" })).state).toBe("open");
    await sleep(1);
    expect((await GenStateMachine.call(door, { type: "status" })).state).toBe("locked");
  }));

test("main prints the run", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  expect(lines).toEqual([
    "enter 0000: wrong code",
    "enter 1111: wrong code",
    "enter 1234: opened",
    "enter 1234: already open",
    'status: {"state":"open","wrong":0}',
    'after 5000 ms: {"state":"locked","wrong":0}',
  ]);
});
