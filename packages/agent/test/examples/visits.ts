// The running example of @trellis/agent's module documentation and of docs/guides/agent.md:
// page-visit counts kept in an agent. test/examples.test.ts runs it.

// #region visits
import * as Agent from "@trellis/agent";

/** The agent holding the counts. */
export type Visits = Agent.Agent<ReadonlyMap<string, number>>;

/** Starts the counts, empty, linked to the caller. */
export function startLink(): Promise<Visits> {
  return Agent.startLink<ReadonlyMap<string, number>>(() => new Map());
}

/** Counts a visit to `page`, without waiting. */
export function visit(visits: Visits, page: string): void {
  Agent.cast(visits, (counts) => new Map(counts).set(page, (counts.get(page) ?? 0) + 1));
}

/** The number of visits to `page`. */
export function count(visits: Visits, page: string): Promise<number> {
  return Agent.get(visits, (counts) => counts.get(page) ?? 0);
}

/** Returns the counts and starts again from zero. */
export function reset(visits: Visits): Promise<ReadonlyMap<string, number>> {
  return Agent.getAndUpdate(visits, (counts) => [counts, new Map()]);
}
// #endregion visits
