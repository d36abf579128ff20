public import JSON
import Memberwise

/// One event of an execution: the only way an ``ExecutionState`` changes.
///
/// Events map one-to-one onto Step Functions history event types
/// (`PassStateEntered`, `TaskScheduled`, `MapIterationStarted`, …) and carry
/// their details, plus what replay needs and AWS does not show (the frame an
/// event belongs to, a Map iteration's input, a timer's due time). A few kinds
/// exist only in Stepline (``Details/isStepFunctionsEvent`` is `false`): timers,
/// Parallel branch bookkeeping and the events inside a distributed map run.
/// They get no `id` (it is 0) and GetExecutionHistory leaves them out.
///
/// Everything non-deterministic (the time, random values, ids) is already
/// resolved in an event, so `apply` never needs anything else.
@MemberwiseInit(.public)
public struct HistoryEvent: Sendable, Hashable {
    /// The GetExecutionHistory id (1, 2, …); 0 for Stepline-internal events.
    public var id: Int
    /// The id of the event this one follows in its thread of execution.
    public var previousEventId: Int
    /// When the event happened, as given by the command that caused it.
    public var timestamp: Timestamp
    /// The frame (top level = 0, a Map iteration, a Parallel branch) it belongs to.
    public var frame: Int
    public var details: Details

    /// The Step Functions event type name (`PassStateEntered`, `TaskScheduled`, …).
    public var type: String { details.typeName }

    /// What happened, with the details Step Functions reports for that type.
    public enum Details: Sendable, Hashable {
        indirect case executionStarted(ExecutionStart)
        case executionSucceeded(output: JSONValue)
        case executionFailed(error: String?, cause: String?)
        case executionTimedOut(error: String?, cause: String?)
        case executionAborted(error: String?, cause: String?)
        /// `ExecutionRedriven`: RedriveExecution resumed the execution; `redriveCount`
        /// is how many times it has been redriven, this one included.
        case executionRedriven(redriveCount: Int)

        /// `<Type>StateEntered`: `input` is the raw state input.
        case stateEntered(StateType, name: String, input: JSONValue)
        /// `<Type>StateExited`: `output` is the state output, `assignedVariables`
        /// the variables its `Assign` set (applied to the frame's scope).
        case stateExited(StateType, name: String, output: JSONValue, assignedVariables: JSONObject?)

        indirect case taskScheduled(ScheduledTask)
        case taskStarted(taskId: Int, resource: String, workerName: String?)
        case taskSucceeded(taskId: Int, resource: String, output: JSONValue)
        case taskFailed(taskId: Int, resource: String, error: String?, cause: String?)
        case taskTimedOut(taskId: Int, resource: String, error: String?, cause: String?)

        /// `MapStateStarted`; `items` is the item list the iterations read
        /// (Stepline keeps it so replay and redrive need not re-evaluate paths).
        indirect case mapStateStarted(length: Int, items: [JSONValue], maxConcurrency: Int, tolerance: FailureTolerance)
        case mapStateSucceeded
        case mapStateFailed(error: String?, cause: String?)
        case mapStateAborted
        /// `MapIterationStarted`; `input` is the iteration's input after ItemSelector
        /// and `childFrame` the frame it runs in.
        case mapIterationStarted(name: String, index: Int, input: JSONValue, childFrame: Int)
        case mapIterationSucceeded(name: String, index: Int, output: JSONValue)
        case mapIterationFailed(name: String, index: Int, error: String?, cause: String?)
        case mapIterationAborted(name: String, index: Int)
        case mapRunStarted(mapRunArn: String)
        case mapRunSucceeded
        case mapRunFailed(error: String?, cause: String?)
        /// `EvaluationFailed`: a JSONata field of state `state` failed to evaluate
        /// (`States.QueryEvaluationError`), reported before the state fails.
        case evaluationFailed(state: String, error: String?, cause: String?)

        /// `ParallelStateStarted`; `input` is what every branch starts with (Stepline's addition).
        case parallelStateStarted(branches: Int, input: JSONValue)
        case parallelStateSucceeded
        case parallelStateFailed(error: String?, cause: String?)
        case parallelStateAborted

        /// A `Wait` state that is not already due, a retry backoff, or an
        /// execution/task timeout. Stepline-internal.
        indirect case timerScheduled(timerId: Int, due: Timestamp, reason: TimerReason)
        /// A timer that fired (the Engine's or driver's clock reached it). Stepline-internal.
        case timerFired(timerId: Int)
        /// A Parallel branch starting in `childFrame`. Stepline-internal.
        case branchStarted(index: Int, input: JSONValue, childFrame: Int)
        case branchSucceeded(index: Int, output: JSONValue)
        case branchFailed(index: Int, error: String?, cause: String?)
        case branchAborted(index: Int)

        /// The Step Functions history type name, or a `Stepline…` name for internal kinds.
        public var typeName: String {
            switch self {
            case .executionStarted: "ExecutionStarted"
            case .executionSucceeded: "ExecutionSucceeded"
            case .executionFailed: "ExecutionFailed"
            case .executionTimedOut: "ExecutionTimedOut"
            case .executionAborted: "ExecutionAborted"
            case .executionRedriven: "ExecutionRedriven"
            case .stateEntered(let type, _, _): type.enteredEventType
            case .stateExited(let type, _, _, _): type.exitedEventType
            case .taskScheduled: "TaskScheduled"
            case .taskStarted: "TaskStarted"
            case .taskSucceeded: "TaskSucceeded"
            case .taskFailed: "TaskFailed"
            case .taskTimedOut: "TaskTimedOut"
            case .mapStateStarted: "MapStateStarted"
            case .mapStateSucceeded: "MapStateSucceeded"
            case .mapStateFailed: "MapStateFailed"
            case .mapStateAborted: "MapStateAborted"
            case .mapIterationStarted: "MapIterationStarted"
            case .mapIterationSucceeded: "MapIterationSucceeded"
            case .mapIterationFailed: "MapIterationFailed"
            case .mapIterationAborted: "MapIterationAborted"
            case .mapRunStarted: "MapRunStarted"
            case .mapRunSucceeded: "MapRunSucceeded"
            case .mapRunFailed: "MapRunFailed"
            case .evaluationFailed: "EvaluationFailed"
            case .parallelStateStarted: "ParallelStateStarted"
            case .parallelStateSucceeded: "ParallelStateSucceeded"
            case .parallelStateFailed: "ParallelStateFailed"
            case .parallelStateAborted: "ParallelStateAborted"
            case .timerScheduled: "SteplineTimerScheduled"
            case .timerFired: "SteplineTimerFired"
            case .branchStarted: "SteplineBranchStarted"
            case .branchSucceeded: "SteplineBranchSucceeded"
            case .branchFailed: "SteplineBranchFailed"
            case .branchAborted: "SteplineBranchAborted"
            }
        }

        /// Whether GetExecutionHistory shows this kind (internal kinds get id 0).
        public var isStepFunctionsEvent: Bool {
            switch self {
            case .timerScheduled, .timerFired, .branchStarted, .branchSucceeded, .branchFailed, .branchAborted: false
            default: true
            }
        }
    }
}

extension StateType {
    /// `PassStateEntered`, `TaskStateEntered`, …
    public var enteredEventType: String { rawValue + "StateEntered" }

    /// `PassStateExited`, `TaskStateExited`, …
    public var exitedEventType: String { rawValue + "StateExited" }
}

/// Who started an execution and under which names; the `$$.Execution` and
/// `$$.StateMachine` parts of the context object.
///
/// `Codable` as the Engine's records store it (its `ExecutionStarted` events):
/// the members in declaration order, which is the order of those bytes.
@MemberwiseInit(.public)
public struct ExecutionStart: Codable, Sendable, Hashable {
    public var input: JSONValue
    public var executionArn: String
    public var executionName: String
    public var stateMachineArn: String
    public var stateMachineName: String
    public var roleArn: String
    public var redriveCount: Int = 0
}

/// A task the core wants performed: what the Engine dispatches to a handler,
/// activity worker or HTTP endpoint, and what `TaskScheduled` reports.
///
/// `Codable` as the Engine's records store it (its `TaskScheduled` events and
/// open tasks); its `CodingKeys` give the order of those bytes.
@MemberwiseInit(.public)
public struct ScheduledTask: Codable, Sendable, Hashable {
    /// The task's identity: the id of its `TaskScheduled` event. Results name it.
    public var taskId: Int
    /// The Task state's name.
    public var stateName: String
    public var resource: String
    /// The resolved `Parameters` (or effective input when there are none).
    public var parameters: JSONValue
    public var timeoutSeconds: Int?
    public var heartbeatSeconds: Int?
    /// How many times this state has been retried before this attempt.
    public var attempt: Int
    /// The id of the `TaskStateEntered` event, part of the idempotency key
    /// (execution, entered event, attempt) that outside effects carry.
    public var enteredEventId: Int
    public var credentials: JSONValue?
    /// The task token of a callback task (`.waitForTaskToken` resource or an
    /// activity), which `$$.Task.Token` gave the parameters; `nil` otherwise.
    /// SendTaskSuccess/Failure/Heartbeat name the task by it.
    public var taskToken: String? = nil

    /// The members in the order of the record's bytes: the ones always present
    /// first, then the optional ones.
    private enum CodingKeys: String, CodingKey {
        case taskId, stateName, resource, parameters, attempt, enteredEventId
        case timeoutSeconds, heartbeatSeconds, credentials, taskToken
    }
}

/// Why a timer exists, so that firing it does the right thing.
public enum TimerReason: Sendable, Hashable {
    /// A Wait state's wait.
    case wait
    /// A retry backoff: the `retrier` index, the attempt it starts (1-based), and
    /// the error being retried.
    case retry(retrier: Int, attempt: Int, error: String, cause: String)
    /// The execution's `TimeoutSeconds`.
    case executionTimeout
    /// A task's `TimeoutSeconds`.
    case taskTimeout(taskId: Int)
}

/// When a Map state gives up: more failed iterations than these.
@MemberwiseInit(.public)
public struct FailureTolerance: Sendable, Hashable {
    public var count: Int? = nil
    public var percentage: Double? = nil

    /// Whether `failed` failures among `total` items exceed the tolerance.
    func isExceeded(failed: Int, total: Int) -> Bool {
        guard failed > 0 else { return false }
        if count == nil && percentage == nil { return true }
        if let count, failed > count { return true }
        if let percentage, total > 0, Double(failed) * 100 / Double(total) > percentage { return true }
        if count != nil && percentage == nil { return false }
        if percentage != nil && count == nil { return false }
        return false
    }

    var isConfigured: Bool { count != nil || percentage != nil }
}
