// A small behaviour of our own, built on @trellis/core's special-process toolkit only:
// a "request server" that keeps a state and answers requests with a pure function.
// docs/guides/custom-behaviours.md walks through this file.

// #region definition
import {
  call,
  cast,
  type Dest,
  isCallRequest,
  isCastRequest,
  logReport,
  type Pid,
  type ProcessName,
  reply,
  startSpecial,
} from "@trellis/core";

/** What a request server does, given once. */
export interface RequestServer<Arg, State, Req, Res> {
  /** Builds the first state. Throwing makes the start fail. */
  init(arg: Arg): State | Promise<State>;
  /** Answers one request: the reply and the next state. */
  handle(request: Req, state: State): [Res, State];
}

/** Defines a request server (the types flow from the callbacks). */
export function define<Arg, State, Req, Res>(
  callbacks: RequestServer<Arg, State, Req, Res>,
): RequestServer<Arg, State, Req, Res> {
  return callbacks;
}
// #endregion definition

// #region start
/** Starts a request server linked to the caller. */
export async function startLink<Arg, State, Req, Res>(
  server: RequestServer<Arg, State, Req, Res>,
  arg: Arg,
  options: { name?: ProcessName; timeout?: number } = {},
): Promise<Pid> {
  const started = await startSpecial(
    async () => {
      let state: State = await server.init(arg);
      return {
        type: "ok",
        process: {
          handleMessage(msg) {
            if (isCallRequest(msg)) {
              const [answer, next] = server.handle(msg.request as Req, state);
              state = next;
              reply(msg.from, answer);
            } else if (isCastRequest(msg)) {
              state = server.handle(msg.request as Req, state)[1];
            } else {
              logReport({
                kind: "warning",
                message: `RequestServer: unexpected message ${String(msg)}`,
              });
            }
          },
          getState: () => state,
          replaceState: (fn) => {
            state = fn(state) as State;
            return state;
          },
        },
      };
    },
    { link: true, behaviour: "RequestServer", ...options },
  );
  if (started === "ignore") throw new Error("a request server never ignores its start");
  return started;
}
// #endregion start

// #region client
/** Sends a request and waits for the answer (default timeout 5000 ms). */
export function request<Res>(server: Dest, req: unknown, timeout = 5000): Promise<Res> {
  return call<Res>(server, req, { timeout, module: "RequestServer", function: "request" });
}

/** Sends a request without waiting; the answer is dropped. */
export function notify(server: Dest, req: unknown): void {
  cast(server, req);
}
// #endregion client
