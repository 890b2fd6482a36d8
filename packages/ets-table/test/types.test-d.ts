import type { Pid, Term } from "@trellis/core";
import * as Ets from "@trellis/ets-table";
import { describe, expectTypeOf, test } from "vitest";

type User = [id: number, name: string, age: number];

declare const users: Ets.Table<User, number, "set">;
declare const tags: Ets.Table<[tag: string, post: number], string, "bag">;
declare const pid: Pid;

describe("create", () => {
  test("types the rows and the key", () => {
    expectTypeOf(Ets.create<User>("users")).toEqualTypeOf<Ets.Table<User, number, "set">>();
    expectTypeOf(
      Ets.create<User>("users", { type: "ordered_set", access: "public" }),
    ).toEqualTypeOf<Ets.Table<User, number, "set">>();
    expectTypeOf(Ets.create<User>("users", { type: "bag" })).toEqualTypeOf<
      Ets.Table<User, number, "bag">
    >();
    expectTypeOf(Ets.create<User, 1>("by_name", { keyPos: 1 })).toEqualTypeOf<
      Ets.Table<User, string, "set">
    >();
    expectTypeOf(Ets.create("untyped")).toEqualTypeOf<Ets.Table<Ets.Tuple, Term, "set">>();
  });

  test("refuses a key position the row type does not back, and bad options", () => {
    // @ts-expect-error keyPos 1 needs the second type argument
    Ets.create<User>("t", { keyPos: 1 });
    // @ts-expect-error not a table type
    Ets.create("t", { type: "tree" });
    // @ts-expect-error not an access mode
    Ets.create("t", { access: "open" });
    // @ts-expect-error rows are tuples of terms
    Ets.create<[Date]>("t");
  });
});

describe("operations keep the row type", () => {
  test("insert and lookup", () => {
    expectTypeOf(Ets.insert(users, [1, "ann", 30])).toEqualTypeOf<true>();
    // @ts-expect-error wrong element type
    Ets.insert(users, [1, "ann", "thirty"]);
    // @ts-expect-error a list goes to insertMany
    Ets.insert(users, [[1, "ann", 30]]);
    expectTypeOf(Ets.insertMany(users, [[1, "ann", 30]])).toEqualTypeOf<true>();
    expectTypeOf(Ets.insertNew(users, [1, "ann", 30])).toEqualTypeOf<boolean>();
    expectTypeOf(Ets.lookup(users, 1)).toEqualTypeOf<User[]>();
    // @ts-expect-error the key is a number
    Ets.lookup(users, "1");
    expectTypeOf(Ets.take(users, 1)).toEqualTypeOf<User[]>();
    expectTypeOf(Ets.member(users, 1)).toEqualTypeOf<boolean>();
    expectTypeOf(Ets.toList(tags)).toEqualTypeOf<[tag: string, post: number][]>();
    expectTypeOf(Ets.lookup("by_name", "x")).toEqualTypeOf<Ets.Tuple[]>();
  });

  test("lookupElement: the element type, a list of them on a bag", () => {
    expectTypeOf(Ets.lookupElement(users, 1, 1)).toEqualTypeOf<string>();
    expectTypeOf(Ets.lookupElement(users, 1, 2)).toEqualTypeOf<number>();
    expectTypeOf(Ets.lookupElement(tags, "ts", 1)).toEqualTypeOf<number[]>();
    // @ts-expect-error no element at 3
    Ets.lookupElement(users, 1, 3);
    expectTypeOf(Ets.lookupElement("named", 1, 5)).toEqualTypeOf<Term>();
    expectTypeOf(Ets.lookupElement(users, 1, 1, null)).toEqualTypeOf<string | null>();
    expectTypeOf(Ets.lookupElement(tags, "ts", 1, undefined)).toEqualTypeOf<number[] | undefined>();
    expectTypeOf(Ets.lookupElement("named", 1, 5, 0)).toEqualTypeOf<Term>();
    // @ts-expect-error no element at 3, default or not
    Ets.lookupElement(users, 1, 3, null);
  });

  test("updateCounter and updateElement", () => {
    expectTypeOf(Ets.updateCounter(users, 1, 1)).toEqualTypeOf<number>();
    expectTypeOf(Ets.updateCounter(users, 1, [2, 1])).toEqualTypeOf<number>();
    expectTypeOf(Ets.updateCounter(users, 1, [2, 1, 100, 0])).toEqualTypeOf<number>();
    expectTypeOf(
      Ets.updateCounter(users, 1, [
        [2, 1],
        [0, 1],
      ]),
    ).toEqualTypeOf<number[]>();
    expectTypeOf(Ets.updateCounter(users, 1, 1n)).toEqualTypeOf<bigint>();
    Ets.updateCounter(users, 1, 1, { default: [1, "new", 0] });
    // @ts-expect-error the default row must be a row
    Ets.updateCounter(users, 1, 1, { default: [1] });
    // @ts-expect-error counters need a set or ordered_set
    Ets.updateCounter(tags, "t", 1);
    expectTypeOf(Ets.updateElement(users, 1, [1, "Ann"])).toEqualTypeOf<boolean>();
    Ets.updateElement(users, 1, [
      [1, "Ann"],
      [2, 31],
    ]);
    // @ts-expect-error position 1 holds a string
    Ets.updateElement(users, 1, [1, 31]);
  });

  test("traversal returns keys or END_OF_TABLE", () => {
    const k = Ets.first(users);
    expectTypeOf(k).toEqualTypeOf<number | typeof Ets.END_OF_TABLE>();
    if (k !== Ets.END_OF_TABLE)
      expectTypeOf(Ets.next(users, k)).toEqualTypeOf<number | typeof Ets.END_OF_TABLE>();
  });

  test("folds", () => {
    expectTypeOf(
      Ets.foldl(users, ([, , age], sum: number) => sum + age, 0),
    ).toEqualTypeOf<number>();
    Ets.foldr(
      users,
      (row, acc: string[]) => {
        expectTypeOf(row).toEqualTypeOf<User>();
        return acc;
      },
      [],
    );
  });
});

describe("matching", () => {
  test("patterns follow the row's shape", () => {
    expectTypeOf(Ets.matchObject(users, [Ets._, "ann", Ets.$1])).toEqualTypeOf<User[]>();
    expectTypeOf(Ets.match(users, [Ets.$1, Ets._, Ets._])).toEqualTypeOf<Term[][]>();
    // @ts-expect-error the name is a string
    Ets.matchObject(users, [Ets._, 42, Ets._]);
    // @ts-expect-error the row has three elements
    Ets.matchObject(users, [Ets._, Ets._]);
  });

  test("select infers the result from the body", () => {
    expectTypeOf(Ets.select(users, [[[Ets._, Ets._, Ets._], [], [Ets.$_]]])).toEqualTypeOf<
      User[]
    >();
    expectTypeOf(Ets.select(users, [[[Ets.$1, Ets._, Ets._], [], [Ets.$$]]])).toEqualTypeOf<
      Term[][]
    >();
    expectTypeOf(Ets.select(users, [[[Ets.$1, Ets._, Ets._], [], [Ets.$1]]])).toEqualTypeOf<
      Term[]
    >();
    expectTypeOf(Ets.select(users, [[Ets._, [], [true]]])).toEqualTypeOf<true[]>();
    const chunk = Ets.select(users, [[Ets._, [], [Ets.$_]]], 10);
    if (chunk !== Ets.END_OF_TABLE) {
      expectTypeOf(chunk[0]).toEqualTypeOf<User[]>();
      expectTypeOf(Ets.select(chunk[1])).toEqualTypeOf<Ets.Chunk<User> | typeof Ets.END_OF_TABLE>();
    }
    expectTypeOf(Ets.selectCount(users, [[Ets._, [], [true]]])).toEqualTypeOf<number>();
    // @ts-expect-error not a guard function
    Ets.expr("frobnicate", Ets.$1);
  });
});

describe("ownership", () => {
  test("transfer messages and options", () => {
    const msg: unknown = null;
    if (Ets.isTransfer(msg)) {
      expectTypeOf(msg.from).toEqualTypeOf<Pid>();
      expectTypeOf(msg.type).toEqualTypeOf<"ETS-TRANSFER">();
    }
    expectTypeOf(Ets.giveAway(users, pid, "gift")).toEqualTypeOf<true>();
    Ets.setOptions(users, { heir: pid, heirData: 1, access: "public" });
    Ets.setOptions(users, { heir: "none" });
    // @ts-expect-error Erlang's option name is not used
    Ets.setOptions(users, { protection: "public" });
    expectTypeOf(Ets.info(users)).toEqualTypeOf<Ets.TableInfo | undefined>();
    expectTypeOf(Ets.info(users, "heir")).toEqualTypeOf<Pid | "none" | undefined>();
  });
});
