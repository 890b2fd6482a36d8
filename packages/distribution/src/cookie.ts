/**
 * The magic cookie: read like Erlang does, never defaulted.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { BadArgumentError } from "@trellis/core";

/**
 * Reads the cookie from `~/.erlang.cookie` (the first line, trimmed), as `erl` does when
 * no `-setcookie` is given.
 *
 * @param home - the home directory. Default: the current user's
 * @returns the cookie
 * @throws {BadArgumentError} if the file is missing or empty
 * @example
 * ```ts
 * import { readErlangCookie } from "@trellis/distribution";
 * const cookie = readErlangCookie();
 * ```
 * @since 0.1.0
 * @category Nodes
 */
export function readErlangCookie(home: string = homedir()): string {
  const file = join(home, ".erlang.cookie");
  let text: string;
  try {
    text = readFileSync(file, "latin1");
  } catch {
    throw new BadArgumentError(
      `no cookie given and ${file} cannot be read: pass { cookie } or create the file (as Erlang does)`,
    );
  }
  const cookie = text.split(/\r?\n/)[0]?.trim() ?? "";
  if (cookie.length === 0) throw new BadArgumentError(`${file} is empty: it must hold the cookie`);
  return cookie;
}

/** @internal `md5(Cookie ++ integer_to_list(Challenge))`, as `dist_util:gen_digest/2`. */
export function digest(challenge: number, cookie: string): Buffer {
  return createHash("md5")
    .update(Buffer.from(cookie, "latin1"))
    .update(String(challenge >>> 0))
    .digest();
}
