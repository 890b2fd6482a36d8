// Type tests: a manager declares its event type; notify, syncNotify and addHandler are
// checked against it; handler definitions carry their argument, request and reply types.
import type { Pid } from "@trellis/core";
import * as GenEvent from "@trellis/gen-event";
import { describe, expectTypeOf, it } from "vitest";

const { ok, reply, removeHandler, swapHandler, error } = GenEvent.Result;

type Login = { type: "login"; user: string };
type Logout = { type: "logout"; user: string };
type AppEvent = Login | Logout;

const Audit = GenEvent.defineHandler({
  init: (path: string) => ok({ path, lines: [] as string[] }),
  handleEvent: (event: AppEvent, s) =>
    ok({ ...s, lines: [...s.lines, `${event.type} ${event.user}`] }),
  handleCall: (request: "lines" | "count", s) =>
    request === "lines" ? reply(s.lines, s) : reply(s.lines.length, s),
});

const LoginsOnly = GenEvent.defineHandler({
  init: () => ok(0),
  handleEvent: (_event: Login, n) => ok(n + 1),
});

const Anything = GenEvent.defineHandler({
  init: () => ok(null),
  handleEvent: (_event: unknown, s) => ok(s),
});

declare const events: GenEvent.Manager<AppEvent>;
declare const untyped: Pid;

describe("defineHandler", () => {
  it("infers the event, argument, request and reply types", () => {
    expectTypeOf(Audit).toEqualTypeOf<
      GenEvent.Handler<AppEvent, string, "lines" | "count", string[] | number>
    >();
    expectTypeOf(LoginsOnly).toEqualTypeOf<GenEvent.Handler<Login, unknown, never, never>>();
  });

  it("types the state of every callback from init", () => {
    GenEvent.defineHandler({
      init: () => ok({ count: 0 }),
      handleEvent: (_e: string, s) => {
        expectTypeOf(s).toEqualTypeOf<{ count: number }>();
        return ok({ count: s.count + 1 });
      },
      handleInfo: (_msg, s) => {
        expectTypeOf(s).toEqualTypeOf<{ count: number }>();
        return removeHandler();
      },
      terminate: (reason, s) => {
        expectTypeOf(reason).toEqualTypeOf<GenEvent.TerminateReason>();
        expectTypeOf(s).toEqualTypeOf<{ count: number }>();
      },
    });
  });

  it("rejects results of the wrong state type or shape", () => {
    GenEvent.defineHandler({
      init: () => ok(0),
      // @ts-expect-error the state is a number
      handleEvent: (_e: string, _n) => ok("not a number"),
    });
    GenEvent.defineHandler({
      init: () => ok(0),
      // @ts-expect-error handleCall must reply
      handleCall: (_r: "x", n) => ok(n),
    });
    GenEvent.defineHandler({
      // @ts-expect-error init returns a result, not a bare state
      init: () => 0,
    });
    GenEvent.defineHandler({
      init: () => error("never installed"),
    });
  });
});

describe("typed managers", () => {
  it("start declares the event type", async () => {
    expectTypeOf(await GenEvent.start<AppEvent>()).toEqualTypeOf<GenEvent.Manager<AppEvent>>();
    expectTypeOf(await GenEvent.startLink()).toEqualTypeOf<GenEvent.Manager<unknown>>();
    expectTypeOf(GenEvent.named<AppEvent>("events")).toEqualTypeOf<GenEvent.ManagerRef<AppEvent>>();
    expectTypeOf<GenEvent.EventOf<typeof events>>().toEqualTypeOf<AppEvent>();
    // a typed handle is a pid
    expectTypeOf(events).toExtend<Pid>();
  });

  it("notify and syncNotify accept only the manager's events", () => {
    GenEvent.notify(events, { type: "login", user: "ann" });
    void GenEvent.syncNotify(events, { type: "logout", user: "ann" });
    // @ts-expect-error not an AppEvent
    GenEvent.notify(events, { type: "reboot" });
    // @ts-expect-error not an AppEvent
    void GenEvent.syncNotify(events, "login");
    GenEvent.notify(GenEvent.named<AppEvent>("events"), { type: "login", user: "bob" });
    // @ts-expect-error not an AppEvent
    GenEvent.notify(GenEvent.named<AppEvent>("events"), 42);
  });

  it("untyped pids and names accept any event", () => {
    GenEvent.notify(untyped, "anything");
    GenEvent.notify("events", { whatever: true });
    void GenEvent.syncNotify(untyped, 42);
  });

  it("addHandler accepts only handlers that handle every event of the manager", () => {
    void GenEvent.addHandler(events, Audit, "audit.log");
    void GenEvent.addHandler(events, { handler: Audit, id: 2 }, "audit-2.log");
    void GenEvent.addHandler(events, Anything);
    // @ts-expect-error LoginsOnly does not handle Logout
    void GenEvent.addHandler(events, LoginsOnly);
    // @ts-expect-error same, with an id
    void GenEvent.addSupHandler(events, { handler: LoginsOnly, id: 1 });
    // an untyped manager takes any handler
    void GenEvent.addHandler(untyped, LoginsOnly);
    // a manager of unknown events takes only handlers that accept anything
    const anyEvents = GenEvent.named<unknown>("any");
    void GenEvent.addHandler(anyEvents, Anything);
    // @ts-expect-error Audit handles AppEvent only
    void GenEvent.addHandler(anyEvents, Audit, "x");
    void GenEvent.addHandler("events", Audit, "x");
  });

  it("addHandler checks init's argument", () => {
    // @ts-expect-error init takes a string
    void GenEvent.addHandler(events, Audit, 42);
    // @ts-expect-error init takes a string: it is required
    void GenEvent.addHandler(events, Audit);
    // init takes nothing: the argument may be left out
    void GenEvent.addHandler(events, Anything);
    void GenEvent.addSupHandler(events, Audit, "audit.log");
  });

  it("swapHandler checks the new handler against the manager and SwapInit", () => {
    const Next = GenEvent.defineHandler({
      init: ({ args, result }: GenEvent.SwapInit<number>) => ok({ limit: args, carried: result }),
      handleEvent: (_e: AppEvent, s) => ok(s),
    });
    void GenEvent.swapHandler(events, Audit, Next, { initArgs: 10, terminateArgs: "bye" });
    // @ts-expect-error initArgs must be a number
    void GenEvent.swapHandler(events, Audit, Next, { initArgs: "ten" });
    // @ts-expect-error LoginsOnly does not handle every event, nor take a SwapInit
    void GenEvent.swapSupHandler(events, Audit, LoginsOnly);
  });
});

describe("call", () => {
  it("accepts the handler's requests and infers the reply", async () => {
    expectTypeOf(await GenEvent.call(events, Audit, "lines")).toEqualTypeOf<string[] | number>();
    expectTypeOf(
      await GenEvent.call(untyped, { handler: Audit, id: 1 }, "count", 100),
    ).toEqualTypeOf<string[] | number>();
    // @ts-expect-error not a request of Audit
    await GenEvent.call(events, Audit, "reset");
    // @ts-expect-error LoginsOnly takes no calls
    await GenEvent.call(events, LoginsOnly, "anything");
  });

  it("deleteHandler and whichHandlers", async () => {
    expectTypeOf(await GenEvent.deleteHandler(events, Audit, "bye")).toEqualTypeOf<unknown>();
    expectTypeOf(await GenEvent.whichHandlers(events)).toEqualTypeOf<GenEvent.AnyHandlerId[]>();
  });
});

describe("results", () => {
  it("constructors build the tagged objects", () => {
    expectTypeOf(ok(1)).toEqualTypeOf<GenEvent.OkResult<number>>();
    expectTypeOf(reply("r", 1)).toEqualTypeOf<GenEvent.ReplyResult<number, string>>();
    expectTypeOf(removeHandler()).toEqualTypeOf<GenEvent.RemoveHandlerResult<undefined>>();
    expectTypeOf(removeHandler(3)).toEqualTypeOf<GenEvent.RemoveHandlerResult<number>>();
    expectTypeOf(swapHandler(1, Anything)).toEqualTypeOf<
      GenEvent.SwapHandlerResult<number, undefined>
    >();
  });

  it("HandlerExit is a class with a type guard", () => {
    const msg: unknown = null;
    if (GenEvent.isHandlerExit(msg)) {
      expectTypeOf(msg.handler).toEqualTypeOf<GenEvent.AnyHandlerId>();
      expectTypeOf(msg.manager).toEqualTypeOf<Pid>();
      expectTypeOf(msg.type).toEqualTypeOf<"gen_event_EXIT">();
    }
  });
});
