internal import Crypto
import JSON

/// The inputs and output of one `decide`: the command's time and randomness,
/// and the events produced so far.
struct Decision {
    let now: Timestamp
    var random: SplitMix64
    var events: [HistoryEvent] = []
    /// See ``ExecutionCommand/tokenSecret``.
    var tokenSecret: [UInt8]? = nil
    /// How many tokens this decision made (each token hashes a distinct counter).
    var tokensMade: UInt64 = 0
    /// See ``ExecutionCommand/resources``.
    var resources = ResourceCatalog()
}

/// Where a frame's run continues from.
enum Step {
    /// Enter the named state with this raw input.
    case enter(String, JSONValue)
    /// Do the current state's work (again, after a retry backoff).
    case execute
    /// The current state produced `result`: apply ResultSelector, ResultPath,
    /// OutputPath and Assign, then leave it.
    case complete(JSONValue)
    /// Leave the current state with this output and go on.
    case exit(output: JSONValue, assigned: JSONObject?, transition: Transition?)
    /// The current state failed; retry, catch or fail the frame.
    case fail(StatesError)
    /// A Map's iterations or a Parallel's branches failed beyond tolerance:
    /// retry, or report the state failed and then catch or fail the frame.
    case childrenFailed(StatesError)
    /// The current state failed in evaluation: add AWS's prefix, then `fail`.
    case runtimeFailure(StatesError)
    /// A Wait state's timer fired.
    case waitElapsed
}

extension ExecutionState {
    /// What `command` causes, as events, without changing this state.
    ///
    /// Pure: the same state and command always give the same events. Apply them
    /// with ``apply(_:)`` (in order) to get the new state, or use ``handle(_:)``,
    /// which does both at once.
    ///
    /// - Throws: ``CommandRejection`` when the command does not fit (not started,
    ///   already finished, unknown task or timer). Nothing changes then.
    public func decide(_ command: ExecutionCommand) throws(CommandRejection) -> [HistoryEvent] {
        var copy = self
        return try copy.handle(command)
    }

    /// Decides `command` and applies the resulting events to this state in
    /// place, returning them. Equivalent to `decide` followed by `apply` of each
    /// event, because `decide` itself works by applying the events it emits.
    @discardableResult
    public mutating func handle(_ command: ExecutionCommand) throws(CommandRejection) -> [HistoryEvent] {
        var decision = Decision(
            now: command.now, random: SplitMix64(seed: command.entropy), tokenSecret: command.tokenSecret,
            resources: command.resources)
        decision.events.reserveCapacity(16)
        switch command.kind {
        case .start(let start):
            guard status == .notStarted else {
                throw CommandRejection(reason: .alreadyStarted, message: "The execution has already started.")
            }
            emit(0, .executionStarted(start), &decision)
            if let timeout = definition.timeoutSeconds {
                emit(
                    0,
                    .timerScheduled(
                        timerId: nextTimerId,
                        due: command.now.adding(seconds: Int64(timeout)),
                        reason: .executionTimeout
                    ),
                    &decision
                )
            }
            runAndPropagate(0, .enter(definition.startAt, start.input), &decision)

        case .taskStarted(let taskId, let workerName):
            try requireRunning()
            guard let task = openTasks[taskId], let frame = frameOfTask(taskId) else {
                throw CommandRejection(reason: .unknownTask, message: "No open task has id \(taskId).")
            }
            emit(frame, .taskStarted(taskId: taskId, resource: task.resource, workerName: workerName), &decision)

        case .taskSucceeded(let taskId, let output):
            try requireRunning()
            guard let task = openTasks[taskId], let frame = frameOfTask(taskId) else {
                throw CommandRejection(reason: .unknownTask, message: "No open task has id \(taskId).")
            }
            emit(frame, .taskSucceeded(taskId: taskId, resource: task.resource, output: output), &decision)
            runAndPropagate(frame, .complete(output), &decision)

        case .taskFailed(let taskId, let error, let cause):
            try requireRunning()
            guard let task = openTasks[taskId], let frame = frameOfTask(taskId) else {
                throw CommandRejection(reason: .unknownTask, message: "No open task has id \(taskId).")
            }
            emit(
                frame,
                .taskFailed(taskId: taskId, resource: task.resource, error: error, cause: cause.nilIfEmpty),
                &decision
            )
            runAndPropagate(frame, .fail(StatesError(error, cause: cause)), &decision)

        case .timerFired(let timerId):
            try requireRunning()
            guard let timer = timers[timerId] else {
                throw CommandRejection(reason: .unknownTimer, message: "No armed timer has id \(timerId).")
            }
            emit(timer.frame, .timerFired(timerId: timerId), &decision)
            switch timer.reason {
            case .executionTimeout:
                emit(0, .executionTimedOut(error: nil, cause: nil), &decision)
            case .wait:
                runAndPropagate(timer.frame, .waitElapsed, &decision)
            case .retry:
                runAndPropagate(timer.frame, .execute, &decision)
            case .taskTimeout(let taskId):
                if let task = openTasks[taskId] {
                    emit(
                        timer.frame,
                        .taskTimedOut(taskId: taskId, resource: task.resource, error: StatesError.Name.timeout, cause: nil),
                        &decision
                    )
                    runAndPropagate(timer.frame, .fail(StatesError(StatesError.Name.timeout)), &decision)
                }
            }

        case .taskHeartbeatTimedOut(let taskId):
            try requireRunning()
            guard let task = openTasks[taskId], let frame = frameOfTask(taskId) else {
                throw CommandRejection(reason: .unknownTask, message: "No open task has id \(taskId).")
            }
            let error = StatesError.Name.heartbeatTimeout
            emit(frame, .taskTimedOut(taskId: taskId, resource: task.resource, error: error, cause: nil), &decision)
            runAndPropagate(frame, .fail(StatesError(error)), &decision)

        case .stop(let error, let cause):
            try requireRunning()
            emit(0, .executionAborted(error: error, cause: cause), &decision)

        case .redrive(let redriveCount, let reentry):
            try requireRunning()
            emit(0, .executionRedriven(redriveCount: redriveCount), &decision)
            if let timeout = definition.timeoutSeconds {
                emit(
                    0,
                    .timerScheduled(timerId: nextTimerId, due: command.now.adding(seconds: Int64(timeout)), reason: .executionTimeout),
                    &decision
                )
            }
            if let reentry, reentry.frame < frames.count, frames[reentry.frame] != nil {
                runAndPropagate(reentry.frame, .enter(reentry.name, reentry.input), &decision)
            }
        }
        return decision.events
    }

    private func requireRunning() throws(CommandRejection) {
        guard status == .running else {
            throw CommandRejection(
                reason: .notRunning,
                message: "The execution is \(status.rawValue), not RUNNING."
            )
        }
    }

    private func frameOfTask(_ taskId: Int) -> Int? {
        for index in frames.indices {
            if case .task(taskId)? = frames[index]?.frame.waiting { return index }
        }
        return nil
    }

    // MARK: Emitting

    @discardableResult
    mutating func emit(
        _ f: Int,
        _ details: HistoryEvent.Details,
        hidden: Bool = false,
        _ decision: inout Decision
    )
        -> Int
    {
        let frameHidden = f < frames.count ? (frames[f]?.frame.hidden ?? false) : false
        let visible = details.isStepFunctionsEvent && !frameHidden && !hidden
        let id = visible ? lastEventId + 1 : 0
        let previous = (f < frames.count ? frames[f]?.frame.lastEventId : nil) ?? lastEventId
        let event = HistoryEvent(id: id, previousEventId: previous, timestamp: decision.now, frame: f, details: details)
        apply(event)
        decision.events.append(event)
        return id
    }

    // MARK: Running frames

    /// Runs frame `f` from `step`, then, each time a frame finishes, lets its
    /// parent (Map or Parallel) go on, up to the top.
    mutating func runAndPropagate(_ f: Int, _ step: Step, _ decision: inout Decision) {
        var frame = f
        var step = step
        while true {
            let parent = frames[frame]?.frame.parent ?? -1
            let finished = run(frame, step, &decision)
            guard finished, status == .running, parent >= 0 else { return }
            guard let next = advanceChildren(parent, &decision) else { return }
            frame = parent
            step = next
        }
    }

    /// Runs frame `f` until it blocks (returns `false`) or ends (`true`).
    mutating func run(_ f: Int, _ start: Step, _ decision: inout Decision) -> Bool {
        var step = start
        while status == .running {
            if lastEventId >= historyEventLimit || decision.events.count >= 4 * historyEventLimit {
                // AWS stops an execution whose history outgrows its quota; here it also
                // ends a definition that loops without ever waiting.
                emit(
                    0,
                    .executionFailed(
                        error: StatesError.Name.runtime,
                        cause: "The execution reached the limit of \(historyEventLimit) history events."
                    ),
                    &decision
                )
                return true
            }
            switch step {
            case .enter(let name, let input):
                guard let state = frames[f]?.frame.scope[name] else {
                    step = .runtimeFailure(.runtime("The state '\(name)' does not exist."))
                    continue
                }
                emit(f, .stateEntered(state.type, name: name, input: input), &decision)
                step = .execute

            case .execute:
                guard let state = currentState(of: f) else { return true }
                do {
                    guard let next = try execute(f, state, &decision) else { return false }
                    step = next
                } catch {
                    step = .runtimeFailure(error)
                }

            case .waitElapsed:
                guard let state = currentState(of: f), let frame = frames[f]?.frame else { return true }
                do {
                    let scope = self.scope(of: f, for: state)
                    let effective = try DataFlow.select(state.inputPath, from: frame.stateInput, scope: scope)
                    step = try leave(f, state, effective: effective, result: effective, scope: scope, &decision)
                } catch {
                    step = .runtimeFailure(error)
                }

            case .complete(let result):
                guard let state = currentState(of: f) else { return true }
                if result.exceedsSerializedSize(Self.payloadSizeLimit) {
                    step = .fail(
                        StatesError(
                            StatesError.Name.dataLimitExceeded,
                            cause:
                                "The state/task '\(state.name)' returned a result with a size exceeding the maximum number of bytes service limit."
                        )
                    )
                    continue
                }
                do {
                    let scope = self.scope(of: f, for: state)
                    var selected = result
                    if let selector = state.resultSelector {
                        selected = try DataFlow.evaluate(selector, input: result, scope: scope, random: &decision.random)
                    }
                    // `state` came from this frame, so it exists.
                    let merged = try DataFlow.merge(selected, into: frames[f]!.frame.stateInput, at: state.resultPath)
                    step = try leave(f, state, effective: selected, result: merged, scope: scope, &decision)
                } catch {
                    step = .runtimeFailure(error)
                }

            case .exit(let output, let assigned, let transition):
                guard let state = currentState(of: f) else { return true }
                emit(f, .stateExited(state.type, name: state.name, output: output, assignedVariables: assigned), &decision)
                switch transition {
                case .next(let name)?:
                    step = .enter(name, output)
                case .end?, nil:
                    endFrame(f, output: output, &decision)
                    return true
                }

            case .runtimeFailure(let error):
                guard let frame = frames[f]?.frame else { return true }
                let prefixed = StatesError(
                    error.error,
                    cause:
                        "An error occurred while executing the state '\(frame.stateName)' (entered at the event id #\(frame.enteredEventId)). \(error.cause)"
                )
                if error.error == StatesError.Name.queryEvaluationError {
                    emit(
                        f,
                        .evaluationFailed(state: frame.stateName, error: prefixed.error, cause: prefixed.cause),
                        &decision
                    )
                    if frame.stateType == .map { emit(f, .mapStateFailed(error: nil, cause: nil), &decision) }
                }
                step = .fail(prefixed)

            case .fail(let error), .childrenFailed(let error):
                guard let state = currentState(of: f), let frame = frames[f]?.frame else { return true }
                if let retry = retryDecision(state, frame, error, &decision) {
                    emit(f, .timerScheduled(timerId: nextTimerId, due: retry.due, reason: retry.reason), &decision)
                    return false
                }
                if case .childrenFailed = step {
                    // AWS reports a Map/Parallel failure only once no retry is left.
                    if state.type == .map {
                        if case .map(let map) = state.kind, map.mode == .distributed {
                            emit(f, .mapRunFailed(error: error.error.nilIfEmpty, cause: error.cause.nilIfEmpty), &decision)
                        }
                        emit(f, .mapStateFailed(error: nil, cause: nil), &decision)
                    } else {
                        emit(f, .parallelStateFailed(error: nil, cause: nil), &decision)
                    }
                }
                if let catcher = state.catchers.first(where: { $0.errorEquals.matchesError(error.error) }) {
                    var errorOutput = JSONObject()
                    errorOutput["Error"] = .string(error.error)
                    errorOutput["Cause"] = .string(error.cause)
                    do {
                        let scope = self.scope(of: f, for: state)
                        let output = try DataFlow.merge(.object(errorOutput), into: frame.stateInput, at: catcher.resultPath)
                        var assigned: JSONObject?
                        if let assign = catcher.assign {
                            assigned = try DataFlow.evaluate(
                                assign,
                                input: .object(errorOutput),
                                scope: scope,
                                random: &decision.random
                            ).objectValue
                        }
                        emit(
                            f,
                            .stateExited(state.type, name: state.name, output: output, assignedVariables: assigned),
                            &decision
                        )
                        step = .enter(catcher.next, output)
                    } catch {
                        failFrame(f, error, &decision)
                        return true
                    }
                    continue
                }
                failFrame(f, error, &decision)
                return true
            }
        }
        return true
    }

    /// Applies OutputPath and Assign and returns the exit step.
    ///
    /// - Parameters:
    ///   - effective: what `$` means for Assign (the result after ResultSelector,
    ///     or the effective input for states without a result).
    ///   - result: the state output before OutputPath.
    private mutating func leave(
        _ f: Int,
        _ state: State,
        effective: JSONValue,
        result: JSONValue,
        scope: Scope,
        _ decision: inout Decision
    ) throws(StatesError) -> Step {
        if state.queryLanguage == .jsonata {
            // `$states.result` exists for states that produce one (Task, Map, Parallel).
            let hasResult = state.type == .task || state.type == .map || state.type == .parallel
            let bindings = JSONataBindings(
                scope: scope,
                input: frames[f]?.frame.stateInput ?? effective,
                result: hasResult ? result : nil
            )
            return try jsonataExit(state, bindings, defaultOutput: result, transition: state.transition, &decision)
        }
        var assigned: JSONObject?
        if let assign = state.assign {
            assigned = try DataFlow.evaluate(assign, input: effective, scope: scope, random: &decision.random).objectValue
        }
        let output = try DataFlow.select(state.outputPath, from: result, scope: scope)
        return .exit(output: output, assigned: assigned, transition: state.transition)
    }

    // MARK: States

    /// Does a state's work. Returns the next step, or `nil` when the frame now
    /// waits (a task, a timer, children).
    private mutating func execute(_ f: Int, _ state: State, _ decision: inout Decision) throws(StatesError) -> Step? {
        // The caller found `state` through this frame, so the frame exists. Fields
        // are read one by one: holding a copy of the frame would make the events
        // applied below copy it again.
        let stateInput = frames[f]!.frame.stateInput
        let scope = self.scope(of: f, for: state)
        let isJSONata = state.queryLanguage == .jsonata
        let bindings = isJSONata ? JSONataBindings(scope: scope, input: stateInput) : nil
        switch state.kind {
        case .pass(let result):
            let effective = try DataFlow.select(state.inputPath, from: stateInput, scope: scope)
            let value: JSONValue
            if let result {
                value = result
            } else if let parameters = state.parameters {
                value = try DataFlow.evaluate(parameters, input: effective, scope: scope, random: &decision.random)
            } else {
                value = effective
            }
            return .complete(value)

        case .succeed:
            if let bindings {
                return try jsonataExit(state, bindings, defaultOutput: stateInput, assign: .some(nil), transition: .end, &decision)
            }
            let effective = try DataFlow.select(state.inputPath, from: stateInput, scope: scope)
            let output = try DataFlow.select(state.outputPath, from: effective, scope: scope)
            return .exit(output: output, assigned: nil, transition: .end)

        case .fail(let fail):
            if let bindings {
                let error = try jsonataValue(state.jsonata.error, field: "Error", bindings, &decision)
                let cause = try jsonataValue(state.jsonata.cause, field: "Cause", bindings, &decision)
                return .fail(StatesError(error.map(Self.plain) ?? "", cause: cause.map(Self.plain) ?? ""))
            }
            // `ErrorPath` and `CausePath`, when given, replace `Error` and `Cause`.
            func text(_ fixed: String?, or path: DynamicValue?, field: String) throws(StatesError) -> String {
                guard let path else { return fixed ?? "" }
                let value = try DataFlow.resolve(path, field: field, input: stateInput, scope: scope, random: &decision.random)
                return value.stringValue ?? value.serialized
            }
            let error = try text(fail.error, or: fail.errorPath, field: "ErrorPath")
            let cause = try text(fail.cause, or: fail.causePath, field: "CausePath")
            // Through `.fail` (a Fail state has no Retry or Catch), so that a Fail
            // state ending a Map iteration or Parallel branch lets its parent go on.
            return .fail(StatesError(error, cause: cause))

        case .choice(let choice):
            if let bindings {
                for rule in state.jsonata.choices {
                    let matched = try rule.condition.evaluate(
                        field: "Condition",
                        expecting: "boolean",
                        bindings,
                        now: decision.now,
                        random: &decision.random
                    )
                    guard matched == .bool(true) else { continue }
                    return try jsonataExit(
                        state,
                        bindings,
                        defaultOutput: stateInput,
                        assign: .some(rule.assign ?? state.jsonata.assign),
                        output: .some(rule.output ?? state.jsonata.output),
                        transition: .next(rule.next),
                        &decision
                    )
                }
                guard let next = choice.defaultNext else {
                    throw StatesError(StatesError.Name.noChoiceMatched, cause: "No Matches!")
                }
                return try jsonataExit(state, bindings, defaultOutput: stateInput, transition: .next(next), &decision)
            }
            let effective = try DataFlow.select(state.inputPath, from: stateInput, scope: scope)
            let resolve = { (path: JSONPath) throws(StatesError) -> JSONValue? in
                DataFlow.read(path, input: effective, scope: scope)
            }
            var target: String?
            var assignTemplate = state.assign
            for (index, rule) in choice.choices.enumerated() where try rule.matches(resolve: resolve) {
                target = rule.next
                if index < choice.ruleAssigns.count, let ruleAssign = choice.ruleAssigns[index] {
                    assignTemplate = ruleAssign
                }
                break
            }
            guard let next = target ?? choice.defaultNext else {
                throw StatesError(StatesError.Name.noChoiceMatched, cause: "No Matches!")
            }
            var assigned: JSONObject?
            if let assignTemplate {
                assigned = try DataFlow.evaluate(assignTemplate, input: effective, scope: scope, random: &decision.random)
                    .objectValue
            }
            let output = try DataFlow.select(state.outputPath, from: effective, scope: scope)
            return .exit(output: output, assigned: assigned, transition: .next(next))

        case .wait(let wait):
            let effective = try DataFlow.select(state.inputPath, from: stateInput, scope: scope)
            var due: Timestamp
            var wait = wait
            if let bindings, let template = state.jsonata.seconds {
                let seconds = try template.integer(field: "Seconds", bindings, now: decision.now, random: &decision.random)
                guard seconds >= 0 else {
                    throw StatesError(
                        StatesError.Name.queryEvaluationError,
                        cause: "The JSONata expression '\(template.quotedText)' specified for the field 'Seconds' returned a negative value: \(seconds)"
                    )
                }
                wait = .seconds(seconds)
            } else if let bindings, let template = state.jsonata.timestamp {
                let value = try template.evaluate(
                    field: "Timestamp",
                    expecting: "string",
                    bindings,
                    now: decision.now,
                    random: &decision.random
                )
                guard let text = value.stringValue, let time = Timestamp(iso8601: text) else {
                    throw StatesError(
                        StatesError.Name.queryEvaluationError,
                        cause: "The JSONata expression '\(template.quotedText)' specified for the field 'Timestamp' returned an invalid timestamp: \(value.serialized)"
                    )
                }
                wait = .timestamp(time, text: text)
            }
            switch wait {
            case .seconds(let seconds):
                due = decision.now.adding(seconds: Int64(seconds))
            case .timestamp(let time, _):
                due = time
            case .secondsPath(let path):
                guard let value = DataFlow.read(path.jsonPath, input: effective, scope: scope) else {
                    throw .runtime("The SecondsPath parameter does not reference an input value: \(path.text)")
                }
                guard case .integer(let seconds) = value else {
                    throw .runtime(
                        "The SecondsPath parameter cannot be parsed as a long value: \(path.text) == \(Self.plain(value))"
                    )
                }
                guard seconds >= 0 else {
                    throw .runtime(
                        "The SecondsPath parameter references a negative value: \(path.text) == \(Self.plain(value))"
                    )
                }
                due = decision.now.adding(seconds: Int64(seconds))
            case .timestampPath(let path):
                guard let value = DataFlow.read(path.jsonPath, input: effective, scope: scope) else {
                    throw .runtime("The TimestampPath parameter does not reference an input value: \(path.text)")
                }
                guard let text = value.stringValue, let time = Timestamp(iso8601: text) else {
                    throw .runtime(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: \(path.text) == \(Self.plain(value))"
                    )
                }
                due = time
            }
            if due <= decision.now { return .waitElapsed }
            emit(f, .timerScheduled(timerId: nextTimerId, due: due, reason: .wait), &decision)
            return nil

        case .task(let task):
            if let reason = decision.resources.unavailable(task.resource) { throw .runtime(reason) }
            // Callback tasks get their token now, here and nowhere else: drawn from the
            // command's secret (or entropy) and recorded in TaskScheduled, so
            // `$$.Task.Token` can be passed on and the engine answers by it.
            var token: String?
            if TaskResource.takesToken(task.resource) {
                token = Self.taskToken(&decision)
            }
            var scope = scope
            scope.taskToken = token
            let effective = try DataFlow.select(state.inputPath, from: stateInput, scope: scope)
            var parameters = effective
            if let template = state.parameters {
                parameters = try DataFlow.evaluate(template, input: effective, scope: scope, random: &decision.random)
            }
            var timeout = task.timeoutSeconds
            var heartbeat = task.heartbeatSeconds
            if isJSONata {
                let bindings = JSONataBindings(scope: scope, input: stateInput)
                parameters = try jsonataValue(state.jsonata.arguments, field: "Arguments", bindings, &decision) ?? stateInput
                if let template = state.jsonata.timeoutSeconds {
                    timeout = try template.integer(field: "TimeoutSeconds", bindings, now: decision.now, random: &decision.random)
                }
                if let template = state.jsonata.heartbeatSeconds {
                    heartbeat = try template.integer(
                        field: "HeartbeatSeconds",
                        bindings,
                        now: decision.now,
                        random: &decision.random
                    )
                }
            }
            if timeout == nil { timeout = try positiveSeconds(task.timeoutSecondsPath, "TimeoutSecondsPath", effective, scope) }
            if heartbeat == nil {
                heartbeat = try positiveSeconds(task.heartbeatSecondsPath, "HeartbeatSecondsPath", effective, scope)
            }
            // The task's id is its TaskScheduled event id; inside a distributed map
            // run events have no id, so the task gets a negative internal number.
            let taskId = frames[f]!.frame.hidden ? -nextTimerId : lastEventId + 1
            var scheduled = ScheduledTask(
                taskId: taskId,
                stateName: state.name,
                resource: task.resource,
                parameters: parameters,
                timeoutSeconds: timeout,
                heartbeatSeconds: heartbeat,
                attempt: frames[f]!.frame.retryCount,
                enteredEventId: frames[f]!.frame.enteredEventId,
                credentials: task.credentials
            )
            scheduled.taskToken = token
            emit(f, .taskScheduled(scheduled), &decision)
            if let timeout {
                emit(
                    f,
                    .timerScheduled(
                        timerId: nextTimerId,
                        due: decision.now.adding(seconds: Int64(timeout)),
                        reason: .taskTimeout(taskId: taskId)
                    ),
                    &decision
                )
            }
            return nil

        case .parallel(let parallel):
            let effective = try DataFlow.select(state.inputPath, from: stateInput, scope: scope)
            var input = effective
            if let template = state.parameters {
                input = try DataFlow.evaluate(template, input: effective, scope: scope, random: &decision.random)
            }
            if let bindings {
                input = try jsonataValue(state.jsonata.arguments, field: "Arguments", bindings, &decision) ?? stateInput
            }
            emit(f, .parallelStateStarted(branches: parallel.branches.count, input: input), &decision)
            return advanceChildren(f, &decision)

        case .map(let map):
            let effective = try DataFlow.select(state.inputPath, from: stateInput, scope: scope)
            var itemsValue = try DataFlow.select(map.itemsPath, from: effective, scope: scope)
            var maxConcurrency = map.maxConcurrency
            var tolerance = FailureTolerance(count: map.toleratedFailureCount, percentage: map.toleratedFailurePercentage)
            if let bindings {
                let now = decision.now
                if let template = state.jsonata.items {
                    itemsValue = try template.evaluate(field: "Items", expecting: "array", bindings, now: now, random: &decision.random)
                }
                if let template = state.jsonata.maxConcurrency {
                    maxConcurrency = try template.integer(field: "MaxConcurrency", bindings, now: now, random: &decision.random)
                }
                if let template = state.jsonata.toleratedFailureCount {
                    tolerance.count = try template.integer(
                        field: "ToleratedFailureCount",
                        bindings,
                        now: now,
                        random: &decision.random
                    )
                }
                if let template = state.jsonata.toleratedFailurePercentage {
                    let value = try template.evaluate(
                        field: "ToleratedFailurePercentage",
                        expecting: "number",
                        bindings,
                        now: now,
                        random: &decision.random
                    )
                    tolerance.percentage = value.doubleValue
                }
            }
            var pathError: StatesError?
            // AWS reads MaxConcurrencyPath before it starts the state, the
            // tolerance paths after (their failures follow MapStateStarted).
            if let path = map.maxConcurrencyPath {
                maxConcurrency = try integerField(path, "MaxConcurrencyPath", effective, scope)
            }
            do throws(StatesError) {
                if let path = map.toleratedFailureCountPath {
                    let count = try integerField(path, "ToleratedFailureCountPath", effective, scope)
                    if count < 0 { throw StatesError.runtime("ToleratedFailureCount cannot be negative.") }
                    tolerance.count = count
                }
                if let path = map.toleratedFailurePercentagePath {
                    guard let value = DataFlow.read(path.jsonPath, input: effective, scope: scope),
                        let percentage = value.doubleValue ?? value.stringValue.flatMap(Double.init)
                    else {
                        let value = DataFlow.read(path.jsonPath, input: effective, scope: scope) ?? .null
                        throw StatesError.runtime(
                            "The ToleratedFailurePercentagePath field refers to value \"\(Self.plain(value))\" which is not a valid float: \(path.text)"
                        )
                    }
                    if percentage < 0 || percentage > 100 {
                        throw StatesError.runtime("ToleratedFailurePercentage must be between 0 and 100.")
                    }
                    tolerance.percentage = percentage
                }
            } catch {
                pathError = error
            }
            if map.usesS3IO {
                throw .runtime(
                    "ItemReader and ResultWriter are not supported by Stepline yet; pass the items in the state input."
                )
            }
            guard case .array(var items) = itemsValue else {
                let cause = "Map state input must be an array but was: \(itemsValue.serialized)"
                throw isJSONata ? StatesError(StatesError.Name.queryEvaluationError, cause: cause) : .runtime(cause)
            }
            if let batcher = map.itemBatcher {
                items = try batches(of: items, batcher, map, state, f, effective: effective, scope: scope, &decision)
            }
            emit(
                f,
                .mapStateStarted(
                    length: items.count,
                    items: items,
                    maxConcurrency: maxConcurrency,
                    tolerance: tolerance
                ),
                &decision
            )
            if let pathError { throw pathError }
            if map.mode == .distributed {
                let start = self.start
                let label = map.label.map { "\($0):" } ?? ""
                let arn =
                    "\(start?.stateMachineArn.replacingFirst(":stateMachine:", with: ":mapRun:") ?? "")/\(label)\(state.name):\(frames[f]!.frame.enteredEventId)"
                emit(f, .mapRunStarted(mapRunArn: arn), &decision)
            }
            return advanceChildren(f, &decision)
        }
    }

    /// Groups items (after ItemSelector) into `{"BatchInput", "Items"}` batches.
    private func batches(
        of items: [JSONValue],
        _ batcher: ItemBatcher,
        _ map: MapState,
        _ state: State,
        _ f: Int,
        effective: JSONValue,
        scope: Scope,
        _ decision: inout Decision
    ) throws(StatesError) -> [JSONValue] {
        var maxItems = batcher.maxItemsPerBatch ?? Int.max
        if let path = batcher.maxItemsPerBatchPath {
            maxItems = try integerField(path, "MaxItemsPerBatchPath", effective, scope)
            if maxItems <= 0 { throw .runtime("MaxItemsPerBatch must be a positive integer.") }
        }
        let maxBytes = batcher.maxInputBytesPerBatch ?? Int.max
        var batchInput: JSONValue?
        if let template = batcher.batchInput {
            batchInput = try DataFlow.evaluate(template, input: effective, scope: scope, random: &decision.random)
        }
        var batches: [JSONValue] = []
        var current: [JSONValue] = []
        var currentBytes = 0
        func close() {
            guard !current.isEmpty else { return }
            var batch = JSONObject()
            if let batchInput { batch["BatchInput"] = batchInput }
            batch["Items"] = .array(current)
            batches.append(.object(batch))
            current = []
            currentBytes = 0
        }
        for (index, item) in items.enumerated() {
            var selected = item
            if let selector = map.itemSelector {
                let itemScope = self.scope(of: f, mapItem: (index, item))
                selected = try DataFlow.evaluate(selector, input: effective, scope: itemScope, random: &decision.random)
            }
            let bytes = selected.serialized.utf8.count
            if current.count >= maxItems || (!current.isEmpty && currentBytes + bytes > maxBytes) { close() }
            current.append(selected)
            currentBytes += bytes
        }
        close()
        return batches
    }

    private func positiveSeconds(
        _ path: StatesPath?,
        _ field: String,
        _ input: JSONValue,
        _ scope: Scope
    )
        throws(StatesError) -> Int?
    {
        guard let path else { return nil }
        guard let value = DataFlow.read(path.jsonPath, input: input, scope: scope), case .integer(let seconds) = value,
            seconds > 0
        else {
            throw .runtime("The \(field) field does not reference a positive integer: \(path.text)")
        }
        return seconds
    }

    private func integerField(
        _ path: StatesPath,
        _ field: String,
        _ input: JSONValue,
        _ scope: Scope
    )
        throws(StatesError) -> Int
    {
        let value = DataFlow.read(path.jsonPath, input: input, scope: scope) ?? .null
        if let number = value.integerValue { return number }
        if let text = value.stringValue, let number = Int(text) { return number }
        throw .runtime(
            "The \(field) field refers to value \"\(Self.plain(value))\" which is not a valid integer: \(path.text)"
        )
    }

    /// A task token, 32 lowercase hex digits: the first 128 bits of
    /// SHA-256(secret ‖ counter) when the command carries a secret, so tokens are
    /// unguessable and unrelated to each other; otherwise from the command's
    /// entropy (reproducible embedded runs).
    static func taskToken(_ decision: inout Decision) -> String {
        if let secret = decision.tokenSecret {
            var hasher = SHA256()
            hasher.update(data: secret)
            withUnsafeBytes(of: decision.tokensMade.bigEndian) { hasher.update(bufferPointer: $0) }
            decision.tokensMade += 1
            return hasher.finalize().prefix(16).hexEncoded
        }
        var bytes: [UInt8] = []
        for _ in 0..<2 {
            var word = decision.random.next()
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return bytes.hexEncoded
    }

    /// Step Functions' limit on a state's input, output or result: 256 KiB of UTF-8 JSON.
    static let payloadSizeLimit = 262_144

    /// A value as AWS prints it inside a cause: strings bare, everything else as JSON.
    static func plain(_ value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return value.serialized
    }

    // MARK: Map and Parallel

    /// Starts children while the concurrency limit allows, and decides the
    /// state's outcome once they are done. Returns `nil` while children still run.
    mutating func advanceChildren(_ f: Int, _ decision: inout Decision) -> Step? {
        // Only scalars and single items are read out of the progress here: a
        // local copy of it would share its result arrays while events are
        // applied, and copy them (quadratic for a large Map).
        while status == .running {
            guard f < frames.count, frames[f]?.frame.children != nil, let state = frames[f]?.frame.current else { return nil }
            let isMap = frames[f]!.frame.children!.isMap
            let distributed = frames[f]!.frame.children!.distributed
            let failed = frames[f]!.frame.children!.failed
            let total = frames[f]!.frame.children!.total
            let tolerance = frames[f]!.frame.children!.tolerance
            if tolerance.isExceeded(failed: failed, total: total) || (!isMap && failed > 0) {
                // Abort what still runs, then fail the state.
                let running = frames[f]!.frame.children!.frameOfIndex.keys.sorted()
                let lastFailure = frames[f]!.frame.children!.lastFailure
                for index in running {
                    if isMap {
                        emit(f, .mapIterationAborted(name: state.name, index: index), hidden: distributed, &decision)
                    } else {
                        emit(f, .branchAborted(index: index), &decision)
                    }
                }
                var error = lastFailure ?? StatesError(StatesError.Name.branchFailed)
                if isMap && (tolerance.isConfigured || distributed) {
                    error = StatesError(
                        StatesError.Name.exceedToleratedFailureThreshold,
                        cause: "The specified tolerated failure threshold was exceeded"
                    )
                }
                return .childrenFailed(error)
            }
            if frames[f]!.frame.children!.isComplete {
                let results = JSONValue.array(frames[f]!.frame.children!.results.map { $0 ?? .null })
                if isMap {
                    if distributed { emit(f, .mapRunSucceeded, &decision) }
                    emit(f, .mapStateSucceeded, &decision)
                } else {
                    emit(f, .parallelStateSucceeded, &decision)
                }
                return .complete(results)
            }
            guard frames[f]!.frame.children!.canStartMore else { return nil }
            let index = frames[f]!.frame.children!.nextIndex
            let child = nextFrameId
            if isMap {
                guard case .map(let map) = state.kind else { return nil }
                let item = frames[f]!.frame.children!.items[index]
                var input = item
                // With an ItemBatcher the selector already ran when batches were made.
                if state.queryLanguage == .jsonata, let selector = state.jsonata.itemSelector {
                    let scope = self.scope(of: f, mapItem: (index, item))
                    let bindings = JSONataBindings(scope: scope, input: frames[f]!.frame.stateInput)
                    do {
                        input = try selector.evaluate(field: "ItemSelector", bindings, now: decision.now, random: &decision.random)
                    } catch {
                        return .runtimeFailure(error)
                    }
                } else if let selector = map.itemSelector, map.itemBatcher == nil {
                    let scope = self.scope(of: f, mapItem: (index, item))
                    do {
                        let effective = try DataFlow.select(state.inputPath, from: frames[f]!.frame.stateInput, scope: scope)
                        input = try DataFlow.evaluate(selector, input: effective, scope: scope, random: &decision.random)
                    } catch {
                        return .runtimeFailure(error)
                    }
                }
                emit(
                    f,
                    .mapIterationStarted(name: state.name, index: index, input: input, childFrame: child),
                    hidden: distributed,
                    &decision
                )
                _ = run(child, .enter(map.processor.startAt, input), &decision)
            } else {
                guard case .parallel(let parallel) = state.kind else { return nil }
                let input = frames[f]!.frame.children!.items.first ?? .null
                emit(f, .branchStarted(index: index, input: input, childFrame: child), &decision)
                _ = run(child, .enter(parallel.branches[index].startAt, input), &decision)
            }
        }
        return nil
    }

    /// A frame reached an end state with `output`.
    private mutating func endFrame(_ f: Int, output: JSONValue, _ decision: inout Decision) {
        guard f < frames.count, let role = frames[f]?.frame.role, let parent = frames[f]?.frame.parent else { return }
        switch role {
        case .root:
            emit(0, .executionSucceeded(output: output), &decision)
        case .mapIteration(let index):
            let name = frames[parent]?.frame.stateName ?? ""
            let distributed = frames[parent]?.frame.children?.distributed ?? false
            emit(
                parent,
                .mapIterationSucceeded(name: name, index: index, output: output),
                hidden: distributed,
                &decision
            )
        case .branch(let index):
            emit(parent, .branchSucceeded(index: index, output: output), &decision)
        }
    }

    /// A frame failed with `error` that nothing in it caught.
    private mutating func failFrame(_ f: Int, _ error: StatesError, _ decision: inout Decision) {
        guard f < frames.count, let role = frames[f]?.frame.role, let parent = frames[f]?.frame.parent else { return }
        let errorName = error.error.nilIfEmpty
        let cause = error.cause.nilIfEmpty
        switch role {
        case .root:
            emit(0, .executionFailed(error: errorName, cause: cause), &decision)
        case .mapIteration(let index):
            let name = frames[parent]?.frame.stateName ?? ""
            let distributed = frames[parent]?.frame.children?.distributed ?? false
            emit(
                parent,
                .mapIterationFailed(name: name, index: index, error: errorName, cause: cause),
                hidden: distributed,
                &decision
            )
        case .branch(let index):
            emit(parent, .branchFailed(index: index, error: errorName, cause: cause), &decision)
        }
    }

    // MARK: Retry

    private func retryDecision(
        _ state: State,
        _ frame: Frame,
        _ error: StatesError,
        _ decision: inout Decision
    )
        -> (due: Timestamp, reason: TimerReason)?
    {
        for (index, retrier) in state.retry.enumerated() where retrier.errorEquals.matchesError(error.error) {
            let attempts = index < frame.retryAttempts.count ? frame.retryAttempts[index] : 0
            guard attempts < retrier.maxAttempts else { return nil }
            var delay = Double(retrier.intervalSeconds) * pow(retrier.backoffRate, attempts)
            if let cap = retrier.maxDelaySeconds { delay = min(delay, Double(cap)) }
            if retrier.jitter == .full {
                delay = Double.random(in: 0...delay, using: &decision.random)
            }
            let milliseconds = Int64(min(delay * 1000, 1e15).rounded())
            return (
                decision.now.adding(milliseconds: milliseconds),
                .retry(retrier: index, attempt: attempts + 1, error: error.error, cause: error.cause)
            )
        }
        return nil
    }

    // MARK: Scope

    /// What paths in frame `f` can read.
    func scope(of f: Int, for state: State? = nil, mapItem: (Int, JSONValue)? = nil) -> Scope {
        guard f >= 0, f < frames.count, frames[f] != nil, state?.readsScope ?? true else {
            return Scope(
                variables: JSONObject(),
                outerVariables: [],
                startBox: startBox,
                startTime: startTime,
                stateName: "",
                stateType: .pass,
                enteredTime: startTime,
                retryCount: 0,
                mapItem: nil
            )
        }
        var outer: [JSONObject] = []
        var current = frames[f]!.frame.parent
        while current >= 0, current < frames.count, frames[current] != nil {
            if !frames[current]!.frame.variables.isEmpty { outer.append(frames[current]!.frame.variables) }
            current = frames[current]!.frame.parent
        }
        // Checked above: frame `f` exists.
        return Scope(
            variables: frames[f]!.frame.variables,
            outerVariables: outer,
            startBox: startBox,
            startTime: startTime,
            stateName: frames[f]!.frame.stateName,
            stateType: frames[f]!.frame.stateType,
            enteredTime: frames[f]!.frame.enteredTime,
            retryCount: frames[f]!.frame.retryCount,
            mapItem: mapItem.map { (index: $0.0, value: $0.1) }
        )
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }

    /// The text with the first `target` replaced (no Foundation in the pure core).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let characters = Array(self)
        let pattern = Array(target)
        guard !pattern.isEmpty, characters.count >= pattern.count else { return self }
        for start in 0...(characters.count - pattern.count) where Array(characters[start..<start + pattern.count]) == pattern {
            return String(characters[..<start]) + replacement + String(characters[(start + pattern.count)...])
        }
        return self
    }
}

private func pow(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<max(0, min(exponent, 1000)) { result *= base }
    return result
}
