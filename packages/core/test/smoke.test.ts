import {
  exit,
  isExit,
  receive,
  self,
  send,
  sendAfter,
  spawn,
  spawnLink,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import { expect, it } from "vitest";

it("withRuntime runs a test process with virtual time", () =>
  withRuntime(async ({ clock }) => {
    sendAfter(self(), "later", 300_000);
    expect(await receive()).toBe("later");
    expect(clock.now()).toBe(300_000);
    trapExit(true);
    const pid = spawnLink(async () => exit("bye"));
    const msg = await assertReceive(isExit);
    expect(msg.from).toBe(pid);
    await refuteReceive();
    spawnLink(() => new Promise(() => {}));
  }));

it("withRuntime reports leaks", async () => {
  await expect(
    withRuntime(async () => {
      spawn(() => new Promise(() => {}));
      send(self(), 1);
    }),
  ).rejects.toThrow(/still alive/);
});
