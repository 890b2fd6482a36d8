// The running example of docs/guides/gen-stage.md: an access log read with back-pressure.
// The file is read only as fast as the pipeline parses it; test/log-pipeline.test.ts runs it.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Pid } from "@trellis/core";
import * as GenStage from "@trellis/gen-stage";

// #region parse
/** One request of the log: `GET /path 200 12ms`. */
export interface Request {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
}

const { producerConsumer, noreply } = GenStage.Result;

/** Parses lines into requests; lines that do not parse are dropped. */
export const Parse: GenStage.Definition<
  Pid,
  GenStage.Result.ProducerConsumerInit<null>,
  string,
  Request
> = GenStage.define({
  init: (lines: Pid) =>
    producerConsumer(null, { subscribeTo: [{ to: lines, maxDemand: 100, minDemand: 50 }] }),
  handleEvents(lines: string[], _from, state) {
    const requests: Request[] = [];
    for (const line of lines) {
      const m = /^(\w+) (\S+) (\d{3}) (\d+)ms$/.exec(line.trim());
      if (m !== null) {
        requests.push({
          method: m[1] ?? "",
          path: m[2] ?? "",
          status: Number(m[3]),
          ms: Number(m[4]),
        });
      }
    }
    return noreply(requests, state);
  },
});
// #endregion parse

// #region run
/** Reads the log at `path` and counts its requests by status. */
export async function statusCounts(path: string): Promise<Map<number, number>> {
  const lines = createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  // A producer that pulls a line only when the parser asks for one. When the file ends it
  // stops "normal", and so does the parser (its subscription is permanent), which ends the
  // loop below.
  const source = await GenStage.fromIterable(lines, { link: true });
  const parser = await GenStage.startLink(Parse, source);
  const counts = new Map<number, number>();
  for await (const request of GenStage.stream([{ to: parser, maxDemand: 100 }])) {
    counts.set(request.status, (counts.get(request.status) ?? 0) + 1);
  }
  return counts;
}
// #endregion run
