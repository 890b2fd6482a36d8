// Type tests: the typed handle accepts only the server's requests and infers each reply.
import type { From, Pid } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { describe, expectTypeOf, it } from "vitest";

const { ok, ignore, reply, noreply, stop, stopReply } = GenServer.Result;

type StackCall =
  | GenServer.Request<{ type: "pop" }, string | undefined>
  | GenServer.Request<{ type: "size" }, number>
  | GenServer.Request<{ type: "peek"; depth: number }, string | undefined>;
type StackCast = { type: "push"; item: string } | { type: "clear" };

const Stack = GenServer.define({
  init: (items: string[]) => ok(items),
  handleCall(request: StackCall, _from, items) {
    expectTypeOf(items).toEqualTypeOf<string[]>();
    switch (request.type) {
      case "pop": {
        const [top, ...rest] = items;
        return reply(top, rest);
      }
      case "size":
        return reply(items.length, items);
      case "peek":
        return reply(items[request.depth], items);
    }
  },
  handleCast(request: StackCast, items) {
    return noreply(request.type === "push" ? [request.item, ...items] : []);
  },
});

declare const stack: GenServer.Server<StackCall, StackCast>;

describe("define", () => {
  it("infers the argument, state and request types", () => {
    expectTypeOf(Stack).toMatchTypeOf<
      GenServer.Definition<string[], GenServer.Result.OkResult<string[]>, StackCall, StackCast>
    >();
    expectTypeOf(GenServer.start(Stack, ["a"])).resolves.toEqualTypeOf<
      GenServer.Server<StackCall, StackCast>
    >();
    expectTypeOf(GenServer.startLink(Stack, [])).resolves.toEqualTypeOf<
      GenServer.Server<StackCall, StackCast>
    >();
  });

  it("checks the start argument", () => {
    // @ts-expect-error: init takes string[]
    void GenServer.start(Stack, "a");
    // @ts-expect-error: the argument is required
    void GenServer.start(Stack);
  });

  it("makes the argument optional when init takes none", () => {
    const NoArg = GenServer.define({ init: () => ok(0) });
    void GenServer.start(NoArg);
    void GenServer.start(NoArg, undefined, { name: "x" });
  });

  it("adds 'ignore' to the start result only when init can ignore", () => {
    const Maybe = GenServer.define({
      init: (on: boolean) => (on ? ok(1) : ignore()),
    });
    expectTypeOf(GenServer.start(Maybe, true)).resolves.toEqualTypeOf<
      GenServer.Server<never, never> | "ignore"
    >();
  });

  it("checks callback results against the state type", () => {
    GenServer.define({
      init: () => ok(0),
      // @ts-expect-error: the state is a number
      handleCast: (_r: "x", _n) => noreply("not a number"),
    });
    GenServer.define({
      init: () => ok(0),
      // @ts-expect-error: a cast cannot reply
      handleCast: (_r: "x", n) => reply(1, n),
    });
    GenServer.define({
      init: () => ok(0),
      // @ts-expect-error: stop from a callback needs the state
      handleInfo: () => stop("normal"),
    });
    GenServer.define({
      init: () => ok(0),
      handleCall: (_r: "x", _from, n) => stopReply("normal", "bye", n),
      handleInfo: (_m, n) => stop("normal", n),
      terminate: (reason, n) => {
        expectTypeOf(reason).toBeUnknown();
        expectTypeOf(n).toEqualTypeOf<number>();
      },
    });
  });

  it("types handleContinue's argument from the continues returned", () => {
    GenServer.define({
      init: () => ok(0, { continue: "load" }),
      handleContinue(arg: "load" | "save", n) {
        expectTypeOf(arg).toEqualTypeOf<"load" | "save">();
        return arg === "load" ? noreply(n, { continue: "save" }) : noreply(n);
      },
    });
  });

  it("gives handleCall a From and formatStatus the state", () => {
    GenServer.define({
      init: () => ok({ secret: "x" }),
      handleCall(_request: "x", from, state) {
        expectTypeOf(from).toEqualTypeOf<From>();
        return reply(null, state);
      },
      formatStatus(status) {
        expectTypeOf(status.state).toEqualTypeOf<{ secret: string }>();
        return { state: "redacted" };
      },
    });
  });
});

describe("call", () => {
  it("infers the reply type of each request", () => {
    expectTypeOf(GenServer.call(stack, { type: "size" })).resolves.toEqualTypeOf<number>();
    expectTypeOf(GenServer.call(stack, { type: "pop" })).resolves.toEqualTypeOf<
      string | undefined
    >();
    expectTypeOf(
      GenServer.call(stack, { type: "peek", depth: 2 }, { timeout: 100 }),
    ).resolves.toEqualTypeOf<string | undefined>();
    expectTypeOf(GenServer.call(stack, { type: "size" }, 100)).resolves.toEqualTypeOf<number>();
  });

  it("gives the union of replies for a request of the union type", () => {
    const request = { type: "size" } as StackCall;
    expectTypeOf(GenServer.call(stack, request)).resolves.toEqualTypeOf<
      string | number | undefined
    >();
  });

  it("rejects requests the server does not take", () => {
    // @ts-expect-error: no such request
    void GenServer.call(stack, { type: "shift" });
    // @ts-expect-error: peek needs a depth
    void GenServer.call(stack, { type: "peek" });
    // @ts-expect-error: a cast request is not a call request
    void GenServer.call(stack, { type: "clear" });
    // @ts-expect-error: not a request at all
    void GenServer.call(stack, 42);
  });

  it("works untyped with a plain pid or name", () => {
    const pid = stack as Pid;
    expectTypeOf(GenServer.call(pid, "anything")).resolves.toBeUnknown();
    expectTypeOf(GenServer.call<number>("counter", { any: "thing" })).resolves.toBeNumber();
  });

  it("reads unmarked requests as replying unknown", () => {
    const Plain = GenServer.define({
      init: () => ok(0),
      handleCall: (_r: "ping", _from, n) => reply("pong", n),
    });
    const plain = GenServer.named(Plain, "plain");
    expectTypeOf(GenServer.call(plain, "ping")).resolves.toBeUnknown();
    // @ts-expect-error: not a request of Plain
    void GenServer.call(plain, "pong");
  });
});

describe("cast", () => {
  it("accepts only the server's cast requests", () => {
    expectTypeOf(GenServer.cast(stack, { type: "push", item: "a" })).toBeVoid();
    GenServer.cast(stack, { type: "clear" });
    // @ts-expect-error: a call request is not a cast request
    GenServer.cast(stack, { type: "pop" });
    // @ts-expect-error: push needs an item
    GenServer.cast(stack, { type: "push" });
  });

  it("works untyped with a plain pid or name", () => {
    GenServer.cast(stack as Pid, "anything");
    GenServer.cast("name", 1);
  });
});

describe("handles", () => {
  it("a typed handle is a Pid", () => {
    expectTypeOf(stack).toMatchTypeOf<Pid>();
  });

  it("a handle for a server with fewer requests is not one with more", () => {
    type Small = GenServer.Server<GenServer.Request<{ type: "size" }, number>, never>;
    expectTypeOf<Small>().not.toMatchTypeOf<GenServer.Server<StackCall, StackCast>>();
  });

  it("named gives a typed handle by name, and whereis a typed pid", () => {
    const byName = GenServer.named(Stack, "stack");
    expectTypeOf(GenServer.call(byName, { type: "size" })).resolves.toEqualTypeOf<number>();
    // @ts-expect-error: no such request
    void GenServer.call(byName, { type: "nope" });
    expectTypeOf(GenServer.whereis(byName)).toEqualTypeOf<
      GenServer.Server<StackCall, StackCast> | undefined
    >();
    expectTypeOf(GenServer.whereis("stack")).toEqualTypeOf<Pid | undefined>();
  });

  it("ReplyOf and ReplyFor compute reply types", () => {
    expectTypeOf<GenServer.ReplyOf<GenServer.Request<"x", 1>>>().toEqualTypeOf<1>();
    expectTypeOf<GenServer.ReplyOf<"x">>().toBeUnknown();
    expectTypeOf<GenServer.ReplyFor<StackCall, { type: "size" }>>().toEqualTypeOf<number>();
  });
});

describe("stop and childSpec", () => {
  it("stop resolves with nothing", () => {
    expectTypeOf(GenServer.stop(stack)).resolves.toBeVoid();
    expectTypeOf(GenServer.stop("name", "shutdown", 1000)).resolves.toBeVoid();
  });

  it("childSpec checks the argument and returns a ChildSpec", () => {
    expectTypeOf(GenServer.childSpec(Stack, [])).toEqualTypeOf<GenServer.ChildSpec>();
    // @ts-expect-error: init takes string[]
    GenServer.childSpec(Stack, 1);
    // @ts-expect-error: not a restart value
    GenServer.childSpec(Stack, [], { restart: "sometimes" });
  });
});

// Issue #15 item 12: reply types that include undefined (Map.get is Elixir's nil) keep it
// under a user's plain `strict: true` too (scripts/typecheck-profiles.mjs runs this file
// under both profiles, with TypeScript 5.5, the installed one and 7).
describe("reply types with undefined, under any tsconfig", () => {
  type KvCall =
    | GenServer.Request<{ type: "get"; key: string }, number | undefined>
    | GenServer.Request<{ type: "size" }, number>;
  const Kv = GenServer.define({
    init: () => ok(new Map<string, number>()),
    handleCall(request: KvCall, _from, map) {
      return request.type === "get" ? reply(map.get(request.key), map) : reply(map.size, map);
    },
  });
  it("infers number | undefined for a Map.get reply", async () => {
    const kv = await GenServer.start(Kv); // init cannot ignore: a handle, no "ignore"
    expectTypeOf(GenServer.call(kv, { type: "get", key: "a" })).resolves.toEqualTypeOf<
      number | undefined
    >();
    expectTypeOf(GenServer.call(kv, { type: "size" })).resolves.toEqualTypeOf<number>();
    expectTypeOf<GenServer.ReplyOf<KvCall & { type: "get" }>>().toEqualTypeOf<number | undefined>();
  });
});

// Issue #15 item 13: string requests carrying reply types, matched by an exhaustive switch
// without a `default:` branch; continue types inferred as literals.
describe("exhaustive switch over string requests", () => {
  type CounterCall = GenServer.Request<"get", number> | GenServer.Request<"name", string>;
  it("needs no default branch, and keeps the reply types", () => {
    const Counter = GenServer.define({
      init: () => ok(0),
      handleCall(request: CounterCall, _from, n) {
        switch (request) {
          case "get":
            return reply(n, n);
          case "name":
            return reply("counter", n);
        }
      },
    });
    const counter = GenServer.named(Counter, "counter");
    expectTypeOf(GenServer.call(counter, "get")).resolves.toEqualTypeOf<number>();
    expectTypeOf(GenServer.call(counter, "name")).resolves.toEqualTypeOf<string>();
    // @ts-expect-error: not a request of Counter
    void GenServer.call(counter, "reset");
  });

  it("still checks the reply types", () => {
    GenServer.define({
      init: () => ok(0),
      // @ts-expect-error: a boolean is no reply of CounterCall
      handleCall(request: CounterCall, _from, n) {
        switch (request) {
          case "get":
            return reply(true, n);
          case "name":
            return reply("counter", n);
        }
      },
    });
  });

  it("allows undefined only for primitive requests carrying a reply type", () => {
    expectTypeOf<GenServer.UnmatchedCall<CounterCall>>().toEqualTypeOf<undefined>();
    expectTypeOf<GenServer.UnmatchedCall<"get" | "name">>().toBeNever();
    expectTypeOf<GenServer.UnmatchedCall<StackCall>>().toBeNever();
    GenServer.define({
      init: () => ok(0),
      // @ts-expect-error: object requests are matched exhaustively on their type property
      handleCall(request: StackCall, _from, n) {
        if (request.type === "size") return reply(n, n);
        return undefined;
      },
    });
  });
});

describe("continue types", () => {
  it("ok, reply and noreply infer the continue argument as a literal", () => {
    expectTypeOf(ok(0, { continue: "load" })).toEqualTypeOf<
      GenServer.Result.OkResult<number, "load">
    >();
    expectTypeOf(reply(1, 0, { continue: 2 })).toEqualTypeOf<
      GenServer.Result.ReplyResult<number, number, 2>
    >();
    expectTypeOf(noreply(0, { continue: { step: "save" } })).toEqualTypeOf<
      GenServer.Result.NoReplyResult<number, { step: string }>
    >();
    expectTypeOf(ok(0, { timeout: 10 })).toEqualTypeOf<GenServer.Result.OkResult<number, never>>();
  });
});
