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
  type Inbound,
  type LogReport,
  type Pid,
  type Ref,
  type Runtime,
  type Signal,
  type Transport,
} from "@trellis/core";

/** @internal */
export class RuntimePort {
  /** The receiving end of each peer's connection, as `Runtime.connect` handed it out. */
  private readonly inbound = new Map<string, Inbound>();

  constructor(readonly rt: Runtime) {}

  get node(): string {
    return this.rt.node;
  }

  get creation(): number {
    return this.rt.creation;
  }

  attach(peer: string, transport: Transport): void {
    this.inbound.set(peer, this.rt.connect(peer, transport));
  }

  /** Drops the peer: core fires `noconnection` and calls the transport's `close`. */
  detach(peer: string): void {
    this.inbound.delete(peer);
    this.rt.disconnect(peer);
  }

  /** Routes signals for unconnected nodes to `connector` (auto-connect), or stops doing so. */
  onMissingNode(connector: ((node: string) => Transport | undefined) | undefined): void {
    this.rt.setConnector(connector);
  }

  connected(peer: string): boolean {
    return this.rt.nodes().includes(peer);
  }

  /** Hands a signal from `peer` to the runtime, through that connection's inbound end. */
  signal(peer: string, signal: Signal): void {
    this.inbound.get(peer)?.receive(signal);
  }

  whereis(name: string): Pid | undefined {
    return this.rt.whereis(name);
  }

  /**
   * A call request from a caller on another node. Its `From` carries no pending call: core
   * routes the server's reply back as a `"reply"` signal by the call's reference, and the
   * peer link turns it into the reply message Erlang's caller waits for.
   */
  callRequest(caller: Pid, ref: Ref, request: unknown): CallRequest {
    return new CallRequest(new From(caller, ref), request);
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
