/**
 * What keeps Node's event loop open while applications run: one ref'd interval, created
 * when the first application starts and cleared when the last one has stopped, so that an
 * idle service does not exit by itself and a stopped one does not linger. User code needs no
 * timer of its own.
 */

/** The longest delay Node accepts; the callback never does anything anyway. */
const FOREVER = 2 ** 31 - 1;

export class KeepAlive {
  private handle: ReturnType<typeof setInterval> | undefined;

  /** Whether the event loop is held open. */
  get held(): boolean {
    return this.handle !== undefined;
  }

  /** Holds the event loop open (`true`) or lets it go (`false`). */
  set(active: boolean): void {
    if (active && this.handle === undefined) {
      this.handle = setInterval(() => {}, FOREVER);
    } else if (!active && this.handle !== undefined) {
      clearInterval(this.handle);
      this.handle = undefined;
    }
  }
}
