public import EventLog
import Foundation
package import JSON
package import LMDB
public import Logging
public import Runtime
package import StatesLanguage

/// The durable runtime: state machines, executions, activities and task tokens,
/// every change a record in the ``EventLog``.
///
/// Each command (start, task result, token answer, timer, stop, redrive) is
/// decided and applied to a copy of the execution's state inside one isolation
/// step, written as one ``EngineRecordKind/executionStep`` record, and only
/// after the log committed it is the new state kept, the caller answered and
/// the effects run (tasks dispatched, timers armed, waiters woken). Commands of
/// one execution are serialized; commands of different executions share group
/// commits, which is where the throughput comes from.
///
/// Open an engine with ``open(log:configuration:)``, then keep ``run()``
/// running (it dispatches tasks and fires timers); as a `Service` it goes in the
/// server's `ServiceGroup`.
///
/// ## Topics
/// ### Opening
/// - ``open(log:configuration:)``
/// - ``run()``
/// - ``close()``
/// ### State machines
/// - ``createStateMachine(name:definition:roleArn:type:in:)``
/// - ``updateStateMachine(arn:definition:roleArn:)``
/// - ``describeStateMachine(arn:)``
/// - ``listStateMachines(in:)``
/// - ``deleteStateMachine(arn:)``
/// ### Executions
/// - ``startExecution(stateMachineArn:name:input:)``
/// - ``stopExecution(arn:error:cause:)``
/// - ``describeExecution(arn:)``
/// - ``listExecutions(stateMachineArn:status:maxResults:nextToken:)``
/// - ``history(executionArn:reverseOrder:maxResults:nextToken:)``
/// - ``awaitCompletion(executionArn:)``
/// ### Activities and task tokens
/// - ``createActivity(name:in:)``
/// - ``getActivityTask(activityArn:workerName:timeout:)``
/// - ``sendTaskSuccess(token:output:)``
/// - ``sendTaskFailure(token:error:cause:)``
/// - ``sendTaskHeartbeat(token:)``
public actor Engine {
    /// How to run an engine.
    public struct Configuration: Sendable {
        public var region = "us-east-1"
        public var account = "123456789012"
        /// Which handler runs each Task resource.
        public var handlers = TaskHandlerMap()
        /// Handlers that run inside this process, by resource (checked before
        /// ``handlers``): for embedding Stepline in a Swift program and for
        /// benchmarks. They receive the task input and return its output;
        /// a thrown ``TaskFailure`` sets the error and cause.
        public var inProcessHandlers: [String: Invoker.InProcessHandler] = [:]
        /// The clock for event times and timers.
        public var clock: any RuntimeClock = SystemClock()
        /// The scheduler that fires timers, heartbeat deadlines and every other
        /// service's due work; `nil` makes one on ``clock``. The services of one
        /// process share the engine's (``Engine/scheduler``).
        public var scheduler: Scheduler?
        /// How many external tasks run at once.
        public var maxConcurrentTasks = 256
        public var logger = Logger(label: "stepline.engine")

        public init() {}
    }

    /// The log every change goes to.
    public nonisolated let log: EventLog
    public nonisolated let configuration: Configuration
    package nonisolated let index: IndexDatabases
    /// Where timers and heartbeat deadlines wait: keyed by execution and timer
    /// id, or by token, so a heartbeat moves its deadline and a cleared timer is
    /// cancelled. ``run()`` runs it; the other services of the process share it.
    public nonisolated let scheduler: Scheduler
    /// The log, region, account, clock, scheduler and invoker this engine shares with
    /// the other services of its process (they are opened on it).
    public nonisolated let context: ServiceContext

    package var open: [String: OpenExecution] = [:]
    package var tokens: [String: TokenLocation] = [:]
    package var heartbeatDeadlines: [String: Int64] = [:]
    package var activityQueues: [String: [ActivityTask]] = [:]
    package var pollers = ActivityPollers()
    package let completionWaiters = CompletionWaiters()
    package var busy: Set<String> = []
    package var lockWaiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    package var definitions: [String: StateMachineDefinition] = [:]
    /// The activities that exist, for the core's check of Task resources
    /// (``StatesLanguage/ResourceCatalog``): read at open, changed after each create
    /// or delete commits.
    package var activityArns: Set<String> = []
    package var nextStream: UInt64
    package let effects: AsyncStream<Effect>
    package let effectSink: AsyncStream<Effect>.Continuation
    package var random = SystemRandomNumberGenerator()
    /// The buses and queues Task states reach through `events:putEvents` and `sqs:sendMessage`.
    package var integrations = ServiceIntegrations()
    /// How long recovery took when the engine opened.
    public private(set) var recoveryDuration: Duration = .zero
    /// How many open executions recovery loaded.
    public private(set) var recoveredExecutions = 0
    /// Runs off the actor after a step of an execution committed and before the
    /// engine takes it in: tests hold that window open to show that nothing a
    /// client can see by then is answered from memory that is one step behind.
    package var stepCommitted: (@Sendable (_ executionArn: String) async -> Void)?

    package struct OpenExecution {
        package var state: ExecutionState
        package var row: ExecutionDescription
        /// Tokens of open tasks, by task id.
        package var tokens: [Int: String] = [:]
    }

    package struct TokenLocation: Hashable {
        package var executionArn: String
        package var taskId: Int
    }

    /// A timer on the scheduler: a core timer of an execution, or a heartbeat deadline.
    package struct TimerEntry: Sendable {
        package var due: Int64
        package var executionArn: String
        package var kind: Kind
        package enum Kind: Hashable {
            case core(Int)
            case heartbeat(token: String)
        }

        /// Its key on the scheduler: one per timer of an execution, one per token.
        package var key: Scheduler.Key {
            switch kind {
            case .core(let timerId): Scheduler.Key("engine.timer", "\(executionArn)\u{0}\(timerId)")
            case .heartbeat(let token): Scheduler.Key("engine.heartbeat", token)
            }
        }
    }

    /// An activity task waiting for a worker.
    package struct ActivityTask {
        package var token: String
        package var executionArn: String
        package var taskId: Int
        package var input: JSONValue
    }

    /// Work to do after a commit, outside the actor.
    package enum Effect: Sendable {
        case dispatch(executionArn: String, task: ScheduledTask, token: String?, key: String)
        /// Apply the start command committed at `sequence` (``StartCommand``), unless it was.
        case applyStart(sequence: SequenceNumber, command: StartCommand)
    }

    /// Opens the engine on `log` and recovers: open executions are loaded from the
    /// `engine.openExecutions` index and their streams replayed through `apply`, timers
    /// are re-armed, unanswered tasks are queued for dispatch again (with the same
    /// idempotency keys) and start commands not yet applied are queued to be applied,
    /// once ``run()`` runs.
    ///
    /// The log must have been opened with every record kind and index of Stepline
    /// (`Stepline.open` in the `Stepline` module does that, and wires the other services).
    /// - Throws: ``EngineError`` `storage` when the log has no ``EngineIndex``; what
    ///   reading the log throws.
    public static func open(log: EventLog, configuration: Configuration = Configuration()) async throws -> Engine {
        guard log.databases(ofIndex: EngineIndex().name) != nil else {
            throw EngineError(.storage, "The log in \(log.directory) was opened without the engine index; open it with Stepline.open.")
        }
        let engine = try Engine(log: log, configuration: configuration)
        engine.observeStartCommands()
        try await engine.recover()
        return engine
    }

    package init(log: EventLog, configuration: Configuration) throws {
        self.log = log
        self.configuration = configuration
        self.scheduler = configuration.scheduler ?? Scheduler(clock: configuration.clock)
        self.context = ServiceContext(
            log: log, region: configuration.region, account: configuration.account, clock: configuration.clock,
            scheduler: scheduler,
            invoker: Invoker(handlers: configuration.handlers, inProcessHandlers: configuration.inProcessHandlers),
            maxConcurrentCalls: configuration.maxConcurrentTasks, logger: configuration.logger)
        // Force-unwrap proven: EngineIndex was registered when the log was opened.
        self.index = log.databases(ofIndex: EngineIndex().name)!
        let streams = log.databases(ofIndex: StreamIndex().name)!
        let last: UInt64 = try log.read { transaction in
            try transaction.withCursor(on: streams[0]) { cursor in
                guard try cursor.last() else { return 0 }
                return try cursor.withCurrent { key, _ in
                    key.withUnsafeBytes { bytes in bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
                }
            }
        }
        nextStream = last + 1
        let activities = log.databases(ofIndex: EngineIndex().name)![EngineIndex.DB.activities.rawValue]
        activityArns = Set(try log.read { try $0.keys(withPrefix: [], in: activities) }.map { String(decoding: $0, as: UTF8.self) })
        (effects, effectSink) = AsyncStream.makeStream(of: Effect.self)
    }

    /// Commits what is queued and closes the log.
    public func close() async {
        effectSink.finish()
        await log.close()
    }

    package nonisolated func db(_ which: EngineIndex.DB) -> Database { index[which.rawValue] }

    package func now() -> Int64 { configuration.clock.now() }

    /// Sets the hook that runs between each step's commit and the engine taking it in (tests only).
    package func onStepCommitted(_ hook: @escaping @Sendable (_ executionArn: String) async -> Void) {
        stepCommitted = hook
    }

    // MARK: Per-execution serialization

    /// Waits until no other command of `arn` is between decide and commit.
    package func acquire(_ arn: String) async {
        if busy.insert(arn).inserted { return }
        await withCheckedContinuation { lockWaiters[arn, default: []].append($0) }
    }

    /// Waits until no command of `arn` is between decide and commit, so memory
    /// answers for everything the log already shows of it (a step commits, and
    /// is visible to every reader, before the engine takes it in).
    package func settle(_ arn: String) async {
        guard busy.contains(arn) else { return }
        await acquire(arn)
        release(arn)
    }

    package func release(_ arn: String) {
        if var waiters = lockWaiters[arn], !waiters.isEmpty {
            let next = waiters.removeFirst()
            lockWaiters[arn] = waiters.isEmpty ? nil : waiters
            next.resume()
        } else {
            busy.remove(arn)
        }
    }

    // MARK: Reading the views

    package nonisolated func readValue(_ key: [UInt8], in which: EngineIndex.DB) throws -> [UInt8]? {
        try log.read { try $0.value(forKey: key, in: db(which)) }
    }

    package nonisolated func storedExecution(_ arn: String) throws -> ExecutionDescription? {
        guard let bytes = try readValue(Keys.text(arn), in: .executions) else { return nil }
        return try ExecutionDescription(recordBytes: bytes)
    }

    /// The parsed definition of `revisionId` of `machineArn` (cached).
    package func definition(machineArn: String, revisionId: String) throws -> StateMachineDefinition {
        let key = machineArn + "\u{0}" + revisionId
        if let cached = definitions[key] { return cached }
        guard let bytes = try readValue(Keys.revision(machineArn, revisionId), in: .revisions) else {
            throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(machineArn)' (revision \(revisionId))")
        }
        let machine = try StateMachineDescription(recordBytes: bytes)
        let result = StateMachineDefinition.parse(machine.definition)
        guard let parsed = result.definition else {
            throw EngineError(
                .invalidDefinition,
                "Invalid State Machine Definition: '\(result.diagnostics.map(\.description).joined(separator: "; "))'"
            )
        }
        definitions[key] = parsed
        return parsed
    }

    // MARK: Recovery

    package func recover() async throws {
        let started = ContinuousClock.now
        // The commit observer (``observeStartCommands()``) was registered before this read:
        // a command committed in between is seen twice, and applied once, rather than missed.
        let commands = try pendingStartCommands()
        // Tasks whose command is pending are answered by applying it, not dispatched.
        let waitingForCommand = Set(commands.compactMap { $0.command.parent.map { "\($0.executionArn)\u{0}\($0.taskId)" } })
        let arns = try log.read { try $0.keys(withPrefix: [], in: db(.openExecutions)) }.map { String(decoding: $0, as: UTF8.self) }
        for arn in arns {
            guard let row = try storedExecution(arn) else { continue }
            let state = try replay(row, definition: try definition(machineArn: row.stateMachineArn, revisionId: row.revisionId)).state
            var execution = OpenExecution(state: state, row: row)
            let pending = try pendingTasks(of: arn)
            for task in pending { if let token = task.token { execution.tokens[task.task.taskId] = token } }
            open[arn] = execution
            armTimers(of: arn, state.timers.values.map { TimerKeyInfo(due: $0.due.millisecondsSinceEpoch, timerId: $0.timerId) })
            for task in pending {
                if let token = task.token {
                    tokens[token] = TokenLocation(executionArn: arn, taskId: task.task.taskId)
                    // A deadline that lapsed while the process was down fires at the first timer check.
                    if let due = task.heartbeatDue { armHeartbeat(token, arn, due: due) }
                }
                if waitingForCommand.contains("\(arn)\u{0}\(task.task.taskId)") { continue }
                effectSink.yield(
                    .dispatch(
                        executionArn: arn,
                        task: task.task,
                        token: task.token,
                        key: Self.idempotencyKey(arn, task.task, redriveCount: row.redriveCount)
                    )
                )
            }
        }
        for pending in commands { effectSink.yield(.applyStart(sequence: pending.sequence, command: pending.command)) }
        recoveredExecutions = arns.count
        recoveryDuration = ContinuousClock.now - started
        if !arns.isEmpty {
            configuration.logger.info(
                "recovered open executions",
                metadata: ["count": "\(arns.count)", "duration": "\(recoveryDuration)"]
            )
        }
    }

    package nonisolated func pendingTasks(of arn: String) throws -> [ExecutionStep.OpenTask] {
        let prefix = Keys.text(arn) + [0]
        var tasks: [ExecutionStep.OpenTask] = []
        _ = try log.read { transaction in
            try transaction.forEach(withPrefix: prefix, in: db(.pendingTasks)) { key, value in
                guard key.byteCount == prefix.count + 8 else { return false }
                tasks.append(try ExecutionStep.OpenTask(recordBytes: value.copiedBytes()))
                return true
            }
        }
        return tasks
    }

    package struct TimerKeyInfo {
        package var due: Int64
        package var timerId: Int
    }

    /// Schedules core timers; one that came due while the process was down fires at once.
    package func armTimers(of arn: String, _ keys: [TimerKeyInfo]) {
        for key in keys { arm(TimerEntry(due: key.due, executionArn: arn, kind: .core(key.timerId))) }
    }

    /// Schedules (or moves) the heartbeat deadline of `token`.
    package func armHeartbeat(_ token: String, _ arn: String, due: Int64) {
        heartbeatDeadlines[token] = due
        arm(TimerEntry(due: due, executionArn: arn, kind: .heartbeat(token: token)))
    }

    package func arm(_ entry: TimerEntry) {
        // Weak: the scheduler may be shared and outlive this engine (tests open many).
        scheduler.schedule(entry.key, at: entry.due) { [weak self] in await self?.fire(entry) }
    }
}
