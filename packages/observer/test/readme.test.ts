import { format } from "node:util";
import { expect, test, vi } from "vitest";

test("the README's example runs and prints what its comments say", {
  timeout: 30_000,
}, async () => {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args) => {
    lines.push(format(...args));
  });
  try {
    await import("./readme.js");
  } finally {
    log.mockRestore();
  }
  const js = "text/javascript; charset=utf-8";
  expect(lines).toEqual([
    expect.stringMatching(/^Trellis observer: http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/),
    "200 text/html; charset=utf-8",
    `/ui/app.js 200 ${js} true`,
    "/ui/style.css 200 text/css; charset=utf-8 true",
    `/vendor/preact.mjs 200 ${js} true`,
    `/vendor/hooks.mjs 200 ${js} true`,
    `/vendor/htm.mjs 200 ${js} true`,
  ]);
});
