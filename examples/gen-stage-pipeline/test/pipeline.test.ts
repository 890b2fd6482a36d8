import { type LogReport, receive, self } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { expect, test } from "vitest";
import { main } from "../src/main.js";
import { type Progress, startPipeline } from "../src/pipeline.js";

test("every alert is notified, with no more notifiers at once than the demand", () =>
  withRuntime(async ({ clock }) => {
    const start = clock.now();
    await startPipeline({
      observer: self(),
      readings: 300,
      threshold: 90,
      maxNotifiers: 5,
      notifyMs: 20,
    });
    const sent: number[] = [];
    let read = 0;
    let readAtFirst = -1;
    let busiest = 0;
    while (sent.length < 30) {
      const p = (await receive()) as Progress;
      if (p.type === "read") read = p.count;
      else {
        if (readAtFirst < 0) readAtFirst = read;
        sent.push(p.alert.value);
        busiest = Math.max(busiest, p.running);
      }
    }
    expect(sent.every((v) => v >= 90)).toBe(true);
    expect(busiest).toBeLessThanOrEqual(5);
    // back-pressure: the feed had not been read to the end when the first alert went out
    expect(readAtFirst).toBeLessThan(300);
    // 30 alerts, 5 at a time, 20 ms each: at least 6 rounds of virtual time
    expect(clock.now() - start).toBeGreaterThanOrEqual(120);
  }));

test("main narrates a run", async () => {
  const lines: string[] = [];
  const reports: LogReport[] = [];
  await main((line) => lines.push(line), { logger: { log: (r) => void reports.push(r) } });
  expect(lines.at(-2)).toMatch(/^at most [1-5] notifiers ran at once \(maxDemand 5\)$/);
  expect(lines).toContain("30 alerts sent, 300 readings taken from the feed");
  expect(lines.at(-1)).toBe("the alerts stage stopped (normal) after the feed ended");
  // the alerts stage reports why it stopped (Elixir's GenStage does the same), once, and
  // nothing else is logged: the notifiers end normally
  expect(reports.filter((r) => r.behaviour === "GenStage").map((r) => [r.kind, r.message])).toEqual(
    [
      [
        "info",
        expect.stringMatching(
          /^GenStage consumer <[\d.]+> is stopping after receiving cancel from producer <[\d.]+> with reason: normal$/,
        ),
      ],
    ],
  );
  expect(reports.filter((r) => r.behaviour !== "GenStage").map((r) => r.message)).toEqual([]);
});
