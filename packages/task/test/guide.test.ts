// The testing example of docs/guides/tasks.md, word for word (scripts/sync-docs.mjs writes
// the region into the guide).
import { sleep } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Task from "@trellis/task";
import { expect, test } from "vitest";

// #region testing
test("a slow task times out", () =>
  withRuntime(async () => {
    const task = Task.async(() => sleep(60_000));
    await expect(Task.await(task, 5000)).rejects.toBeInstanceOf(Task.TaskTimeoutError);
    await Task.shutdown(task);
  }));
// #endregion testing
