// The swapping example of docs/guides/gen-event.md, word for word (scripts/sync-docs.mjs
// writes the region into the guide).
import { withRuntime } from "@trellis/core/testing";
import * as GenEvent from "@trellis/gen-event";
import { expect, it } from "vitest";
import { type AppEvent, AuditLog } from "./examples/app-events.js";

it("swaps the audit log for a buffered one, handing over the count of lines written", () =>
  withRuntime(async () => {
    const lines: string[] = [];
    const events = await GenEvent.startLink<AppEvent>();
    await GenEvent.addHandler(events, AuditLog, { write: (line) => lines.push(line) });
    await GenEvent.syncNotify(events, { type: "login", user: "ann" });
    // #region swap
    const BufferedAuditLog = GenEvent.defineHandler({
      init: ({ args, result }: GenEvent.SwapInit<number>) =>
        GenEvent.Result.ok({ capacity: args, linesBefore: result, buffer: [] as string[] }),
      handleEvent: (event: AppEvent, s) =>
        GenEvent.Result.ok({ ...s, buffer: [...s.buffer, event.type] }),
    });

    await GenEvent.swapHandler(events, AuditLog, BufferedAuditLog, { initArgs: 100 });
    // #endregion swap
    await GenEvent.syncNotify(events, { type: "logout", user: "ann" });
    expect(lines).toEqual(["login ann"]);
    expect(await GenEvent.whichHandlers(events)).toHaveLength(1);
  }));
