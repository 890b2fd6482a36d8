// The guide's Hasher (docs/guides/multi-core.md): worker nodes load it by URL.
import { createHash } from "node:crypto";
import { self } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";

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

export const Hasher: GenServer.Definition<
  null,
  GenServer.Result.OkResult<null>,
  HashCall
> = GenServer.define({
  init: () => GenServer.Result.ok(null),
  handleCall: (request: HashCall, _from, state) =>
    GenServer.Result.reply(
      { digest: stretch(request.data, request.rounds), node: self().node },
      state,
    ),
});
