import EventLog
import Foundation
public import JSON
import LMDB
import Messaging

extension QueueService {
    /// `StartMessageMoveTask`: moves every message now in the dead-letter queue
    /// `sourceArn` to `destinationArn`, or each back to the queue it came from.
    ///
    /// The moves and the task (status `COMPLETED`) are one record, so a task is
    /// never half done; Stepline moves the messages at once rather than at
    /// `MaxNumberOfMessagesPerSecond`. Moved messages start again with a receive
    /// count of 0. Returns the task handle.
    /// - Throws: ``QueueError`` `ResourceNotFoundException` for an unknown queue,
    ///   `InvalidParameterValue` when the source is no queue's dead-letter queue.
    public func startMessageMoveTask(sourceArn: String, destinationArn: String?) async throws -> String {
        let time = now()
        let handle = Data("\(sourceArn)\n\(UUID().uuidString.lowercased())".utf8).base64EncodedString()
        let sources = try listQueues().filter { $0.attributes.redrivePolicy?.deadLetterTargetArn == sourceArn }.map(\.arn)
        let notFound = QueueError(.resourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
        guard try queue(arn: sourceArn) != nil else { throw notFound }
        if let destinationArn, try queue(arn: destinationArn) == nil {
            throw QueueError(.resourceNotFound, "The resource that you specified for the DestinationArn parameter doesn't exist.")
        }
        guard !sources.isEmpty else {
            throw QueueError(.invalidParameterValue, "Source queue must be configured as a Dead Letter Queue.")
        }
        try await transact { append in
            var moves: [JSONValue] = []
            for message in try self.messages(of: sourceArn, in: append.transaction) {
                guard let target = destinationArn ?? message.row["source"]?.stringValue ?? sources.first,
                    try self.queue(target, in: append.transaction) != nil
                else { continue }
                var move = message.location
                move["from"] = .string(sourceArn)
                move["to"] = .string(target)
                move["toSource"] = .bool(destinationArn == nil)
                move["reset"] = true
                moves.append(.object(move))
            }
            var task: JSONObject = [
                "TaskHandle": .string(handle), "Status": "COMPLETED", "SourceArn": .string(sourceArn),
                "ApproximateNumberOfMessagesMoved": .integer(moves.count),
                "ApproximateNumberOfMessagesToMove": .integer(moves.count), "StartedTimestamp": .integer(Int(time)),
            ]
            if let destinationArn { task["DestinationArn"] = .string(destinationArn) }
            try self.appendRecord(
                QueueRecordKind.moveTask, ["time": .integer(Int(time)), "task": .object(task), "moves": .array(moves)],
                time: time, in: append)
        }
        wakeReceivers()
        return handle
    }

    /// `ListMessageMoveTasks`: the tasks of `sourceArn`, newest first, in SQS's result shape.
    public func listMessageMoveTasks(sourceArn: String, maxResults: Int = 1) throws -> [JSONValue] {
        guard try queue(arn: sourceArn) != nil else {
            throw QueueError(.resourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
        }
        let tasks: [JSONValue] = try log.read { transaction in
            var found: [JSONValue] = []
            try transaction.withCursor(on: db(.moveTasks)) { cursor in
                var more = try cursor.first()
                while more {
                    let task = try JSONParser.parse(bytes: try cursor.value())
                    if task["SourceArn"]?.stringValue == sourceArn { found.append(task) }
                    more = try cursor.next()
                }
            }
            return found
        }
        return Array(tasks.sorted { ($0["StartedTimestamp"]?.integerValue ?? 0) > ($1["StartedTimestamp"]?.integerValue ?? 0) }.prefix(maxResults))
    }

    /// `CancelMessageMoveTask`: Stepline's tasks complete when they start, so
    /// there is never a running one to cancel; the error says which it is.
    public func cancelMessageMoveTask(handle: String) throws -> Int {
        let stored = try log.read { try $0.value(forKey: QueueKeys.text(handle), in: db(.moveTasks)) }
        guard stored != nil else {
            throw QueueError(.resourceNotFound, "The resource that you specified for the TaskHandle parameter doesn't exist.")
        }
        throw QueueError(.unsupportedOperation, "Only active tasks can be cancelled; task \(handle) has completed.")
    }
}
