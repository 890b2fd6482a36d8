// The work: a GenServer that hashes a password-like input many times (CPU-bound). It is
// defined in a module of its own so that worker nodes can load it by name.
import { createHash } from "node:crypto";
import { self } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";

/** A hashing request, and its reply: the digest and the node that computed it. */
export type HashCall = GenServer.Request<
  { readonly data: string; readonly rounds: number },
  { readonly digest: string; readonly node: string }
>;

/** SHA-256 applied `rounds` times. */
export function stretch(data: string, rounds: number): string {
  let h = data;
  for (let i = 0; i < rounds; i++) h = createHash("sha256").update(h).digest("hex");
  return h;
}

/** The hashing server: stateless, one request at a time. */
export const Hasher: GenServer.Definition<
  undefined,
  GenServer.Result.OkResult<null>,
  HashCall,
  never
> = GenServer.define({
  init: () => GenServer.Result.ok(null),
  handleCall: (request: HashCall, _from, state) =>
    GenServer.Result.reply(
      { digest: stretch(request.data, request.rounds), node: self().node },
      state,
    ),
});
