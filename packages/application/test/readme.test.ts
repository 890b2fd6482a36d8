import { format } from "node:util";
import { expect, test, vi } from "vitest";

test("the README's example runs and prints what its comments say", {
  timeout: 30_000,
}, async () => {
  const lines: string[] = [];
  const infos: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args) => {
    lines.push(format(...args));
  });
  // the default runtime's console logger: OTP's info reports of applications that stop
  const info = vi.spyOn(console, "info").mockImplementation((...args) => {
    infos.push(format(...args));
  });
  try {
    await import("./readme.js");
  } finally {
    log.mockRestore();
    info.mockRestore();
  }
  expect(lines).toEqual([
    "db: connecting to postgres://localhost/app",
    "web: listening on port 8080",
    "web: stopped",
    "db: stopped",
    "exit code 0",
  ]);
  expect(infos).toEqual([
    "[trellis] info: application web exited: stopped (type permanent)",
    "[trellis] info: application db exited: stopped (type permanent)",
  ]);
});
