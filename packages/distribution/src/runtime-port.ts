/**
 * The one place where the distribution layer touches core's node seam: attaching and
 * detaching a peer, handing in signals, looking names up, and making the `From` of a call
 * that arrived from another node. If core restricts who may call `connect` or
 * `receiveSignal`, only this adapter changes.
 *
 * @internal
 * @module
 */
import {
  CallRequest,
  CastRequest,
  From,
  type LogReport,
  type Pid,
  type Ref,
  type Runtime,
  type Signal,
  type Transport,
} from "@trellis/core";

/** @internal */
export class RuntimePort {
  constructor(readonly rt: Runtime) {}

  get node(): string {
    return this.rt.node;
  }

  get creation(): number {
    return this.rt.creation;
  }

  attach(peer: string, transport: Transport): void {
    this.rt.connect(peer, transport);
  }

  /** Drops the peer: core fires `noconnection` and calls the transport's `close`. */
  detach(peer: string): void {
    this.rt.disconnect(peer);
  }

  /** Routes signals for unconnected nodes to `connector` (auto-connect), or stops doing so. */
  onMissingNode(connector: ((node: string) => Transport | undefined) | undefined): void {
    this.rt.setConnector(connector);
  }

  connected(peer: string): boolean {
    return this.rt.nodes().includes(peer);
  }

  signal(signal: Signal): void {
    this.rt.receiveSignal(signal);
  }

  whereis(name: string): Pid | undefined {
    return this.rt.whereis(name);
  }

  /** A call request whose reply goes back over the wire through `answer`. */
  callRequest(
    caller: Pid,
    ref: Ref,
    request: unknown,
    answer: (value: unknown) => void,
  ): CallRequest {
    // From's constructor is internal to core: the distribution layer is its one other user.
    return new CallRequest(new From(caller, ref, this.rt, { answer }), request);
  }

  castRequest(request: unknown): CastRequest {
    return new CastRequest(request);
  }

  log(report: LogReport): void {
    try {
      this.rt.logger.log(report);
    } catch {
      // a logger must not take the connection down
    }
  }
}
