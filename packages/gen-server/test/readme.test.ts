import { expect, test } from "vitest";
import { printedBy } from "../../core/test/support/readme.js";

test("the README's example runs and prints what its comments say", {
  timeout: 30_000,
}, async () => {
  expect(await printedBy(() => import("./readme.js"))).toEqual(["2"]);
});
