// Test applications: supervision trees of small workers that write what happens to them into
// a shared journal, so that tests can check the order of starts and stops.
import { ExitError, receive, sleep, startSpecial, trapExit } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import * as Application from "../src/index.js";

/** A worker that journals its start and its stop; on "crash" it throws. */
export function worker(
  journal: string[],
  id: string,
  options: { readonly stopAfter?: number; readonly shutdown?: number } = {},
): Supervisor.ChildSpec {
  return {
    id,
    ...(options.shutdown === undefined ? {} : { shutdown: options.shutdown }),
    start: () =>
      startSpecial(
        () => {
          trapExit(true);
          journal.push(`start ${id}`);
          return {
            type: "ok",
            process: {
              handleMessage(msg) {
                if (msg === "crash") throw new Error(`${id} crashed`);
              },
              async handleParentExit(reason) {
                journal.push(`stopping ${id}`);
                if (options.stopAfter === Number.POSITIVE_INFINITY) await receive(() => false);
                if (options.stopAfter !== undefined) await sleep(options.stopAfter);
                journal.push(`stopped ${id}`);
                throw new ExitError(reason);
              },
            },
          };
        },
        { link: true, behaviour: "TestWorker", name: id },
      ),
  };
}

export interface TestAppOptions {
  readonly dependencies?: readonly (Application.AnyApplication | string)[];
  readonly children?: readonly Supervisor.ChildSpec[];
  readonly maxRestarts?: number;
}

/**
 * An application whose tree is one worker named `${name}.worker` (or `children`), with
 * prepStop and stop journalled.
 */
export function testApp(
  journal: string[],
  name: string,
  options: TestAppOptions = {},
): Application.Application<Record<string, never>, string> {
  return Application.define({
    name,
    dependencies: options.dependencies ?? [],
    start: async ({ type }) => {
      journal.push(`start app ${name} (${type})`);
      const pid = await Supervisor.startLink(
        options.children ?? [worker(journal, `${name}.worker`)],
        {
          strategy: "one_for_one",
          maxRestarts: options.maxRestarts ?? 3,
        },
      );
      return { pid, state: `state of ${name}` };
    },
    prepStop: (state) => {
      journal.push(`prepStop ${name} (${state})`);
      return `${state}, prepared`;
    },
    stop: (state) => {
      journal.push(`stop ${name} (${state})`);
    },
  });
}
