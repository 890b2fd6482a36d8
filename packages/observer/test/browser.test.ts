// The observer in real headless Chromium (Debian's `chromium`, driven by playwright-core):
// load the page against a live system, see a process appear, kill it from the UI, see the
// supervisor restart it. Every wait is bounded; the browser and the server are closed after
// each test. SCREENSHOTS=1 also writes the screenshots used in the docs.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pid } from "@trellis/core";
import * as Observer from "@trellis/observer";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { type LiveSystem, liveSystem } from "./support.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const WAIT = 10_000;
const shots = process.env.SCREENSHOTS === "1" ? join(import.meta.dirname, "..", "docs") : undefined;

let browser: BrowserContext | undefined;
let profile: string | undefined;
let observer: Observer.Observer | undefined;
let system: LiveSystem | undefined;

afterEach(async () => {
  await browser?.close();
  await observer?.stop();
  await system?.stop();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  browser = undefined;
  observer = undefined;
  system = undefined;
  profile = undefined;
});

async function open(): Promise<Page> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with "apt-get install -y chromium" (or set CHROMIUM_PATH)`,
    );
  }
  profile = mkdtempSync(join(tmpdir(), "observer-chromium-"));
  // a fresh profile per test (launchPersistentContext passes it as --user-data-dir)
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    timeout: WAIT,
    headless: true,
    viewport: { width: 1100, height: 640 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(WAIT);
  return page;
}

async function start(): Promise<{ page: Page; sys: LiveSystem; obs: Observer.Observer }> {
  system = await liveSystem();
  observer = await Observer.start({ runtime: system.rt, print: false, intervalMs: 200 });
  const page = await open();
  return { page, sys: system, obs: observer };
}

describe("the observer in Chromium", () => {
  it("shows a new process, kills it from the UI, and the supervisor restarts it", {
    timeout: 60_000,
  }, async () => {
    const { page, sys, obs } = await start();
    await page.goto(obs.url);
    await page.locator("#live", { hasText: "live" }).waitFor();
    // a process appears
    const late: Pid = sys.rt.spawn(() => new Promise(() => {}));
    sys.rt.register("late_comer", late);
    await page.locator('input[aria-label="filter"]').fill("late_comer");
    await page.locator(`tr[data-pid="${String(late)}"]`).waitFor();
    // the supervised worker: open its page from the table, kill it, confirm
    const worker = await sys.worker();
    await page.locator('input[aria-label="filter"]').fill("GenServer");
    await page.locator(`tr[data-pid="${String(worker)}"]`).click();
    await page.locator("#process-title", { hasText: String(worker) }).waitFor();
    await page.locator("#state").waitFor();
    expect(await page.locator("#state").textContent()).toContain("count: 1");
    if (shots !== undefined) await page.screenshot({ path: join(shots, "observer-process.png") });
    await page.getByRole("button", { name: "Kill" }).click();
    await page
      .getByRole("dialog")
      .getByText(`Kill ${String(worker)}?`)
      .waitFor();
    expect(sys.rt.isAlive(worker)).toBe(true); // nothing happens before the confirmation
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.locator("#notice", { hasText: "sent kill" }).waitFor();
    expect(sys.rt.isAlive(worker)).toBe(false);
    // the supervisor restarted it: the tree shows a new pid and a restart count
    await page.getByRole("link", { name: "Supervision trees" }).click();
    const restarted = await sys.worker();
    expect(restarted).not.toBe(worker);
    await page.locator("#trees .pid", { hasText: String(restarted) }).waitFor();
    await page.locator("#trees", { hasText: "↻ 1" }).waitFor();
    if (shots !== undefined) await page.screenshot({ path: join(shots, "observer-trees.png") });
  });

  it("refuses the page without the token, and shows an unknown pid as an error", {
    timeout: 60_000,
  }, async () => {
    const { page, obs } = await start();
    const denied = await page.goto(`http://127.0.0.1:${obs.port}/`);
    expect(denied?.status()).toBe(401);
    expect(await page.textContent("body")).toContain("access token");
    await page.goto(`${obs.url}#process/987654`);
    await page.locator("#process-error", { hasText: "no live process" }).waitFor();
  });

  it("sorts the process table and shows the charts and ETS tables", {
    timeout: 60_000,
  }, async () => {
    const { page, sys, obs } = await start();
    const busy = sys.rt.spawn(() => new Promise(() => {}));
    for (let i = 0; i < 25; i++) sys.rt.send(busy, { n: i });
    await page.goto(obs.url);
    await page.locator('th[data-sort="mailbox"]').click(); // descending first for numbers
    await page
      .locator("#processes tbody tr")
      .first()
      .and(page.locator(`[data-pid="${String(busy)}"]`))
      .waitFor();
    if (shots !== undefined) await page.screenshot({ path: join(shots, "observer-processes.png") });
    await page.getByRole("link", { name: "ETS & Registries" }).click();
    await page.locator("#tables", { hasText: "observer_test_table" }).waitFor();
    await page.getByRole("link", { name: "Charts" }).click();
    await page.locator("#charts svg polyline").first().waitFor({ state: "attached" });
    expect(await page.locator("#charts .card").count()).toBe(3);
  });
});
