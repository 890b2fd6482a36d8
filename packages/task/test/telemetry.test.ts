// The trellis.task.timeout event.
import { type Metadata, receive, self } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Task from "@trellis/task";
import { describe, expect, it } from "vitest";

describe("trellis.task.timeout", () => {
  it("is emitted by Task.await and Task.awaitMany when a task does not answer in time", () =>
    withRuntime(async ({ runtime }) => {
      const seen: { timeout: number | undefined; md: Metadata }[] = [];
      runtime.telemetry.attach("t", ["trellis", "task", "timeout"], (_e, m, md) =>
        seen.push({ timeout: m.timeout, md }),
      );
      const slow = Task.async(() => receive(() => false));
      await expect(Task.await(slow, 50)).rejects.toThrow();
      const fast = Task.async(() => 1);
      const stuck = Task.async(() => receive(() => false));
      await expect(Task.awaitMany([fast, stuck], 80)).rejects.toThrow();
      runtime.telemetry.detach("t");
      expect(seen.map((s) => [s.timeout, s.md.task])).toEqual([
        [50, slow.pid],
        [80, stuck.pid],
      ]);
      expect(seen[0]?.md.owner).toBe(self());
    }));
});
