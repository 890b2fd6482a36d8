/**
 * # @trellis/core
 *
 * The process runtime that every Trellis behaviour stands on.
 *
 * @packageDocumentation
 */
export { isInstanceOf } from "./brand.js";
export {
  type ChildSpec,
  type ChildStartResult,
  checkChildOptions,
  type RestartType,
  type Shutdown,
} from "./child-spec.js";
export {
  type Clock,
  type ClockHost,
  RealClock,
  VirtualClock,
  type VirtualClockOptions,
} from "./clock.js";
export {
  type ConsoleLoggerOptions,
  consoleLogger,
  type FormatReportOptions,
  formatReport,
  isSaslReport,
  type LogLevel,
  levelOf,
} from "./console-logger.js";
export {
  AlreadyStartedError,
  BadArgumentError,
  CallError,
  CallingSelfError,
  type CallOperation,
  CallTimeoutError,
  type ErrorCode,
  ExitError,
  exitReasonOf,
  formatReason,
  InitError,
  NoProcessError,
  NotInProcessError,
  ProcessExitedError,
  TrellisError,
} from "./errors.js";
export { processes, processInfo } from "./introspection.js";
export { logReport, wouldLog } from "./log.js";
export {
  CancelTimerMessage,
  DownMessage,
  downFor,
  ExitMessage,
  type ExitReason,
  exitFrom,
  isCancelTimer,
  isDown,
  isExit,
  isQuietReason,
  isShutdownReason,
  isTimeout,
  type RegisteredName,
  type ShutdownWith,
  TimeoutMessage,
} from "./messages.js";
export { type Connection, connectInMemory } from "./node.js";
export { Pid, Ref } from "./pid.js";
export {
  abortSignal,
  type CancelTimerOptions,
  cancelTimer,
  currentRuntime,
  type DemonitorOptions,
  demonitor,
  exit,
  getProcessData,
  inProcess,
  isAlive,
  link,
  makeRef,
  monitor,
  putProcessData,
  type ReceiveOptions,
  readTimer,
  receive,
  register,
  registered,
  self,
  send,
  sendAfter,
  sendInterval,
  sleep,
  spawn,
  spawnLink,
  spawnMonitor,
  startTimer,
  type TimerOptions,
  trapExit,
  unlink,
  unregister,
  via,
  whereis,
  yieldProcess,
} from "./process.js";
export {
  createRuntime,
  type Dest,
  defaultRuntime,
  type Inbound,
  type Logger,
  type LogReport,
  type NameRegistry,
  type ProcessInfo,
  type ProcessName,
  type RemoteName,
  Runtime,
  type RuntimeOptions,
  type Signal,
  setDefaultRuntime,
  TIMEOUT,
  type Transport,
  type ViaName,
} from "./runtime.js";
export {
  addExitHook,
  type CallOptions,
  CallRequest,
  CastRequest,
  call,
  cast,
  From,
  type InitResult,
  isCallRequest,
  isCastRequest,
  isProcessName,
  isSystemRequest,
  type OperationName,
  type ProcessStatus,
  parentOf,
  reply,
  request,
  type SpecialProcess,
  type StartSpecialOptions,
  Sys,
  type SystemCommand,
  SystemRequest,
  setMessageHandler,
  startSpecial,
} from "./special.js";
export {
  type EventName,
  type HandlerInfo,
  type Measurements,
  type Metadata,
  type TelemetryHandler,
  TelemetryHub,
} from "./telemetry.js";
export { Telemetry, type TelemetryOptions } from "./telemetry-api.js";
export {
  assertTerm,
  compare,
  equals,
  hash,
  isTerm,
  looseEquals,
  type Term,
  TermMap,
} from "./terms.js";
export { onUncaughtError, type UncaughtOrigin } from "./uncaught.js";
