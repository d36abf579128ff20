public import JSON

/// Where an execution stands.
public enum ExecutionStatus: String, Sendable, Hashable {
    case notStarted = "NOT_STARTED"
    case running = "RUNNING"
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    case timedOut = "TIMED_OUT"
    case aborted = "ABORTED"
}

/// The whole state of one execution, changed only by ``apply(_:)``.
///
/// A value type: the Engine keeps one per running execution, replays it from the
/// log with ``apply(_:)`` alone, and asks ``decide(_:)`` (or the in-place
/// ``handle(_:)``) what a new command causes.
///
/// It keeps the progress of every running frame (which Map iterations and
/// Parallel branches finished, with their results) so that a redrive can resume
/// from the failed part.
///
/// ## Topics
/// - ``init(definition:)``
/// - ``decide(_:)``
/// - ``handle(_:)``
/// - ``apply(_:)``
/// - ``openTasks``
/// - ``timers``
public struct ExecutionState: Sendable {
    /// The definition this execution runs.
    public let definition: StateMachineDefinition
    public internal(set) var status: ExecutionStatus = .notStarted
    /// The execution output once it succeeded.
    public internal(set) var output: JSONValue?
    /// The error and cause once it failed, timed out or was aborted.
    public internal(set) var error: String?
    public internal(set) var cause: String?
    /// Start information from `ExecutionStarted`.
    public var start: ExecutionStart? { startBox?.start }
    /// Boxed so that the per-step path scopes share it instead of copying its strings.
    var startBox: StartBox?
    public internal(set) var startTime: Timestamp = Timestamp(millisecondsSinceEpoch: 0)
    public internal(set) var stopTime: Timestamp?
    /// The id of the last Step Functions event (internal events do not count).
    public internal(set) var lastEventId: Int = 0
    /// Tasks scheduled and not yet answered, by task id. The Engine dispatches
    /// these (again, after a crash).
    public internal(set) var openTasks: [Int: ScheduledTask] = [:]
    /// Timers armed and not yet fired, by timer id. The Engine fires each at its due time.
    public internal(set) var timers: [Int: PendingTimer] = [:]

    /// The most history events an execution may have; it fails with
    /// `States.Runtime` when it would grow past this. AWS's quota is 25,000.
    /// Not part of replay: only ``decide(_:)`` reads it.
    public var historyEventLimit = 25_000

    var frames: [FrameBox?] = []
    var nextTimerId = 1

    /// A timer the core is waiting for.
    public struct PendingTimer: Sendable, Hashable {
        public var timerId: Int
        public var due: Timestamp
        public var reason: TimerReason
        /// The frame it belongs to.
        public var frame: Int
    }

    /// A fresh, not yet started execution of `definition`.
    public init(definition: StateMachineDefinition) {
        self.definition = definition
    }

    /// Whether the execution has finished (any terminal status).
    public var isFinished: Bool {
        switch status {
        case .notStarted, .running: false
        default: true
        }
    }
}

/// A frame behind a reference, so that reading one field of it does not copy
/// the whole frame (a retain per field), which dominated the core's profile.
///
/// `@unchecked Sendable`: a box is mutated only through
/// ``ExecutionState/mutateFrame(_:_:)``, which first replaces a box that is not
/// uniquely referenced by a copy. A box shared between two states (or threads) is
/// therefore never written, only read.
final class FrameBox: @unchecked Sendable {
    var frame: Frame
    init(_ frame: Frame) { self.frame = frame }
}

/// One running sequence of states: the top level, a Map iteration or a
/// Parallel branch.
struct Frame: Sendable {
    enum Role: Sendable {
        case root
        case mapIteration(index: Int)
        case branch(index: Int)
    }

    /// What the frame is blocked on, if anything.
    enum Waiting: Sendable {
        case nothing
        case task(Int)
        case timer(Int)
        case children
    }

    var parent: Int
    var role: Role
    var scope: StateScope
    /// Events inside a distributed map run are not in this execution's history.
    var hidden: Bool
    var variables: JSONObject = JSONObject()
    var stateName: String = ""
    var stateType: StateType = .pass
    /// The state named ``stateName``, kept so each step need not look it up.
    var current: State?
    var stateInput: JSONValue = .null
    var enteredEventId: Int = 0
    var enteredTime: Timestamp = Timestamp(millisecondsSinceEpoch: 0)
    /// The latest state output (the frame's result once it ends).
    var data: JSONValue = .null
    /// Per retrier attempts of the current state, and their sum.
    var retryAttempts: [Int] = []
    var retryCount: Int = 0
    var waiting: Waiting = .nothing
    var children: ChildProgress?
    var lastEventId: Int = 0
    var mapItem: (index: Int, value: JSONValue)?
}

/// The progress of a Map or Parallel state's children.
struct ChildProgress: Sendable {
    var isMap: Bool
    var distributed: Bool
    var total: Int
    var items: [JSONValue]
    var results: [JSONValue?]
    var frameOfIndex: [Int: Int] = [:]
    var nextIndex = 0
    var running = 0
    var succeeded = 0
    var failed = 0
    var maxConcurrency: Int
    var tolerance: FailureTolerance
    var lastFailure: StatesError?

    var isComplete: Bool { succeeded + failed == total }
    var canStartMore: Bool { nextIndex < total && (maxConcurrency <= 0 || running < maxConcurrency) }
}

extension ExecutionState {
    /// Returns `state` with `event` applied: the pure form of ``apply(_:)``.
    public static func apply(_ state: ExecutionState, _ event: HistoryEvent) -> ExecutionState {
        var copy = state
        copy.apply(event)
        return copy
    }

    /// Applies one event. The only way state changes: live processing and replay
    /// both come through here, so they cannot diverge.
    ///
    /// Events must be applied in the order ``decide(_:)`` produced them; an event
    /// that does not fit the state (a frame that does not exist) is ignored, which
    /// keeps replay total.
    public mutating func apply(_ event: HistoryEvent) {
        if event.id > 0 { lastEventId = event.id }
        let f = event.frame
        if event.id > 0 { mutateFrame(f) { $0.lastEventId = event.id } }
        switch event.details {
        case .executionStarted(let start):
            startBox = StartBox(start)
            status = .running
            startTime = event.timestamp
            frames = [FrameBox(Frame(parent: -1, role: .root, scope: definition.scope, hidden: false, lastEventId: event.id))]
        case .executionSucceeded(let output):
            self.output = output
            finish(.succeeded, at: event.timestamp)
        case .executionFailed(let error, let cause):
            (self.error, self.cause) = (error, cause)
            finish(.failed, at: event.timestamp)
        case .executionTimedOut(let error, let cause):
            (self.error, self.cause) = (error, cause)
            finish(.timedOut, at: event.timestamp)
        case .executionAborted(let error, let cause):
            (self.error, self.cause) = (error, cause)
            finish(.aborted, at: event.timestamp)
        case .executionRedriven(let redriveCount):
            // The state it resumes from was rebuilt from the events before the failure,
            // so it is already running; only `$$.Execution.RedriveCount` changes.
            if var start = startBox?.start {
                start.redriveCount = redriveCount
                startBox = StartBox(start)
            }

        case .stateEntered(let type, let name, let input):
            mutateFrame(f) { frame in
                frame.stateName = name
                frame.stateType = type
                frame.current = frame.scope[name]
                frame.stateInput = input
                frame.enteredEventId = event.id
                frame.enteredTime = event.timestamp
                if !frame.retryAttempts.isEmpty { frame.retryAttempts = [] }
                frame.retryCount = 0
                frame.waiting = .nothing
                frame.children = nil
            }
        case .stateExited(_, _, let output, let assigned):
            mutateFrame(f) { frame in
                frame.data = output
                frame.waiting = .nothing
                frame.children = nil
                if let assigned {
                    for (key, value) in assigned.entries { frame.variables[key] = value }
                }
            }

        case .taskScheduled(let task):
            openTasks[task.taskId] = task
            if task.taskId < 0 { nextTimerId = max(nextTimerId, -task.taskId + 1) }
            mutateFrame(f) { $0.waiting = .task(task.taskId) }
        case .taskStarted:
            break
        case .taskSucceeded(let taskId, _, _), .taskFailed(let taskId, _, _, _), .taskTimedOut(let taskId, _, _, _):
            openTasks[taskId] = nil
            for (id, timer) in timers where timer.reason == .taskTimeout(taskId: taskId) { timers[id] = nil }
            mutateFrame(f) { $0.waiting = .nothing }

        case .mapStateStarted(let length, let items, let maxConcurrency, let tolerance):
            let distributed: Bool
            if case .map(let map)? = currentState(of: f)?.kind {
                distributed = map.mode == .distributed
            } else {
                distributed = false
            }
            mutateFrame(f) { frame in
                frame.children = ChildProgress(
                    isMap: true,
                    distributed: distributed,
                    total: length,
                    items: items,
                    results: Array(repeating: nil, count: length),
                    maxConcurrency: maxConcurrency,
                    tolerance: tolerance
                )
                frame.waiting = .children
            }
        case .parallelStateStarted(let branches, let input):
            mutateFrame(f) { frame in
                frame.children = ChildProgress(
                    isMap: false,
                    distributed: false,
                    total: branches,
                    items: [input],
                    results: Array(repeating: nil, count: branches),
                    maxConcurrency: 0,
                    tolerance: FailureTolerance()
                )
                frame.waiting = .children
            }
        case .mapIterationStarted(_, let index, let input, let child):
            startChild(parent: f, index: index, input: input, child: child, role: .mapIteration(index: index))
        case .branchStarted(let index, let input, let child):
            startChild(parent: f, index: index, input: input, child: child, role: .branch(index: index))
        case .mapIterationSucceeded(_, let index, let output), .branchSucceeded(let index, let output):
            endChild(parent: f, index: index) { progress in
                progress.results[index] = output
                progress.succeeded += 1
            }
        case .mapIterationFailed(_, let index, let error, let cause), .branchFailed(let index, let error, let cause):
            endChild(parent: f, index: index) { progress in
                progress.failed += 1
                progress.lastFailure = StatesError(error ?? "", cause: cause ?? "")
            }
        case .mapIterationAborted(_, let index), .branchAborted(let index):
            endChild(parent: f, index: index) { _ in }
        case .mapStateSucceeded, .mapStateFailed, .mapStateAborted, .parallelStateSucceeded, .parallelStateFailed,
            .parallelStateAborted:
            mutateFrame(f) { frame in
                frame.children = nil
                frame.waiting = .nothing
            }
        case .mapRunStarted, .mapRunSucceeded, .mapRunFailed, .evaluationFailed:
            break

        case .timerScheduled(let timerId, let due, let reason):
            timers[timerId] = PendingTimer(timerId: timerId, due: due, reason: reason, frame: f)
            nextTimerId = max(nextTimerId, timerId + 1)
            switch reason {
            case .wait:
                mutateFrame(f) { $0.waiting = .timer(timerId) }
            case .retry(let retrier, _, _, _):
                mutateFrame(f) { frame in
                    frame.waiting = .timer(timerId)
                    if frame.retryAttempts.count <= retrier {
                        frame.retryAttempts += Array(repeating: 0, count: retrier + 1 - frame.retryAttempts.count)
                    }
                    frame.retryAttempts[retrier] += 1
                    frame.retryCount += 1
                }
            case .executionTimeout, .taskTimeout:
                break
            }
        case .timerFired(let timerId):
            if let timer = timers.removeValue(forKey: timerId) {
                mutateFrame(timer.frame) { frame in
                    if case .timer(timerId) = frame.waiting { frame.waiting = .nothing }
                }
            }
        }
    }

    /// Ends the execution with `status` at `time`.
    private mutating func finish(_ status: ExecutionStatus, at time: Timestamp) {
        self.status = status
        stopTime = time
        openTasks = [:]
        timers = [:]
        frames = frames.isEmpty ? [] : [frames[0]]
    }

    /// The one place frames change: copy-on-write for the boxed frame, so a
    /// copied `ExecutionState` (as `decide` makes) never sees the other's changes.
    @inline(__always)
    mutating func mutateFrame(_ id: Int, _ body: (inout Frame) -> Void) {
        guard id >= 0, id < frames.count, frames[id] != nil else { return }
        if !isKnownUniquelyReferenced(&frames[id]!) {
            frames[id] = FrameBox(frames[id]!.frame)
        }
        body(&frames[id]!.frame)
    }

    func currentState(of frame: Int) -> State? {
        guard frame >= 0, frame < frames.count else { return nil }
        return frames[frame]?.frame.current
    }

    private mutating func startChild(parent: Int, index: Int, input: JSONValue, child: Int, role: Frame.Role) {
        guard let parentFrame = frames[parent]?.frame, let state = parentFrame.scope[parentFrame.stateName] else { return }
        let scope: StateScope
        var hidden = parentFrame.hidden
        switch state.kind {
        case .map(let map):
            scope = map.processor
            if map.mode == .distributed { hidden = true }
        case .parallel(let parallel):
            guard index < parallel.branches.count else { return }
            scope = parallel.branches[index]
        default:
            return
        }
        while frames.count <= child { frames.append(nil) }
        var frame = Frame(parent: parent, role: role, scope: scope, hidden: hidden)
        frame.data = input
        frame.stateInput = input
        frame.lastEventId = parentFrame.lastEventId
        frames[child] = FrameBox(frame)
        mutateFrame(parent) { parentFrame in
            parentFrame.children?.frameOfIndex[index] = child
            parentFrame.children?.running += 1
            if let next = parentFrame.children?.nextIndex, index >= next { parentFrame.children?.nextIndex = index + 1 }
        }
    }

    private mutating func endChild(parent: Int, index: Int, _ update: (inout ChildProgress) -> Void) {
        guard parent < frames.count, let child = frames[parent]?.frame.children?.frameOfIndex[index] else { return }
        removeFrame(child)
        mutateFrame(parent) { frame in
            guard frame.children != nil else { return }
            frame.children!.frameOfIndex[index] = nil
            frame.children!.running -= 1
            update(&frame.children!)
        }
    }

    /// Drops a frame and everything below it, with their open tasks and timers.
    private mutating func removeFrame(_ id: Int) {
        guard id < frames.count, let frame = frames[id]?.frame else { return }
        if let children = frame.children {
            for child in children.frameOfIndex.values { removeFrame(child) }
        }
        switch frame.waiting {
        case .task(let taskId):
            openTasks[taskId] = nil
            for (timerId, timer) in timers where timer.reason == .taskTimeout(taskId: taskId) { timers[timerId] = nil }
        case .timer(let timerId): timers[timerId] = nil
        default: break
        }
        frames[id] = nil
        while let last = frames.last, last == nil, frames.count > 1 { frames.removeLast() }
    }

    /// The id the next child frame gets: deterministic, so replay assigns the same ids.
    var nextFrameId: Int {
        frames.count
    }
}

/// The start information, shared by reference (see ``ExecutionState/start``).
final class StartBox: Sendable {
    let start: ExecutionStart
    init(_ start: ExecutionStart) { self.start = start }
}
