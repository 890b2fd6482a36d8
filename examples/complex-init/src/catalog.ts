// A server whose start is a sequence of steps: connect, load, warm up.
//
// `init` only checks the settings and returns at once with `{ continue: "connect" }`, so
// whoever starts the server (a supervisor, usually) is not held up by slow setup. Each step
// then runs in `handleContinue` and chains to the next one. Continues run before any message,
// so a call made right after the start waits until every step is done: no client ever sees
// a half-initialised catalog.
//
// Failures differ by where they happen:
// - in `init` (bad settings): the start itself fails, with an `InitError`;
// - in a step: the server has already started, so it crashes like any running server, and
//   a supervisor restarts it, which runs `init` and every step again from the beginning.
import * as GenServer from "@trellis/gen-server";

type Awaitable<T> = T | Promise<T>;

/** What the catalog needs to start: settings and the three steps. */
export interface Setup {
  /** Where to connect; must not be empty. */
  readonly url: string;
  readonly connect: (url: string) => Awaitable<string>;
  readonly load: (connection: string) => Awaitable<readonly string[]>;
  readonly warmUp: (items: readonly string[]) => Awaitable<void>;
}

type Step = "connect" | "load" | "warm_up";

/** Where the start has got to. */
export type Phase = "connecting" | "loading" | "warming_up" | "ready";

interface State {
  readonly setup: Setup;
  readonly phase: Phase;
  readonly connection: string | undefined;
  readonly items: readonly string[];
}

/** What `status` answers. */
export interface Status {
  readonly phase: Phase;
  readonly connection: string | undefined;
  readonly items: readonly string[];
}

type CatalogCall = GenServer.Request<{ type: "status" }, Status>;

const { ok, error, reply, noreply } = GenServer.Result;

const Catalog = GenServer.define({
  init: (setup: Setup) => {
    if (setup.url === "") return error(new Error("Catalog: no url configured"));
    const state: State = { setup, phase: "connecting", connection: undefined, items: [] };
    return ok(state, { continue: "connect" as Step });
  },

  async handleContinue(step: Step, state) {
    switch (step) {
      case "connect": {
        const connection = await state.setup.connect(state.setup.url);
        return noreply(
          { ...state, connection, phase: "loading" as Phase },
          { continue: "load" as Step },
        );
      }
      case "load": {
        const items = await state.setup.load(state.connection ?? "");
        return noreply(
          { ...state, items, phase: "warming_up" as Phase },
          { continue: "warm_up" as Step },
        );
      }
      case "warm_up":
        await state.setup.warmUp(state.items);
        return noreply({ ...state, phase: "ready" as Phase });
    }
  },

  handleCall(_call: CatalogCall, _from, state) {
    const { phase, connection, items } = state;
    return reply({ phase, connection, items }, state);
  },
});

/** A running catalog. */
export type CatalogServer = GenServer.Server<CatalogCall, never>;

/** Starts a catalog linked to the caller; rejects with `InitError` on bad settings. */
export function startLink(setup: Setup): Promise<CatalogServer> {
  return GenServer.startLink(Catalog, setup);
}

/** Starts a catalog with no link (to watch it crash from outside). */
export function start(setup: Setup): Promise<CatalogServer> {
  return GenServer.start(Catalog, setup);
}

/** The child spec that starts (and restarts) a catalog named `name`. */
export function childSpec(setup: Setup, name: string): GenServer.ChildSpec {
  return GenServer.childSpec(Catalog, setup, { id: name, name });
}

/** The catalog's status; waits until the start's steps are done. */
export function status(catalog: CatalogServer | string): Promise<Status> {
  return GenServer.call(typeof catalog === "string" ? GenServer.named(Catalog, catalog) : catalog, {
    type: "status",
  });
}
