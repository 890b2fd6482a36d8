// A message handler's async context: `self()` after an `await` inside a handler names the
// handling process in every batch, not only the first (the scheduler enters the context it
// captured at the first batch from then on, ADR 0004).
import { exit, type Pid, receive, self, send, setMessageHandler, spawn } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

describe("message handlers and the async context", () => {
  it("self() after await in a handler is the handler's process, batch after batch", () =>
    withRuntime(async () => {
      const main = self();
      const handlers: Pid[] = [];
      for (let i = 0; i < 3; i++) {
        handlers.push(
          spawn(() => {
            setMessageHandler(async (msg) => {
              await Promise.resolve();
              await new Promise((resolve) => setImmediate(resolve));
              send(main, { msg, me: self() });
            });
          }),
        );
      }
      for (let round = 0; round < 3; round++) {
        for (const h of handlers) send(h, round);
        for (const h of handlers) {
          const got = await receive<{ msg: number; me: Pid }>((m) => (m as { me: Pid }).me === h);
          expect(got).toEqual({ msg: round, me: h });
        }
      }
      expect(self()).toBe(main);
      for (const h of handlers) exit(h, "kill");
    }));
});
