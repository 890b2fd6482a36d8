// Examples of docs/guides/terms.md, word for word (scripts/sync-docs.mjs writes each region
// into the guide).
import { assertTerm, BadArgumentError, TermMap } from "@trellis/core";
import { expect, it } from "vitest";

it("assertTerm names what is not a term, and where", () => {
  const attempt = () => {
    // #region assert
    assertTerm(["user", { at: new Date() }], "the key");
    // BadArgumentError: the key is not a term: [1].at is a Date; a term is a number, bigint, …
    // #endregion assert
  };
  expect(attempt).toThrow(BadArgumentError);
  expect(attempt).toThrow(
    /^the key is not a term: \[1\]\.at is a Date; a term is a number, bigint, /,
  );
});

it("TermMap compares keys by content", () => {
  // #region termmap
  const visits = new TermMap<[string, number], number>();
  visits.set(["page", 1], 10);
  visits.get(["page", 1]); // 10: a different array, with the same content
  visits.set(["page", 1], 11).size; // 1

  const points = new TermMap<{ x: number; y: number }, string>();
  points.set({ x: 1, y: 2 }, "a");
  points.get({ y: 2, x: 1 }); // "a"
  // #endregion termmap
  expect(visits.get(["page", 1])).toBe(11);
  expect(visits.size).toBe(1);
  expect(points.get({ y: 2, x: 1 })).toBe("a");
});
