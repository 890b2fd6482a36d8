// The examples of docs/guides/ets.md that are not in examples/cache.ts, word for word
// (scripts/sync-docs.mjs writes each region into the guide). Each runs in a test process,
// which owns the tables it creates.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downFor, exit, monitor, receive, self, send, spawn } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as Ets from "@trellis/ets-table";
import { expect, it } from "vitest";

function usersTable() {
  // #region create
  const users = Ets.create<[id: number, name: string, age: number]>("users", {
    type: "set", // "set" | "ordered_set" | "bag" | "duplicate_bag"
    access: "protected", // "public" | "protected" | "private"
    named: false, // true: found by name, and the name must be free
    keyPos: 0, // the 0-based index of the key in each row
  });
  // #endregion create
  Ets.insertMany(users, [
    [1, "ann", 31],
    [2, "bob", 17],
    [3, "cat", 45],
    [4, "dee", 17],
  ]);
  return users;
}

it("creates a table with the options spelled out", () =>
  withRuntime(() => {
    const users = usersTable();
    expect(Ets.info(users)).toMatchObject({ type: "set", access: "protected", keyPos: 0 });
  }));

it("updates counters in place", () =>
  withRuntime(() => {
    // #region counter
    const hits = Ets.create<[page: string, views: number, bytes: number]>("hits");
    Ets.updateCounter(hits, "/", 1, { default: ["/", 0, 0] }); // 1 (the row is created)
    Ets.updateCounter(hits, "/", [
      [1, 1],
      [2, 512],
    ]); // [2, 512]
    Ets.updateCounter(hits, "/", [1, 10, 5, 0]); // 0: 12 passed the threshold 5, so it is reset
    // #endregion counter
    expect(Ets.lookup(hits, "/")).toEqual([["/", 0, 512]]);
  }));

it("walks a table key by key", () =>
  withRuntime(() => {
    const t = usersTable();
    const seen: number[] = [];
    // #region walk
    for (let k = Ets.first(t); k !== Ets.END_OF_TABLE; k = Ets.next(t, k)) {
      seen.push(k); // …
    }
    // #endregion walk
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
  }));

it("matches rows with patterns and selects with match specs", () =>
  withRuntime(() => {
    const users = usersTable();
    // #region match
    const { _, $1, $2, $3, expr } = Ets;

    Ets.match(users, [$1, $2, 17]); // [[2, "bob"], [4, "dee"]]: the bindings of $1, $2
    Ets.matchObject(users, [_, "ann", _]); // [[1, "ann", 31]]: whole rows
    // #endregion match
    expect(Ets.match(users, [$1, $2, 17]).sort()).toEqual([
      [2, "bob"],
      [4, "dee"],
    ]);
    expect(Ets.matchObject(users, [_, "ann", _])).toEqual([[1, "ann", 31]]);
    // #region select
    // ets:select(Users, [{{'$1', '$2', '$3'}, [{'>=', '$3', 18}], [{{'$2', '$1'}}]}])
    Ets.select(users, [[[$1, $2, $3], [expr(">=", $3, 18)], [[$2, $1]]]]); // [["ann", 1], …]
    // #endregion select
    expect(Ets.select(users, [[[$1, $2, $3], [expr(">=", $3, 18)], [[$2, $1]]]]).sort()).toEqual([
      ["ann", 1],
      ["cat", 3],
    ]);
    // #region erlang
    type User = [id: number, name: string, age: number];
    const spec = Ets.fromErlangMatchSpec<User>([[["$1", "_", "$2"], [[">=", "$2", 18]], ["$1"]]]);
    Ets.select(users, spec); // [1, 3]
    // #endregion erlang
    expect(Ets.select(users, spec)).toEqual(expect.arrayContaining([1, 3]));
    expect(Ets.select(users, spec)).toHaveLength(2);
    // #region delete
    Ets.matchDelete(users, [_, _, 17]); // delete them
    // #endregion delete
    expect(Ets.match(users, [$1, _, 17])).toEqual([]);
  }));

it("hands a table to its heir when the owner dies", () =>
  withRuntime(async () => {
    const backupPid = self();
    const owner = spawn(async () => {
      // #region heir
      const t = Ets.create("sessions", { heir: backupPid, heirData: "sessions" });
      // #endregion heir
      Ets.insert(t, ["s1", "ann"]);
      send(backupPid, "created");
      await receive();
    });
    await receive((m) => m === "created");
    exit(owner, "kill");
    await receive(downFor(monitor(owner)));
    const transfer = await receive((m) => m instanceof Ets.TransferMessage);
    expect(transfer).toMatchObject({ from: owner, data: "sessions" });
  }));

it("writes a table to a file and reads it back", () =>
  withRuntime(async () => {
    const dir = await mkdtemp(join(tmpdir(), "trellis-ets-guide-"));
    try {
      const path = join(dir, "sessions.ets");
      type Row = [id: string, user: string];
      const t = Ets.create<Row>("sessions");
      Ets.insert(t, ["s1", "ann"]);
      // #region file
      await Ets.tabToFile(t, path);
      const restored = await Ets.fileToTab<Row>(path);
      // #endregion file
      expect(Ets.lookup(restored, "s1")).toEqual([["s1", "ann"]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }));
