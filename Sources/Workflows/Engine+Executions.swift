package import EventLog
import Foundation
import HeapModule
import JSON
import LMDB
package import Runtime
public import StatesLanguage

/// What ``Engine/startExecution(stateMachineArn:name:input:parentExecutionArn:)`` answers.
public struct StartedExecution: Sendable, Hashable {
    public var executionArn: String
    /// Milliseconds since the Unix epoch.
    public var startDate: Int64
}

/// One page of ``Engine/history(executionArn:reverseOrder:maxResults:nextToken:)``.
public struct HistoryPage: Sendable {
    /// Step Functions events (ids 1, 2, …) in the order asked for.
    public var events: [HistoryEvent]
    /// Pass it back to get the next page; `nil` on the last page.
    public var nextToken: String?
}

/// One page of ``Engine/listExecutions(stateMachineArn:status:maxResults:nextToken:)``.
public struct ExecutionPage: Sendable {
    /// Newest first.
    public var executions: [ExecutionDescription]
    public var nextToken: String?
}

extension Engine {
    // MARK: Starting

    /// Starts an execution of the state machine's current revision.
    ///
    /// Idempotent by name, as AWS: starting a name that is running with the same
    /// input returns that execution; a different input, or a name whose execution
    /// has finished, is `ExecutionAlreadyExists`. The answer comes after the
    /// start (and whatever the execution did without waiting, for example a whole
    /// chain of Pass states) is committed.
    /// - Parameters:
    ///   - name: the execution name (default: a random UUID).
    ///   - input: JSON text (default `{}`).
    ///   - revisionId: the revision to run (a version's); default the machine's current one.
    ///   - versionArn: the version started (``StateMachineVersions/resolve(_:)``), kept with the execution.
    ///   - aliasArn: the alias started through, kept with the execution.
    /// - Throws: ``EngineError`` `StateMachineDoesNotExist`, `InvalidName`,
    ///   `InvalidExecutionInput`, `ExecutionAlreadyExists`, or a storage ``ServiceError``.
    public func startExecution(
        stateMachineArn: String,
        name: String? = nil,
        input: String? = nil,
        parentExecutionArn: String? = nil,
        revisionId: String? = nil,
        versionArn: String? = nil,
        aliasArn: String? = nil
    ) async throws -> StartedExecution {
        try await startExecution(
            stateMachineArn: stateMachineArn, name: name, input: input, parentExecutionArn: parentExecutionArn,
            revisionId: revisionId, versionArn: versionArn, aliasArn: aliasArn, applying: nil)
    }

    /// ``startExecution(stateMachineArn:name:input:parentExecutionArn:revisionId:versionArn:aliasArn:)``
    /// applying the start command committed at `command`: the mark that it was applied
    /// (``EngineRecordKind/startApplied``) is committed with the start step, or alone when
    /// the execution was already running with the same input.
    package func startExecution(
        stateMachineArn: String,
        name: String? = nil,
        input: String? = nil,
        parentExecutionArn: String? = nil,
        revisionId: String? = nil,
        versionArn: String? = nil,
        aliasArn: String? = nil,
        applying command: SequenceNumber?
    ) async throws -> StartedExecution {
        let name = name ?? UUID().uuidString.lowercased()
        try Self.validateName(name)
        let inputValue: JSONValue
        do { inputValue = try JSONParser.parse(input ?? "{}") } catch {
            throw EngineError(.invalidExecutionInput, "Invalid State Machine Execution Input: '\(error)'")
        }
        guard let machine = try storedStateMachine(stateMachineArn) else {
            throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(stateMachineArn)'")
        }
        let arn = executionArn(machineName: machine.name, name: name, in: context.scope(ofArn: machine.stateMachineArn))
        await acquire(arn)
        defer { release(arn) }
        if let running = open[arn] {
            guard running.row.input == inputValue else {
                throw EngineError(.executionAlreadyExists, "Execution Already Exists: '\(arn)'")
            }
            if let command {
                let applied = StartApplied(command: command, executionArn: arn)
                try await log.append([applied.record(stream: StreamID(running.row.stream), at: now())], about: arn)
            }
            return StartedExecution(executionArn: arn, startDate: running.row.startDate)
        }
        if try storedExecution(arn) != nil {
            throw EngineError(.executionAlreadyExists, "Execution Already Exists: '\(arn)'")
        }
        let revisionId = revisionId ?? machine.revisionId
        let definition = try definition(machineArn: machine.stateMachineArn, revisionId: revisionId)
        let stream = nextStream
        nextStream += 1
        let time = now()
        var state = ExecutionState(definition: definition)
        let start = ExecutionStart(
            input: inputValue,
            executionArn: arn,
            executionName: name,
            stateMachineArn: machine.stateMachineArn,
            stateMachineName: machine.name,
            roleArn: machine.roleArn
        )
        let events = try decide(&state, .start(start), at: time)
        var row = ExecutionDescription(
            executionArn: arn,
            stateMachineArn: machine.stateMachineArn,
            name: name,
            status: .running,
            startDate: time,
            input: inputValue,
            revisionId: revisionId,
            stream: stream,
            parentExecutionArn: parentExecutionArn
        )
        row.stateMachineVersionArn = versionArn
        row.stateMachineAliasArn = aliasArn
        // An input too deep to record even in a failed start is the caller's to fix.
        _ = try await commit(
            arn, before: nil, state: state, row: row, events: events, at: time, started: true,
            applying: command.map { StartApplied(command: $0, executionArn: arn).record(stream: StreamID(stream), at: time) },
            unrecordable: .failExecution(orRefuse: .invalidExecutionInput))
        return StartedExecution(executionArn: arn, startDate: time)
    }

    /// AWS's rule for execution, state machine and activity names.
    package static func validateName(_ name: String) throws {
        let forbidden = Set(" \t\n\r<>{}[]?*\"#%\\^|~`$&,;:/")
        guard (1...80).contains(name.count),
            !name.contains(where: { forbidden.contains($0) || $0.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } })
        else {
            throw EngineError(.invalidName, "Invalid Name: '\(name)'")
        }
    }

    /// `arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME`, in its state machine's `scope`.
    package nonisolated func executionArn(machineName: String, name: String, in scope: ResourceScope) -> String {
        scope.arn("states", "execution:\(machineName):\(name)")
    }

    // MARK: Deciding and committing

    /// Runs `kind` through the pure core on `state`: the one place a command gets the
    /// time, fresh entropy, the secret its task tokens are drawn from, and what the
    /// engine knows of the resources its Task states name (which activities exist).
    package func decide(_ state: inout ExecutionState, _ kind: ExecutionCommand.Kind, at time: Int64) throws -> [HistoryEvent] {
        let command = ExecutionCommand(
            now: Timestamp(millisecondsSinceEpoch: time),
            entropy: UInt64.random(in: 0...UInt64.max, using: &random),
            tokenSecret: tokenSecret(),
            resources: ResourceCatalog(activities: activityArns),
            kind
        )
        do { return try state.handle(command) } catch {
            throw EngineError(
                error.reason == .notRunning ? .executionDoesNotExist : .taskDoesNotExist,
                error.message
            )
        }
    }

    /// Decides `kind` for the open execution `arn` and commits the step, with
    /// `companions` (records about the step, such as who decided a task) in the
    /// same transaction.
    /// - Throws: ``EngineError`` when the execution is not running or the command does not fit.
    /// `applying` marks a start command applied by this step (a refusal failing the
    /// parent's task); unlike `companions` it is kept in a failure step too.
    @discardableResult
    package func advance(
        _ arn: String,
        _ kind: ExecutionCommand.Kind,
        companions: [Record] = [],
        applying: Record? = nil,
        unrecordable: Unrecordable = .failExecution(orRefuse: .storage)
    ) async throws -> ExecutionDescription {
        await acquire(arn)
        defer { release(arn) }
        guard let execution = open[arn] else {
            throw EngineError(.executionDoesNotExist, "Execution is not running: '\(arn)'")
        }
        var state = execution.state
        let time = now()
        let events = try decide(&state, kind, at: time)
        return try await commit(
            arn, before: execution, state: state, row: execution.row, events: events, at: time, companions: companions,
            applying: applying, unrecordable: unrecordable)
    }

    /// What a command does when the step it decided cannot be recorded (its
    /// record would nest deeper than the log can read back).
    package enum Unrecordable {
        /// Fail the execution with `States.Runtime` (its own data grew too deep,
        /// say through `States.StringToJson`), in a step that can be recorded;
        /// refuse with the code when even that one cannot (a start whose input
        /// is too deep) or there is no state to fail from (a redrive).
        case failExecution(orRefuse: EngineError.Code)
        /// Refuse the command with the code and change nothing: the value the
        /// caller sent (a task's output) is what is too deep.
        case refuse(EngineError.Code)
    }

    /// Writes one step and, once it is committed, keeps the new state and runs the effects.
    /// The caller holds `arn`'s lock.
    ///
    /// A step whose record would nest deeper than the log can read back is never
    /// queued; `unrecordable` says what happens instead. A failure step is
    /// committed without `companions` (they are about the command, which did not happen)
    /// but with `applying`, the mark of the start command the step applies (a start that
    /// fails is still the command's start).
    /// - Throws: ``EngineError`` with `unrecordable`'s code, or a storage ``ServiceError`` when the log failed.
    package func commit(
        _ arn: String,
        before: OpenExecution?,
        state: ExecutionState,
        row: ExecutionDescription,
        events: [HistoryEvent],
        at time: Int64,
        started: Bool = false,
        redriveCut: Int? = nil,
        companions: [Record] = [],
        applying: Record? = nil,
        unrecordable policy: Unrecordable = .failExecution(orRefuse: .storage)
    ) async throws -> ExecutionDescription {
        var prepared = prepareStep(
            arn, before: before, state: state, row: row, events: events, at: time, started: started, redriveCut: redriveCut)
        let applying = applying.map { [$0] } ?? []
        var committed: ExecutionStep
        do {
            committed = try await append(prepared, at: time, companions: applying + companions)
        } catch let unrecordable as UnrecordableStep {
            let refusal: EngineError.Code
            switch policy {
            case .refuse(let code): throw EngineError(code, unrecordable.message)
            case .failExecution(let code): refusal = code
            }
            guard
                let failure = failureStep(
                    arn, before: before, decided: state, row: row, events: events, at: time, started: started, reason: unrecordable)
            else { throw EngineError(refusal, unrecordable.message) }
            prepared = failure
            do { committed = try await append(prepared, at: time, companions: applying) } catch let again as UnrecordableStep {
                throw EngineError(refusal, again.message)
            }
        }
        if let stepCommitted { await stepCommitted(arn) }
        await finishStep(prepared, committed)
        return prepared.row
    }

    /// Appends a prepared step (service integrations happen in its own
    /// transaction, Engine+Integrations) with the tokens of the tasks it opens
    /// registered first.
    ///
    /// Why first: the step is visible to every client the moment it commits (a
    /// queue message carrying its token can be received and answered), and this
    /// actor runs other commands before it resumes here. An answer that finds
    /// the token waits for the execution's lock, which the committing command
    /// holds until memory follows the log; one that found nothing would be told
    /// `TaskTimedOut` for a task that is open. A step that does not commit was
    /// seen by nobody, so its tokens are simply withdrawn.
    /// - Throws: ``UnrecordableStep`` (nothing queued), or a storage ``ServiceError``.
    private func append(_ prepared: PreparedStep, at time: Int64, companions: [Record]) async throws -> ExecutionStep {
        let opened = prepared.step.tasksOpened.compactMap { task in task.token.map { (token: $0, taskId: task.task.taskId) } }
        for task in opened { tokens[task.token] = TokenLocation(executionArn: prepared.arn, taskId: task.taskId) }
        do {
            return try await appendStep(
                prepared.step, arn: prepared.arn, stream: prepared.row.stream, at: time, companions: companions)
        } catch {
            for task in opened { tokens[task.token] = nil }
            if error is UnrecordableStep { throw error }
            throw ServiceError.storage(error, about: prepared.arn)
        }
    }

    /// The step that fails the execution with `States.Runtime` because the step
    /// decided for it cannot be recorded: from the state before the command or,
    /// for a start, from the started execution. `nil` when there is neither (a redrive).
    package func failureStep(
        _ arn: String,
        before: OpenExecution?,
        decided: ExecutionState,
        row: ExecutionDescription,
        events: [HistoryEvent],
        at time: Int64,
        started: Bool,
        reason: UnrecordableStep
    ) -> PreparedStep? {
        var state: ExecutionState
        var failure: [HistoryEvent] = []
        if let before {
            state = before.state
        } else if started, let first = events.first, case .executionStarted = first.details {
            state = ExecutionState(definition: decided.definition)
            state.apply(first)
            failure.append(first)
        } else {
            return nil
        }
        let failed = HistoryEvent(
            id: state.lastEventId + 1,
            previousEventId: state.lastEventId,
            timestamp: Timestamp(millisecondsSinceEpoch: time),
            frame: 0,
            details: .executionFailed(error: StatesError.Name.runtime, cause: reason.message)
        )
        state.apply(failed)
        failure.append(failed)
        return prepareStep(arn, before: before, state: state, row: row, events: failure, at: time, started: started)
    }

    /// A step decided and encoded, not yet committed: what ``finishStep(_:_:)``
    /// needs to make memory follow the log once it is.
    package struct PreparedStep {
        package var arn: String
        package var step: ExecutionStep
        package var state: ExecutionState
        package var row: ExecutionDescription
        /// The open tasks' tokens after the step, by task id.
        package var taskTokens: [Int: String]
        /// Tokens of the tasks the step closes.
        package var retired: [String]
    }

    /// Computes the step record of a decision: the execution's new row and the
    /// view changes (tasks opened and closed with their tokens and heartbeat
    /// deadlines, timers armed and cleared) from the states before and after.
    package func prepareStep(
        _ arn: String,
        before: OpenExecution?,
        state: ExecutionState,
        row: ExecutionDescription,
        events: [HistoryEvent],
        at time: Int64,
        started: Bool = false,
        redriveCut: Int? = nil
    ) -> PreparedStep {
        var row = row
        row.update(from: state)
        var step = ExecutionStep(row: row, started: started, redriven: redriveCut != nil, events: events)
        step.redriveCut = redriveCut
        let oldTasks = before?.state.openTasks ?? [:]
        let oldTimers = before?.state.timers ?? [:]
        var taskTokens = before?.tokens ?? [:]
        var retired: [String] = []
        for id in state.openTasks.keys.sorted() where oldTasks[id] == nil {
            // Force-unwrap proven: `id` was just read from `state.openTasks`.
            let task = state.openTasks[id]!
            // The core gives tasks their tokens (recorded in TaskScheduled, read as
            // `$$.Task.Token`), so the one registered here is the one the definition saw.
            // Events recorded before TaskScheduled kept the token have none when a redrive
            // rebuilds them: such a task gets a fresh one.
            let token = task.taskToken ?? (TaskResource.takesToken(task.resource) ? legacyToken(stream: row.stream) : nil)
            // A heartbeat deadline is durable: it is in the step, and each heartbeat
            // is a record that moves it, so recovery re-arms it where it was.
            let heartbeatDue = token == nil ? nil : task.heartbeatSeconds.map { time + Int64($0) * 1000 }
            step.tasksOpened.append(ExecutionStep.OpenTask(task: task, token: token, heartbeatDue: heartbeatDue))
            taskTokens[id] = token
        }
        for id in oldTasks.keys.sorted() where state.openTasks[id] == nil {
            step.tasksClosed.append(id)
            if let token = taskTokens.removeValue(forKey: id) { retired.append(token) }
        }
        for (id, timer) in state.timers.sorted(by: { $0.key < $1.key }) where oldTimers[id] == nil {
            step.timersArmed.append(ExecutionStep.TimerKey(due: timer.due.millisecondsSinceEpoch, timerId: id))
        }
        for (id, timer) in oldTimers.sorted(by: { $0.key < $1.key }) where state.timers[id] == nil {
            step.timersCleared.append(ExecutionStep.TimerKey(due: timer.due.millisecondsSinceEpoch, timerId: id))
        }
        return PreparedStep(arn: arn, step: step, state: state, row: row, taskTokens: taskTokens, retired: retired)
    }

    /// Makes memory follow a committed step: keeps the new state, retires and
    /// registers tokens, arms timers, wakes waiters and dispatches the opened tasks.
    /// `step` is the step as committed, with the outcomes its integration tasks recorded.
    package func finishStep(_ prepared: PreparedStep, _ step: ExecutionStep) async {
        let (arn, state, row) = (prepared.arn, prepared.state, prepared.row)
        for token in prepared.retired {
            tokens[token] = nil
            if heartbeatDeadlines.removeValue(forKey: token) != nil {
                scheduler.cancel(TimerEntry(due: 0, executionArn: arn, kind: .heartbeat(token: token)).key)
            }
        }
        for timer in step.timersCleared {
            scheduler.cancel(TimerEntry(due: timer.due, executionArn: arn, kind: .core(timer.timerId)).key)
        }
        if state.isFinished {
            open[arn] = nil
            completionWaiters.finish(arn, with: row)
        } else {
            open[arn] = OpenExecution(state: state, row: row, tokens: prepared.taskTokens)
        }
        armTimers(of: arn, step.timersArmed.map { TimerKeyInfo(due: $0.due, timerId: $0.timerId) })
        for opened in step.tasksOpened {
            // The token itself was registered before the append (see `append(_:at:companions:)`).
            if let token = opened.token, let due = opened.heartbeatDue { armHeartbeat(token, arn, due: due) }
            // Its start command, committed with the step, is applied from the log (Engine+StartCommands).
            if Self.isStartExecution(opened.task.resource) { continue }
            effectSink.yield(
                .dispatch(
                    executionArn: arn,
                    task: opened.task,
                    token: opened.token,
                    key: Self.idempotencyKey(arn, opened.task, redriveCount: row.redriveCount)
                )
            )
        }
    }

    // MARK: Stopping, describing, listing

    /// Stops a running execution (`ExecutionAborted`). Stopping a finished
    /// execution changes nothing and answers its stop date.
    /// - Throws: ``EngineError`` `ExecutionDoesNotExist`.
    @discardableResult
    public func stopExecution(arn: String, error: String? = nil, cause: String? = nil) async throws -> ExecutionDescription {
        // Not decided on `open[arn]` alone: a start that committed (its ARN already
        // in a message or a listing) is not in memory until the engine takes it
        // in; `stopWithChildren` takes the execution's lock, which waits for that.
        do { return try await stopWithChildren(arn, error: error, cause: cause) } catch let failure as EngineError
            where failure.code == .executionDoesNotExist
        {
            // It is not running (or finished meanwhile): answer with the stored row.
        }
        guard let row = try storedExecution(arn) else {
            throw EngineError(.executionDoesNotExist, "Execution Does Not Exist: '\(arn)'")
        }
        return row
    }

    /// The execution as of the last commit.
    /// - Throws: ``EngineError`` `ExecutionDoesNotExist`.
    public func describeExecution(arn: String) throws -> ExecutionDescription {
        // While a command of `arn` is in flight its committed row may be ahead of memory.
        if let running = open[arn], !busy.contains(arn) { return running.row }
        guard var row = try storedExecution(arn) else {
            throw EngineError(.executionDoesNotExist, "Execution Does Not Exist: '\(arn)'")
        }
        row.checkRedrivablePeriod(now: now())
        return row
    }

    /// Waits until the execution finishes and returns it (for `StartSyncExecution`,
    /// `states:startExecution.sync` and tests).
    /// - Throws: ``EngineError`` `ExecutionDoesNotExist`; `CancellationError` when
    ///   the caller is cancelled first (graceful shutdown), so no wait outlives it.
    public func awaitCompletion(executionArn arn: String) async throws -> ExecutionDescription {
        await settle(arn)
        if open[arn] == nil { return try describeExecution(arn: arn) }
        let waiter = completionWaiters.register(for: arn)
        guard let row = await completionWaiters.wait(waiter, for: arn) else { throw CancellationError() }
        return row
    }

    /// Executions of a state machine, newest first, optionally only those with `status`.
    /// - Throws: ``EngineError`` `StateMachineDoesNotExist`, `InvalidToken` for a bad `nextToken`.
    public nonisolated func listExecutions(
        stateMachineArn: String,
        status: ExecutionStatus? = nil,
        maxResults: Int = 100,
        nextToken: String? = nil
    ) throws -> ExecutionPage {
        guard try readValue(Keys.text(stateMachineArn), in: .stateMachines) != nil else {
            throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(stateMachineArn)'")
        }
        let prefix = Keys.text(stateMachineArn) + [0]
        var start = prefix
        if let nextToken {
            guard let decoded = Data(base64Encoded: nextToken), decoded.starts(with: prefix) else {
                throw EngineError(.invalidToken, "Invalid Token: '\(nextToken)'")
            }
            start = Array(decoded)
        }
        let limit = maxResults <= 0 ? 100 : min(maxResults, 1000)
        return try log.read { transaction in
            try transaction.withCursor(on: db(.executionsByMachine)) { cursor in
                var page: [ExecutionDescription] = []
                var more = try cursor.seek(atLeast: start)
                while more {
                    let key = try cursor.key()
                    guard key.starts(with: prefix) else { break }
                    if page.count == limit {
                        return ExecutionPage(executions: page, nextToken: Data(key).base64EncodedString())
                    }
                    let arn = String(decoding: key[(prefix.count + 8)...], as: UTF8.self)
                    if let bytes = try transaction.value(forKey: Keys.text(arn), in: db(.executions)) {
                        let row = try ExecutionDescription(recordBytes: bytes)
                        if status == nil || row.status == status { page.append(row) }
                    }
                    more = try cursor.next()
                }
                return ExecutionPage(executions: page, nextToken: nil)
            }
        }
    }

    /// The Step Functions history of an execution, as committed.
    /// - Throws: ``EngineError`` `ExecutionDoesNotExist`, `InvalidToken`.
    public nonisolated func history(
        executionArn: String,
        reverseOrder: Bool = false,
        maxResults: Int = 100,
        nextToken: String? = nil
    ) throws -> HistoryPage {
        let events = try allEvents(executionArn: executionArn).filter { $0.id > 0 }
        let ordered = reverseOrder ? events.reversed() : events
        var offset = 0
        if let nextToken {
            guard let value = Int(nextToken), value >= 0, value <= ordered.count else {
                throw EngineError(.invalidToken, "Invalid Token: '\(nextToken)'")
            }
            offset = value
        }
        let limit = maxResults <= 0 ? 100 : min(maxResults, 1000)
        let page = Array(ordered.dropFirst(offset).prefix(limit))
        let next = offset + page.count < ordered.count ? String(offset + page.count) : nil
        return HistoryPage(events: page, nextToken: next)
    }

    /// Every event of an execution, internal ones included, in order.
    public nonisolated func allEvents(executionArn: String) throws -> [HistoryEvent] {
        guard let row = try storedExecution(executionArn) else {
            throw EngineError(.executionDoesNotExist, "Execution Does Not Exist: '\(executionArn)'")
        }
        var events: [HistoryEvent] = []
        for entry in try log.entries(ofStream: StreamID(row.stream)) where entry.header.kind == EngineRecordKind.executionStep {
            events += try ExecutionStep.decodeEvents(entry.payload)
        }
        return events
    }
}
