// A sensor feed through a GenStage pipeline: readings come from an async generator (as they
// would from a socket), a producer-consumer keeps the ones over a threshold as alerts, and a
// ConsumerSupervisor starts one notifier process per alert, at most `maxNotifiers` at once.
// Nothing is read from the feed faster than the notifiers get through the alerts.
import { type Pid, send, sleep, spawnLink } from "@trellis/core";
import * as GenStage from "@trellis/gen-stage";

export interface Reading {
  readonly sensor: string;
  readonly value: number;
}

export interface Alert {
  readonly sensor: string;
  readonly value: number;
}

/** What the feed tells the observer. */
export type Progress =
  | { readonly type: "read"; readonly count: number }
  | { readonly type: "notified"; readonly alert: Alert; readonly running: number };

/** Whether a message is one of the feed's {@link Progress} messages. */
export function isProgress(message: unknown): message is Progress {
  const type = (message as { type?: unknown } | null)?.type;
  return type === "read" || type === "notified";
}

/** An endless feed of readings; reports to `observer` how many it has produced so far. */
export async function* sensorFeed(observer: Pid, limit: number): AsyncGenerator<Reading> {
  for (let i = 0; i < limit; i++) {
    send(observer, { type: "read", count: i + 1 } satisfies Progress);
    yield { sensor: `s${i % 3}`, value: (i * 37) % 100 };
  }
}

const { producerConsumer, noreply } = GenStage.Result;

/** Keeps the readings at or over `threshold`. */
export const Alerts: GenStage.Definition<
  { readonly readings: Pid; readonly threshold: number },
  GenStage.Result.ProducerConsumerInit<number>,
  Reading,
  Alert
> = GenStage.define({
  init: (arg: { readonly readings: Pid; readonly threshold: number }) =>
    producerConsumer(arg.threshold, { subscribeTo: [{ to: arg.readings, maxDemand: 20 }] }),
  handleEvents: (readings: Reading[], _from, threshold) =>
    noreply(
      readings.filter((r) => r.value >= threshold),
      threshold,
    ),
});

/** Starts the pipeline; every notifier reports to `observer` once it has "sent" its alert. */
export async function startPipeline(options: {
  readonly observer: Pid;
  readonly readings: number;
  readonly threshold: number;
  readonly maxNotifiers: number;
  readonly notifyMs: number;
}): Promise<{ readonly source: Pid; readonly alerts: Pid; readonly notifiers: Pid }> {
  const { observer, maxNotifiers, notifyMs } = options;
  const source = await GenStage.fromIterable(sensorFeed(observer, options.readings), {
    link: true,
  });
  const alerts = await GenStage.startLink(Alerts, {
    readings: source,
    threshold: options.threshold,
  });
  let running = 0;
  const notifiers = await GenStage.startConsumerSupervisor(
    {
      id: "notifier",
      start: async (alert: Alert) =>
        spawnLink(async () => {
          running++;
          await sleep(notifyMs); // the slow part: talking to a pager, an e-mail service…
          send(observer, { type: "notified", alert, running } satisfies Progress);
          running--;
        }),
    },
    // transient: when the feed ends, the running notifiers still finish their alerts (a
    // permanent subscription would stop the supervisor, and its children, at once)
    { subscribeTo: [{ to: alerts, maxDemand: maxNotifiers, minDemand: 0, cancel: "transient" }] },
  );
  return { source, alerts, notifiers };
}
