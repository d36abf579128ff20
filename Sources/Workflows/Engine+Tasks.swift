package import EventLog
import Foundation
import HeapModule
package import JSON
import LMDB
public import Runtime
package import StatesLanguage

/// A task handed to an activity worker by ``Engine/getActivityTask(activityArn:workerName:timeout:)``.
public struct ActivityTaskAssignment: Sendable, Hashable {
    /// Answer with it: `SendTaskSuccess`, `SendTaskFailure`, `SendTaskHeartbeat`.
    public var taskToken: String
    /// The task input as JSON text.
    public var input: String
    /// The idempotency key of this attempt (`<execution ARN>/<entered event id>/<attempt>`).
    public var idempotencyKey: String
}

extension Engine {
    // MARK: Tokens

    /// 256 bits from the system CSPRNG (`SystemRandomNumberGenerator`: getrandom on
    /// Linux) for the core to derive the decision's task tokens from.
    package func tokenSecret() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 { bytes += Keys.bigEndian(UInt64.random(in: 0...UInt64.max, using: &random)) }
        return bytes
    }

    /// A token for a task whose TaskScheduled event was recorded without the core's (a
    /// log older than that event field, redriven): the execution's stream (so a stale
    /// token can be told from a forged one, ``closedTokenError(_:)``) and 24 bytes from
    /// the system CSPRNG, base64url, as such logs' tokens were.
    package func legacyToken(stream: UInt64) -> String {
        var bytes = Keys.bigEndian(stream)
        for _ in 0..<3 { bytes += Keys.bigEndian(UInt64.random(in: 0...UInt64.max, using: &random)) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// AWS's answer for a token that is not open: `InvalidToken` if it is not a
    /// token at all, `TaskTimedOut` if it was issued here and its task is over
    /// (answered, timed out, or its execution stopped), `TaskDoesNotExist` otherwise.
    package func closedTokenError(_ token: String) -> EngineError {
        // Tokens chosen by the core (`$$.Task.Token`) are 32 lowercase hex digits.
        // The token index keeps only open tokens, so a well-formed one that is not
        // open is answered as a task that is over. Builds before the core chose every
        // token issued base64url ones (the execution's stream and 24 random bytes),
        // which a worker may still hold: those are told apart by their stream.
        if token.utf8.count == 32, token.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
            return EngineError(.taskTimedOut, "Task Timed Out: 'Provided task does not exist anymore'")
        }
        var text = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
            return EngineError(.invalidToken, "Invalid Token: 'Invalid token'")
        }
        let stream = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        if stream > 0 && stream < nextStream {
            return EngineError(.taskTimedOut, "Task Timed Out: 'Provided task does not exist anymore'")
        }
        return EngineError(.taskDoesNotExist, "Task Does Not Exist: 'Provided task does not exist'")
    }

    /// Completes the task of `token` with `output` (JSON text). A token is accepted once.
    /// - Throws: ``EngineError`` `InvalidOutput`, `InvalidToken`, `TaskTimedOut`, `TaskDoesNotExist`.
    ///
    /// An output that parses but whose step the log could not read back (it nests
    /// too deep once recorded) is `InvalidOutput` and the task stays open.
    public func sendTaskSuccess(token: String, output: String) async throws {
        let value = try Self.parseTaskOutput(output)
        try await answer(token, unrecordable: .refuse(.invalidOutput)) { .taskSucceeded(taskId: $0, output: value) }
    }

    /// Parses a task's output sent by a client.
    /// - Throws: ``EngineError`` `InvalidOutput`.
    package static func parseTaskOutput(_ output: String) throws -> JSONValue {
        do { return try JSONParser.parse(output) } catch {
            throw EngineError(.invalidOutput, "Invalid Output: '\(error)'")
        }
    }

    /// Fails the task of `token`; its Retry and Catch apply.
    /// - Throws: ``EngineError`` `InvalidToken`, `TaskTimedOut`, `TaskDoesNotExist`.
    public func sendTaskFailure(token: String, error: String? = nil, cause: String? = nil) async throws {
        try await answer(token) { .taskFailed(taskId: $0, error: error ?? "", cause: cause ?? "") }
    }

    /// Answers the task of `token` with `command`, committing `companions` with the step.
    package func answer(
        _ token: String,
        companions: [Record] = [],
        unrecordable: Unrecordable = .failExecution(orRefuse: .storage),
        _ command: (Int) -> ExecutionCommand.Kind
    ) async throws {
        guard let location = tokens[token] else { throw closedTokenError(token) }
        do {
            try await advance(location.executionArn, command(location.taskId), companions: companions, unrecordable: unrecordable)
        } catch let error as EngineError where error.code == .executionDoesNotExist || error.code == .taskDoesNotExist {
            // The task closed (answered, timed out, stopped) while this waited for its execution.
            throw closedTokenError(token)
        }
    }

    /// Records that the worker of `token` is alive: its heartbeat deadline restarts.
    ///
    /// The new deadline is a ``EngineRecordKind/taskHeartbeat`` record, committed
    /// before this returns, so a worker that stops heartbeating while the process
    /// is down still gets its task timed out after the restart (late, once).
    /// - Throws: ``EngineError`` `InvalidToken`, `TaskTimedOut`, `TaskDoesNotExist`; a storage ``ServiceError`` when the log failed.
    public func sendTaskHeartbeat(token: String) async throws {
        guard let location = tokens[token] else { throw closedTokenError(token) }
        let arn = location.executionArn
        await acquire(arn)
        defer { release(arn) }
        // The task may have closed while this waited for the lock.
        guard tokens[token] != nil, let execution = open[arn] else { throw closedTokenError(token) }
        guard let seconds = execution.state.openTasks[location.taskId]?.heartbeatSeconds else { return }
        let time = now()
        let due = time + Int64(seconds) * 1000
        try await append(
            EngineRecordKind.taskHeartbeat,
            TaskHeartbeat(executionArn: arn, taskId: location.taskId, due: due),
            stream: execution.row.stream,
            at: time,
            about: arn
        )
        armHeartbeat(token, arn, due: due)
    }

    // MARK: Activities

    /// Creates an activity in `scope` (`nil`: the default scope); creating an existing name
    /// again returns it.
    /// - Throws: ``EngineError`` `InvalidName`.
    public func createActivity(name: String, in scope: ResourceScope? = nil) async throws -> ActivityDescription {
        try Self.validateName(name)
        let arn = activityArnPrefix(in: scope) + name
        if let existing = try storedActivity(arn) { return existing }
        let time = now()
        let activity = ActivityDescription(activityArn: arn, name: name, creationDate: time)
        try await append(EngineRecordKind.activityCreated, activity, stream: 0, at: time, about: arn)
        activityArns.insert(arn)
        return activity
    }

    /// Deletes an activity (succeeds if it does not exist).
    public func deleteActivity(arn: String) async throws {
        guard try storedActivity(arn) != nil else { return }
        try await append(EngineRecordKind.activityDeleted, ActivityDeletion(activityArn: arn), stream: 0, at: now(), about: arn)
        activityArns.remove(arn)
        activityQueues[arn] = nil
        pollers.wakeAll(of: arn)
    }

    /// The activity, or `ActivityDoesNotExist`.
    public nonisolated func describeActivity(arn: String) throws -> ActivityDescription {
        guard let activity = try storedActivity(arn) else {
            throw EngineError(.activityDoesNotExist, "Activity Does Not Exist: '\(arn)'")
        }
        return activity
    }

    /// Every activity of `scope` (`nil`: the default scope), by ARN.
    public nonisolated func listActivities(in scope: ResourceScope? = nil) throws -> [ActivityDescription] {
        try allValues(in: .activities, prefix: activityArnPrefix(in: scope)) { try ActivityDescription(recordJSON: $0) }
    }

    package nonisolated func storedActivity(_ arn: String) throws -> ActivityDescription? {
        guard let bytes = try readValue(Keys.text(arn), in: .activities) else { return nil }
        return try ActivityDescription(recordBytes: bytes)
    }

    /// Long-polls for a task of the activity: returns one as soon as there is one
    /// (recording `TaskStarted` with the worker's name), or `nil` after `timeout`.
    /// - Throws: ``EngineError`` `ActivityDoesNotExist`.
    public func getActivityTask(
        activityArn: String,
        workerName: String? = nil,
        timeout: Duration = .seconds(60)
    ) async throws
        -> ActivityTaskAssignment?
    {
        _ = try describeActivity(arn: activityArn)
        let deadline = ContinuousClock.now + timeout
        while true {
            while var queue = activityQueues[activityArn], !queue.isEmpty {
                let task = queue.removeFirst()
                activityQueues[activityArn] = queue
                guard let location = tokens[task.token], let open = open[location.executionArn],
                    let scheduled = open.state.openTasks[location.taskId]
                else { continue }
                do {
                    try await advance(location.executionArn, .taskStarted(taskId: location.taskId, workerName: workerName))
                } catch { continue }
                return ActivityTaskAssignment(
                    taskToken: task.token,
                    input: task.input.serialized,
                    idempotencyKey: Self.idempotencyKey(location.executionArn, scheduled, redriveCount: open.row.redriveCount)
                )
            }
            if ContinuousClock.now >= deadline || Task.isCancelled || (try? storedActivity(activityArn)) == nil {
                return nil
            }
            await waitForActivityTask(activityArn, until: deadline)
        }
    }

    /// Waits until a task of `activityArn` is enqueued, the deadline passes, or
    /// the caller is cancelled (graceful shutdown), whichever comes first.
    private func waitForActivityTask(_ activityArn: String, until deadline: ContinuousClock.Instant) async {
        let id = pollers.register(on: activityArn)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.park(id, on: activityArn) }
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            await group.next()
            group.cancelAll()
            wakePoll(id, of: activityArn)
        }
    }

    /// How many workers wait in `getActivityTask` for `activityArn`.
    package func waitingPolls(of activityArn: String) -> Int { pollers.count(of: activityArn) }

    private func park(_ id: Int, on activityArn: String) async {
        await withCheckedContinuation { pollers.park(id, on: activityArn, $0) }
    }

    private func wakePoll(_ id: Int, of activityArn: String) {
        pollers.wake(id, of: activityArn)
    }

    package func enqueueActivity(_ resource: String, _ task: ActivityTask) {
        let activityArn = TaskHandlerMap.baseResource(resource)
        activityQueues[activityArn, default: []].append(task)
        pollers.wakeFirst(of: activityArn)
    }

    /// The key of one attempt of `task` (``IdempotencyKey/taskAttempt(executionArn:enteredEventId:attempt:redriveCount:)``).
    package static func idempotencyKey(_ arn: String, _ task: ScheduledTask, redriveCount: Int) -> String {
        IdempotencyKey.taskAttempt(executionArn: arn, enteredEventId: task.enteredEventId, attempt: task.attempt, redriveCount: redriveCount)
    }
}
