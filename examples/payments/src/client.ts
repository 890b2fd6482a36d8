// A small JSON client for the service's HTTP API, counting what it sent and what was
// answered (the demo checks that every request got an answer).

/** A JSON object as the API answers it. */
export type Json = { readonly [key: string]: unknown };

/** One answer. */
export interface Reply {
  readonly status: number;
  readonly body: Json;
  readonly headers: Headers;
}

export class Client {
  readonly base: string;
  /** Requests sent. */
  sent = 0;
  /** Requests answered with a status (any status). */
  answered = 0;
  /** Requests that got no answer at all (connection errors), with the error. */
  readonly unanswered: string[] = [];

  constructor(base: string) {
    this.base = base;
  }

  async request(method: string, path: string, body?: unknown): Promise<Reply> {
    this.sent++;
    try {
      const res = await fetch(this.base + path, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      });
      const parsed = JSON.parse(await res.text()) as Json;
      this.answered++;
      return { status: res.status, body: parsed, headers: res.headers };
    } catch (e) {
      this.unanswered.push(`${method} ${path}: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }

  get(path: string): Promise<Reply> {
    return this.request("GET", path);
  }

  post(path: string, body?: unknown): Promise<Reply> {
    return this.request("POST", path, body ?? {});
  }
}
