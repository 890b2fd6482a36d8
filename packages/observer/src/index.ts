/**
 * # @trellis/observer
 *
 * A live web page for a running Trellis system, Erlang's `observer` (and Phoenix
 * LiveDashboard) for Node.js: supervision trees (collapsible; a restart flashes), a process
 * table sortable and filterable by name, behaviour, mailbox length, memory and reductions, a
 * page per process (links, monitors, dictionary, state through `Sys.getStatus` cut at 10 000
 * characters, the first queued messages), ETS tables and Registries with their rows, charts
 * of messages per second and scheduler (event-loop) latency, and actions (kill, exit with a
 * reason, suspend, resume) behind a confirmation.
 *
 * ```ts
 * import * as Observer from "@trellis/observer";
 * const observer = await Observer.start({ port: 4040 });
 * // Trellis observer: http://127.0.0.1:4040/?token=3f1c…
 * ```
 *
 * Security: it listens on 127.0.0.1 unless told otherwise, refuses requests whose Host header
 * is not its own address (DNS rebinding), and answers only with the random access token in
 * the URL it prints. Cost: nothing while no page is open; with a page open, one scan of the
 * process table per second (spaced out further when the scan is slow), shared by all pages.
 *
 * The page is hand-written ES modules (`ui/`) on Preact and htm, served from this
 * package's own dependencies: no build step, no CDN.
 *
 * @packageDocumentation
 */
export { type Observer, type ObserverOptions, start } from "./observer.js";
