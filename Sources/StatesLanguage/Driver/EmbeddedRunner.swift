public import JSON

/// Runs a state machine to completion in memory, with a virtual clock: for
/// tests, benchmarks and `stepline run`.
///
/// It plays the Engine's part without a log: it sends the start command, hands
/// every scheduled task to a closure, and fires timers in due order, moving
/// the virtual clock straight to each one (a one-hour Wait takes no time). Every
/// event goes through ``ExecutionState/handle(_:)``, that is through the same
/// `apply` replay uses.
///
/// ```swift
/// let runner = EmbeddedRunner(definition: definition) { task in
///     .succeeded(task.parameters)
/// }
/// let result = runner.run(input: ["x": 1])
/// print(result.status, result.output ?? .null)
/// ```
public struct EmbeddedRunner: Sendable {
    /// How a task handler answers a scheduled task.
    public enum TaskOutcome: Sendable {
        case succeeded(JSONValue)
        case failed(error: String, cause: String)
        /// No answer: the task stays open until its timeout (or forever).
        case noResponse
    }

    /// What a finished (or stuck) run produced.
    public struct Result: Sendable {
        public var status: ExecutionStatus
        public var output: JSONValue?
        public var error: String?
        public var cause: String?
        /// Every event, internal ones included; filter with
        /// ``HistoryEvent/Details/isStepFunctionsEvent`` for the AWS view.
        public var events: [HistoryEvent]
        public var state: ExecutionState
        /// The virtual time when the run stopped.
        public var endTime: Timestamp

        /// The events GetExecutionHistory would show.
        public var history: [HistoryEvent] { events.filter { $0.id > 0 } }
    }

    public var definition: StateMachineDefinition
    public var taskHandler: @Sendable (ScheduledTask) -> TaskOutcome
    /// Names used for `$$.Execution` and `$$.StateMachine`.
    public var stateMachineName = "StateMachine"
    public var executionName = "execution"
    public var account = "123456789012"
    public var region = "us-east-1"
    public var roleArn = "arn:aws:iam::123456789012:role/stepline"
    /// The virtual start time.
    public var startTime = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)
    /// Seeds every command's entropy, so a run is reproducible.
    public var seed: UInt64 = 0x5EED
    /// Stops a run that would never end (a timer loop) after this many commands.
    public var maximumCommands = 1_000_000

    public init(
        definition: StateMachineDefinition,
        taskHandler: @escaping @Sendable (ScheduledTask) -> TaskOutcome = { _ in
            .failed(error: StatesError.Name.taskFailed, cause: "No task handler is configured.")
        }
    ) {
        self.definition = definition
        self.taskHandler = taskHandler
    }

    /// Runs one execution with `input` until it finishes or nothing more can happen.
    public func run(input: JSONValue) -> Result {
        var session = Session(self, input: input)
        while let task = session.nextTask() {
            session.answer(task, with: taskHandler(task))
        }
        return session.result
    }

    /// Runs one execution, handing each task to `handler`, which may suspend (a local
    /// command, an HTTP call); the clock stays virtual meanwhile.
    public func run(input: JSONValue, handlingTasksWith handler: (ScheduledTask) async -> TaskOutcome) async -> Result {
        var session = Session(self, input: input)
        while let task = session.nextTask() {
            session.answer(task, with: await handler(task))
        }
        return session.result
    }

    /// One run in progress: the loop of ``run(input:)`` as steps, so that tasks can be
    /// answered synchronously or after a suspension.
    struct Session {
        private var state: ExecutionState
        private var random: SplitMix64
        private var now: Timestamp
        private var events: [HistoryEvent] = []
        private var dispatched: Set<Int> = []
        private var commands = 0
        private let maximumCommands: Int

        init(_ runner: EmbeddedRunner, input: JSONValue) {
            state = ExecutionState(definition: runner.definition)
            random = SplitMix64(seed: runner.seed)
            now = runner.startTime
            maximumCommands = runner.maximumCommands
            let stateMachineName = runner.stateMachineName
            let start = ExecutionStart(
                input: input,
                executionArn: "arn:aws:states:\(runner.region):\(runner.account):execution:\(stateMachineName):\(runner.executionName)",
                executionName: runner.executionName,
                stateMachineArn: "arn:aws:states:\(runner.region):\(runner.account):stateMachine:\(stateMachineName)",
                stateMachineName: stateMachineName,
                roleArn: runner.roleArn
            )
            send(.start(start))
        }

        private mutating func send(_ kind: ExecutionCommand.Kind) {
            // Commands built here always fit the state they are sent to; a rejection
            // would mean a bug in the loop, and is surfaced as a stuck run.
            if let produced = try? state.handle(ExecutionCommand(now: now, entropy: random.next(), kind)) {
                events.append(contentsOf: produced)
            }
        }

        /// Fires due timers until a task waits for an answer (returned) or the run cannot go on (`nil`).
        mutating func nextTask() -> ScheduledTask? {
            while state.status == .running, commands < maximumCommands {
                commands += 1
                if let task = state.openTasks.values.filter({ !dispatched.contains($0.taskId) }).min(by: {
                    $0.taskId < $1.taskId
                }) {
                    dispatched.insert(task.taskId)
                    return task
                }
                guard
                    let timer = state.timers.values.min(by: {
                        ($0.due, $0.timerId) < ($1.due, $1.timerId)
                    })
                else { return nil }
                if timer.due > now { now = timer.due }
                send(.timerFired(timerId: timer.timerId))
            }
            return nil
        }

        mutating func answer(_ task: ScheduledTask, with outcome: TaskOutcome) {
            switch outcome {
            case .succeeded(let output): send(.taskSucceeded(taskId: task.taskId, output: output))
            case .failed(let error, let cause): send(.taskFailed(taskId: task.taskId, error: error, cause: cause))
            case .noResponse: break
            }
        }

        var result: Result {
            Result(
                status: state.status,
                output: state.output,
                error: state.error,
                cause: state.cause,
                events: events,
                state: state,
                endTime: now
            )
        }
    }
}
