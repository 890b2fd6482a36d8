import { VERSION } from "@trellis/core";
import { expectTypeOf, test } from "vitest";

test("VERSION is a string", () => {
  expectTypeOf(VERSION).toEqualTypeOf<string>();
});
