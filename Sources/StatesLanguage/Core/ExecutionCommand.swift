public import JSON

/// Something that asks an execution to move: start, a task result, a timer, a stop.
///
/// Every non-deterministic input arrives here — the time (`now`) and the
/// entropy that seeds `States.UUID`, `States.MathRandom` and retry jitter — and
/// ``ExecutionState/decide(_:)`` writes what it used into the events.
public struct ExecutionCommand: Sendable {
    /// The time of the command, which becomes the events' timestamp.
    public var now: Timestamp
    /// Seeds the randomness the resulting events need.
    public var entropy: UInt64
    /// Secret bytes (at least 16, from a CSPRNG) that task tokens are derived
    /// from, so that `$$.Task.Token` cannot be guessed from other tokens or from
    /// ``entropy``. The tokens are written into `TaskScheduled`, so replay never
    /// needs the secret. Without one (embedded runs, tests) tokens come from
    /// ``entropy`` and are reproducible, not secret.
    public var tokenSecret: [UInt8]?
    /// What the engine knows about the resources Task states name (which activities
    /// exist), so deciding asks nothing of the world. Default: check nothing.
    public var resources: ResourceCatalog
    public var kind: Kind

    public init(
        now: Timestamp, entropy: UInt64, tokenSecret: [UInt8]? = nil, resources: ResourceCatalog = ResourceCatalog(),
        _ kind: Kind
    ) {
        self.now = now
        self.entropy = entropy
        self.tokenSecret = tokenSecret
        self.resources = resources
        self.kind = kind
    }

    public enum Kind: Sendable {
        /// Start the execution (only in `.notStarted`).
        case start(ExecutionStart)
        /// A worker picked up the task (activity `GetActivityTask`); recorded as `TaskStarted`.
        case taskStarted(taskId: Int, workerName: String?)
        /// The task with this id (its `TaskScheduled` event id) returned `output`.
        case taskSucceeded(taskId: Int, output: JSONValue)
        /// The task failed with an error name and cause.
        case taskFailed(taskId: Int, error: String, cause: String)
        /// A timer the core armed (``ExecutionState/timers``) is due.
        case timerFired(timerId: Int)
        /// The task's worker missed its heartbeat deadline (the engine's, since a
        /// heartbeat is an outside call, not an event): `TaskTimedOut` with
        /// `States.HeartbeatTimeout`, then the state's Retry and Catch, exactly as a
        /// `TimeoutSeconds` timer.
        case taskHeartbeatTimedOut(taskId: Int)
        /// StopExecution: abort with an optional error and cause.
        case stop(error: String?, cause: String?)
        /// RedriveExecution of a state rebuilt from the events before its failure (see
        /// ``ExecutionState/prepareForRedrive(lastHistoryEventId:)``): records
        /// `ExecutionRedriven` with `redriveCount` (this redrive included), arms the
        /// execution-wide timeout afresh (AWS resets it), and enters `reenter` again when
        /// the failure was a state's own (a Fail state, a data-flow error, a Choice without
        /// a match) rather than a task's or a timer's, which stay open and run again.
        case redrive(redriveCount: Int, reenter: ExecutionState.Reentry?)
    }
}

/// Why ``ExecutionState/decide(_:)`` refused a command. A rejection changes
/// nothing; a duplicate (a result for a task already answered, a timer already
/// fired) is a rejection, not a silent success, so callers can tell.
public struct CommandRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        case alreadyStarted
        case notRunning
        case unknownTask
        case unknownTimer
    }

    public var reason: Reason
    public var message: String

    public var description: String { message }
}
