// Runtime.processMessages: the first queued messages of a process, without taking them.
import { createRuntime } from "@trellis/core";
import { expect, test } from "vitest";

test("returns the first messages in order, bounded, leaves them queued, undefined when dead", async () => {
  const rt = createRuntime();
  const pid = rt.spawn(() => new Promise(() => {}));
  for (let i = 0; i < 5; i++) rt.send(pid, i);
  expect(rt.processMessages(pid, 3)).toEqual([0, 1, 2]);
  expect(rt.processMessages(pid)).toEqual([0, 1, 2, 3, 4]);
  expect(rt.processMessages(pid, -1)).toEqual([]);
  expect(rt.processInfo(pid)?.messageQueueLength).toBe(5);
  rt.exit(pid, "kill");
  expect(rt.processMessages(pid)).toBeUndefined();
  await rt.shutdown();
});
