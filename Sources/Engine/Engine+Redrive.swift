import EventLog
import Foundation
import JSON
import LMDB
import StatesLanguage

extension Engine {
    /// An execution's state rebuilt from its stream with `apply` only, and the
    /// events it is made of (a redrive cuts the failure tail off).
    nonisolated func replay(_ row: ExecutionDescription, definition: StateMachineDefinition) throws -> Replayed {
        var effective: [HistoryEvent] = []
        var lastId = 0
        for entry in try log.entries(ofStream: StreamID(row.stream)) where entry.header.kind == EngineRecordKind.executionStep {
            let summary = try ExecutionStep.decodeSummary(entry.payload)
            if let cut = summary.redriveCut { effective.removeSubrange(min(cut, effective.count)...) }
            for event in try ExecutionStep.decodeEvents(entry.payload) {
                effective.append(event)
                lastId = max(lastId, event.id)
            }
        }
        var state = ExecutionState(definition: definition)
        for event in effective { state.apply(event) }
        state.continueEventIds(after: lastId)
        return Replayed(state: state, effective: effective, lastEventId: lastId)
    }

    struct Replayed {
        var state: ExecutionState
        var effective: [HistoryEvent]
        var lastEventId: Int
    }

    /// Where a failed run can resume: the index of the event that caused the
    /// failure (a task's failure or time-out, the stop, the execution time-out),
    /// found by skipping the events that only propagate it upward.
    static func redriveCut(_ events: [HistoryEvent]) -> Int? {
        var index = events.count - 1
        guard index >= 0 else { return nil }
        switch events[index].details {
        case .executionAborted: return index
        case .executionTimedOut:
            while index > 0 {
                index -= 1
                if case .timerFired = events[index].details { return index }
            }
            return nil
        case .executionFailed: break
        default: return nil
        }
        while index > 0 {
            index -= 1
            switch events[index].details {
            case .mapIterationFailed, .mapIterationAborted, .branchFailed, .branchAborted, .mapStateFailed,
                .parallelStateFailed, .mapRunFailed, .mapStateAborted, .parallelStateAborted:
                continue
            case .taskFailed, .taskTimedOut:
                return index
            default:
                return nil
            }
        }
        return nil
    }

    /// Resumes a failed, timed-out or aborted execution from where it failed,
    /// keeping what succeeded (finished Map iterations and Parallel branches,
    /// earlier states): the failed tasks run again with fresh idempotency keys,
    /// tasks that were cut short are dispatched again, waits are re-armed.
    ///
    /// The execution leaves the dead-letter view; if it fails again it appears
    /// in the manual-review view.
    /// - Throws: ``EngineError`` `ExecutionDoesNotExist`, `ExecutionNotRedrivable`.
    @discardableResult
    public func redriveExecution(arn: String) async throws -> ExecutionDescription {
        await acquire(arn)
        defer { release(arn) }
        guard open[arn] == nil, var row = try storedExecution(arn) else {
            if open[arn] != nil {
                throw EngineError(.executionNotRedrivable, "Execution is RUNNING and cannot be redriven: '\(arn)'")
            }
            throw EngineError(.executionDoesNotExist, "Execution Does Not Exist: '\(arn)'")
        }
        guard [.failed, .timedOut, .aborted].contains(row.status) else {
            throw EngineError(.executionNotRedrivable, "Execution is \(row.status.rawValue) and cannot be redriven: '\(arn)'")
        }
        let definition = try definition(machineArn: row.stateMachineArn, revisionId: row.revisionId)
        let replayed = try replay(row, definition: definition)
        guard let cut = Self.redriveCut(replayed.effective) else {
            throw EngineError(
                .executionNotRedrivable,
                "Execution cannot be redriven: it failed outside a Task, Map or Parallel state (\(row.error ?? "no error")): '\(arn)'"
            )
        }
        var state = ExecutionState(definition: definition)
        for event in replayed.effective[..<cut] { state.apply(event) }
        state.prepareForRedrive(lastHistoryEventId: replayed.lastEventId)
        guard state.status == .running, !state.openTasks.isEmpty || !state.timers.isEmpty else {
            throw EngineError(.executionNotRedrivable, "Execution has nothing to resume: '\(arn)'")
        }
        let time = now()
        row.redriveCount += 1
        row.redriveDate = time
        return try await commit(arn, before: nil, state: state, row: row, events: [], at: time, redriveCut: cut)
    }

    // MARK: Dead letters and review

    /// Executions that failed or timed out and have not been redriven, oldest first by ARN.
    public nonisolated func deadLetters() throws -> [FailedExecutionItem] {
        try items(in: .deadLetters)
    }

    /// Executions whose redrive failed again; resolved ones only with `includeResolved`.
    public nonisolated func reviewItems(includeResolved: Bool = false) throws -> [FailedExecutionItem] {
        try items(in: .review).filter { includeResolved || $0.resolution == nil }
    }

    /// Marks a manual-review item resolved with the reason a person gave (a record on the log).
    /// - Throws: ``EngineError`` `ResourceNotFound` when the execution is not in review.
    public func resolveReview(executionArn: String, reason: String) async throws {
        guard try readValue(Keys.text(executionArn), in: .review) != nil else {
            throw EngineError(.reviewItemDoesNotExist, "Execution is not in the manual-review view: '\(executionArn)'")
        }
        let time = now()
        try await append(
            EngineRecordKind.reviewResolved,
            ["executionArn": .string(executionArn), "reason": .string(reason), "time": .integer(Int(time))],
            stream: 0,
            at: time,
            about: executionArn
        )
    }

    nonisolated func items(in which: EngineIndex.DB) throws -> [FailedExecutionItem] {
        try allValues(in: which) { try FailedExecutionItem(recordJSON: $0) }
    }

    /// Every value of an index database, decoded, in key order.
    nonisolated func allValues<Value>(in which: EngineIndex.DB, _ decode: (JSONValue) throws -> Value) throws -> [Value] {
        try log.read { transaction in
            try transaction.withCursor(on: db(which)) { cursor in
                var values: [Value] = []
                var more = try cursor.first()
                while more {
                    values.append(try decode(try JSONParser.parse(bytes: try cursor.value())))
                    more = try cursor.next()
                }
                return values
            }
        }
    }
}
