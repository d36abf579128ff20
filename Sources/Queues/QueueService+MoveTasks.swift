import EventLog
import Foundation
public import JSON
package import LMDB
import Messaging
package import Runtime
import Synchronization

/// The internal fields of a stored move task, which `ListMessageMoveTasks` does not show.
package enum MoveTaskRow {
    /// The last log sequence whose messages the task moves: messages that reach
    /// the dead-letter queue after the task started stay there, as in SQS.
    package static let upToKey = "SteplineUpToSequence"
    /// SQS's default and highest `MaxNumberOfMessagesPerSecond`.
    package static let maximumRate = 500

    package static func shown(_ task: JSONValue) -> JSONValue {
        guard case .object(var object) = task else { return task }
        object[upToKey] = nil
        return .object(object)
    }
}

extension QueueService {
    /// `StartMessageMoveTask`: starts moving the messages now in the dead-letter
    /// queue `sourceArn` to `destinationArn`, or each back to the queue it came
    /// from, at most `maxPerSecond` messages a second (500 when `nil`).
    ///
    /// Starting is one record (the task, `RUNNING`); ``advanceMoveTasks()``,
    /// which ``run()`` calls once a second, moves the next messages in one record
    /// per step, so a restart resumes the task where its last step committed.
    /// Moved messages start again with a receive count of 0. Returns the handle.
    /// - Throws: ``QueueError`` `ResourceNotFoundException` for an unknown queue,
    ///   `InvalidParameterValue` when the source is no queue's dead-letter queue or
    ///   the rate is outside 1…500, `UnsupportedOperation` while another task of
    ///   the source runs.
    public func startMessageMoveTask(sourceArn: String, destinationArn: String?, maxPerSecond: Int? = nil) async throws -> String {
        let time = now()
        let handle = Data("\(sourceArn)\n\(UUID().uuidString.lowercased())".utf8).base64EncodedString()
        let notFound = QueueError(.resourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
        guard try queue(arn: sourceArn) != nil else { throw notFound }
        if let destinationArn, try queue(arn: destinationArn) == nil {
            throw QueueError(.resourceNotFound, "The resource that you specified for the DestinationArn parameter doesn't exist.")
        }
        guard try !deadLetterSources(of: sourceArn).isEmpty else {
            throw QueueError(.invalidParameterValue, "Source queue must be configured as a Dead Letter Queue.")
        }
        if let maxPerSecond, !(1...MoveTaskRow.maximumRate).contains(maxPerSecond) {
            throw QueueError(
                .invalidParameterValue,
                "Value \(maxPerSecond) for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: must be between 1 and \(MoveTaskRow.maximumRate).")
        }
        try await transact { append in
            if try self.moveTasks(in: append.transaction).contains(where: { $0["SourceArn"]?.stringValue == sourceArn && $0["Status"] == "RUNNING" }) {
                throw QueueError(
                    .unsupportedOperation, "There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
            }
            let count = try self.messages(of: sourceArn, in: append.transaction).count
            var task: JSONObject = [
                "TaskHandle": .string(handle), "Status": "RUNNING", "SourceArn": .string(sourceArn),
                "ApproximateNumberOfMessagesMoved": 0, "ApproximateNumberOfMessagesToMove": .integer(count),
                "StartedTimestamp": .integer(Int(time)),
            ]
            if let destinationArn { task["DestinationArn"] = .string(destinationArn) }
            if let maxPerSecond { task["MaxNumberOfMessagesPerSecond"] = .integer(maxPerSecond) }
            let upTo = Int(append.nextSequence.rawValue) - 1
            try self.appendRecord(
                QueueRecordKind.moveTask,
                ["time": .integer(Int(time)), "task": .object(task), "moves": [], "upTo": .integer(upTo)],
                time: time, in: append)
        }
        armMoveTasks(at: now())
        return handle
    }

    /// The queues whose `RedrivePolicy` names `arn`, by name.
    package func deadLetterSources(of arn: String) throws -> [String] {
        try allQueues().filter { $0.attributes.redrivePolicy?.deadLetterTargetArn == arn }.map(\.arn)
    }

    package func moveTasks(in transaction: ReadTransaction) throws -> [JSONValue] {
        try transaction.jsonValues(withPrefix: [], in: db(.moveTasks))
    }

    /// One second's worth of every running move task: each moves up to its
    /// `MaxNumberOfMessagesPerSecond` messages in one record, and is `COMPLETED`
    /// in that record when none of its messages remain. Returns how many moved.
    @discardableResult
    public func advanceMoveTasks() async throws -> Int {
        let running = try log.read { try moveTasks(in: $0) }.filter { $0["Status"] == "RUNNING" }
        var total = 0
        for task in running {
            guard let handle = task["TaskHandle"]?.stringValue, let source = task["SourceArn"]?.stringValue else { continue }
            let sources = try deadLetterSources(of: source)
            let time = now()
            total += try await transact { append in
                guard let bytes = try append.transaction.value(forKey: QueueKeys.text(handle), in: self.db(.moveTasks)) else { return 0 }
                var task = try QueueKeys.object(bytes)
                guard task["Status"] == "RUNNING" else { return 0 }
                let rate = task["MaxNumberOfMessagesPerSecond"]?.integerValue ?? MoveTaskRow.maximumRate
                let upTo = task[MoveTaskRow.upToKey]?.integerValue ?? Int.max
                let destination = task["DestinationArn"]?.stringValue
                var moves: [JSONValue] = []
                var remaining = false
                for message in try self.messages(of: source, in: append.transaction, limit: rate + 1, upTo: upTo) {
                    guard moves.count < rate else {
                        remaining = true
                        break
                    }
                    guard let target = destination ?? message.row["source"]?.stringValue ?? sources.first,
                        try self.queue(target, in: append.transaction) != nil
                    else { continue }
                    var move = message.location
                    move["from"] = .string(source)
                    move["to"] = .string(target)
                    move["toSource"] = .bool(destination == nil)
                    move["reset"] = true
                    moves.append(.object(move))
                }
                task[MoveTaskRow.upToKey] = nil
                task["ApproximateNumberOfMessagesMoved"] = .integer((task["ApproximateNumberOfMessagesMoved"]?.integerValue ?? 0) + moves.count)
                if !remaining { task["Status"] = "COMPLETED" }
                try self.appendRecord(
                    QueueRecordKind.moveTask,
                    ["time": .integer(Int(time)), "task": .object(task), "moves": .array(moves), "upTo": .integer(upTo)],
                    time: time, in: append)
                return moves.count
            }
        }
        return total
    }

    /// The scheduler key of the next move task step.
    package static let moveTaskKey = Scheduler.Key("queues.moveTasks")

    /// Schedules a step of the running move tasks at `due`, unless one is already
    /// scheduled as early or ``run()`` is not running.
    package func armMoveTasks(at due: Int64) {
        guard movesTasks.load(ordering: .relaxed) else { return }
        if let scheduled = scheduler.due(of: Self.moveTaskKey), scheduled <= due { return }
        scheduler.schedule(Self.moveTaskKey, at: due) { [weak self] in await self?.moveTaskTick() }
    }

    /// Advances every running move task one step, and schedules the next step
    /// one ``Configuration/moveTaskInterval`` later while any still runs (or the
    /// step failed: the log could not commit, so it is tried again then).
    package func moveTaskTick() async {
        let again: Bool
        do {
            _ = try await advanceMoveTasks()
            again = try log.read { try moveTasks(in: $0) }.contains { $0["Status"] == "RUNNING" }
        } catch {
            again = true
        }
        if again { armMoveTasks(at: now() + max(1, configuration.moveTaskInterval.inMilliseconds)) }
    }

    /// `ListMessageMoveTasks`: the tasks of `sourceArn`, newest first, in SQS's result shape.
    public func listMessageMoveTasks(sourceArn: String, maxResults: Int = 1) throws -> [JSONValue] {
        guard try queue(arn: sourceArn) != nil else {
            throw QueueError(.resourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        let tasks = try log.read { try moveTasks(in: $0) }.filter { $0["SourceArn"]?.stringValue == sourceArn }
        let newest = tasks.sorted { ($0["StartedTimestamp"]?.integerValue ?? 0) > ($1["StartedTimestamp"]?.integerValue ?? 0) }
        return newest.prefix(maxResults).map(MoveTaskRow.shown)
    }

    /// `CancelMessageMoveTask`: stops a running task between two steps (one
    /// record, status `CANCELLED`); what it moved stays moved. Returns how many
    /// messages it moved.
    /// - Throws: ``QueueError`` `ResourceNotFoundException` (no such task),
    ///   `UnsupportedOperation` (the task is no longer running).
    public func cancelMessageMoveTask(handle: String) async throws -> Int {
        let time = now()
        return try await transact { append in
            guard let bytes = try append.transaction.value(forKey: QueueKeys.text(handle), in: self.db(.moveTasks)) else {
                throw QueueError(.resourceNotFound, "The resource that you specified for the TaskHandle parameter doesn't exist.")
            }
            var task = try QueueKeys.object(bytes)
            guard task["Status"] == "RUNNING" else {
                throw QueueError(.unsupportedOperation, "Only active tasks can be cancelled; task \(handle) is \(task["Status"]?.stringValue ?? "unknown").")
            }
            let upTo = task[MoveTaskRow.upToKey] ?? .null
            task[MoveTaskRow.upToKey] = nil
            task["Status"] = "CANCELLED"
            try self.appendRecord(
                QueueRecordKind.moveTask, ["time": .integer(Int(time)), "task": .object(task), "moves": [], "upTo": upTo],
                time: time, in: append)
            return task["ApproximateNumberOfMessagesMoved"]?.integerValue ?? 0
        }
    }
}
