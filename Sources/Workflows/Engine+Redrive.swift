import EventLog
import Foundation
package import JSON
import LMDB
import Runtime
package import StatesLanguage

extension Engine {
    /// An execution's state rebuilt from its stream with `apply` only, and the
    /// events it is made of (a redrive cuts the failure tail off).
    package nonisolated func replay(_ row: ExecutionDescription, definition: StateMachineDefinition) throws -> Replayed {
        var effective: [HistoryEvent] = []
        var lastId = 0
        for entry in try log.entries(ofStream: StreamID(row.stream)) where entry.header.kind == EngineRecordKind.executionStep {
            let summary = try ExecutionStep.decodeSummary(entry.payload, version: entry.header.version)
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

    package struct Replayed {
        package var state: ExecutionState
        package var effective: [HistoryEvent]
        package var lastEventId: Int
    }

    /// Where a failed run resumes: the index of the event that caused the failure
    /// (found by skipping the events that only propagate it upward: Map
    /// iterations, Parallel branches, the Map or Parallel state) and, when that
    /// event is a state's entry (a Fail state, a data-flow error, a Choice with
    /// no match), that state to enter again.
    ///
    /// A task's failure, time-out or result that its state could not use cuts at
    /// that event, so the task is open again and runs again; an execution
    /// time-out cuts at its timer, so what was running then runs again; a stop
    /// cuts at the stop.
    package static func redrivePoint(_ events: [HistoryEvent]) -> RedrivePoint? {
        var index = events.count - 1
        guard index >= 0 else { return nil }
        switch events[index].details {
        case .executionAborted: return RedrivePoint(cut: index)
        case .executionTimedOut:
            while index > 0 {
                index -= 1
                if case .timerFired = events[index].details { return RedrivePoint(cut: index) }
            }
            return nil
        case .executionFailed: break
        default: return nil
        }
        while index > 0 {
            index -= 1
            let event = events[index]
            switch event.details {
            case .mapIterationFailed, .mapIterationAborted, .branchFailed, .branchAborted, .mapStateFailed,
                .parallelStateFailed, .mapRunFailed, .mapStateAborted, .parallelStateAborted:
                continue
            case .taskFailed, .taskTimedOut, .taskSucceeded, .timerFired:
                return RedrivePoint(cut: index)
            default:
                // The state of this event's frame failed after it: enter that state again.
                for entry in stride(from: index, through: 0, by: -1) where events[entry].frame == event.frame {
                    if case .stateEntered(_, let name, let input) = events[entry].details {
                        return RedrivePoint(
                            cut: entry,
                            reenter: ExecutionState.Reentry(frame: event.frame, name: name, input: input)
                        )
                    }
                }
                return nil
            }
        }
        return nil
    }

    /// Where ``redriveExecution(arn:)`` cuts the failed run, and what it enters again.
    package struct RedrivePoint {
        /// How many of the effective events to keep.
        package var cut: Int
        package var reenter: ExecutionState.Reentry?
    }

    /// Resumes a failed, timed-out or aborted execution from where it failed
    /// (AWS's RedriveExecution), keeping what succeeded: earlier states,
    /// finished Map iterations and Parallel branches. Failed tasks run again with
    /// fresh idempotency keys, tasks that were cut short are dispatched again,
    /// waits are re-armed, and a state that failed in evaluation (a Fail state,
    /// `States.Runtime`, a Choice with no match) is entered again. The history
    /// gets `ExecutionRedriven` with the new `redriveCount`, and the
    /// execution-wide timeout starts again.
    ///
    /// The execution leaves the dead-letter view; if it fails again it appears
    /// in the manual-review view.
    /// - Throws: ``EngineError`` `ExecutionDoesNotExist`, `ExecutionNotRedrivable`
    ///   (running or succeeded, 14 days after it stopped, or a history at AWS's limit).
    @discardableResult
    public func redriveExecution(arn: String) async throws -> ExecutionDescription {
        await acquire(arn)
        defer { release(arn) }
        if open[arn] != nil {
            throw EngineError(.executionNotRedrivable, "Execution is RUNNING and cannot be redriven: '\(arn)'")
        }
        guard var row = try storedExecution(arn) else {
            throw EngineError(.executionDoesNotExist, "Execution Does Not Exist: '\(arn)'")
        }
        let time = now()
        row.checkRedrivablePeriod(now: time)
        if let reason = row.redriveStatusReason {
            throw EngineError(.executionNotRedrivable, "\(reason.dropLast()): '\(arn)'")
        }
        let definition = try definition(machineArn: row.stateMachineArn, revisionId: row.revisionId)
        let replayed = try replay(row, definition: definition)
        guard let point = Self.redrivePoint(replayed.effective) else {
            throw EngineError(.executionNotRedrivable, "Execution has no failed state to resume from: '\(arn)'")
        }
        var state = ExecutionState(definition: definition)
        for event in replayed.effective[..<point.cut] { state.apply(event) }
        state.prepareForRedrive(lastHistoryEventId: replayed.lastEventId)
        row.redriveCount += 1
        row.redriveDate = time
        let events: [HistoryEvent]
        do {
            events = try decide(&state, .redrive(redriveCount: row.redriveCount, reenter: point.reenter), at: time)
        } catch {
            throw EngineError(.executionNotRedrivable, "Execution has nothing to resume: '\(arn)'")
        }
        return try await commit(
            arn, before: nil, state: state, row: row, events: events, at: time, redriveCut: point.cut,
            unrecordable: .failExecution(orRefuse: .executionNotRedrivable))
    }

    // MARK: Dead letters and review

    /// Executions that failed, timed out or were aborted and have not been redriven, by ARN.
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
            ReviewResolution(executionArn: executionArn, reason: reason, time: time),
            stream: 0,
            at: time,
            about: executionArn
        )
    }

    package nonisolated func items(in which: EngineIndex.DB) throws -> [FailedExecutionItem] {
        try allValues(in: which) { try FailedExecutionItem(recordJSON: $0) }
    }

    /// Every value of an index database, decoded, in key order.
    package nonisolated func allValues<Value>(
        in which: EngineIndex.DB,
        prefix: String = "",
        _ decode: (JSONValue) throws -> Value
    ) throws -> [Value] {
        try log.read { try $0.values(withPrefix: Array(prefix.utf8), in: db(which)) }.map { try decode(try JSONParser.parse(bytes: $0)) }
    }
}
