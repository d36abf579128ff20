package import JSON
package import Messaging
import Runtime

/// What one receive does with each due message it reads: return it, drop it
/// (past the queue's retention), or move it to the dead-letter queue (its
/// receive count reached `maxReceiveCount`). It accumulates the record's
/// contents and the answer; the caller appends the record.
package struct ReceiveDecision {
    package let time: Int64
    package let maxMessages: Int
    package let account: String
    /// The queue's `MessageRetentionPeriod`, in milliseconds.
    package let retention: Int64
    /// The visibility timeout this receive sets, in milliseconds.
    package let timeout: Int64
    /// The redrive policy, when its dead-letter queue exists.
    package let redrive: RedrivePolicy?

    package var received: [ReceivedMessage] = []
    package var receivedRecords: [JSONValue] = []
    package var moved: [JSONValue] = []
    package var expired: [JSONValue] = []

    package var wantsMore: Bool { received.count < maxMessages }

    package enum Outcome { case received, moved, expired }

    /// Decides about one visible message; `handle` makes its new receipt handle.
    @discardableResult
    package mutating func take(_ message: QueueService.StoredMessage, handle: (_ key: [UInt8], _ count: Int) -> String) -> Outcome {
        let sent = Int64(message.row["sent"]?.integerValue ?? 0)
        if time - sent >= retention {
            expired.append(.object(message.location))
            return .expired
        }
        if let redrive, message.count >= redrive.maxReceiveCount {
            var move = message.location
            move["to"] = .string(redrive.deadLetterTargetArn)
            moved.append(.object(move))
            return .moved
        }
        let count = message.count + 1
        let receipt = handle(message.key, count)
        var record = message.location
        record["count"] = .integer(count)
        record["visible"] = .integer(Int(time + timeout))
        record["handle"] = .string(receipt)
        receivedRecords.append(.object(record))
        var system: [String: String] = [
            "SentTimestamp": String(sent), "ApproximateReceiveCount": String(count),
            "ApproximateFirstReceiveTimestamp": String(message.row["first"]?.integerValue ?? Int(time)),
            "SenderId": account,
        ]
        if let group = message.row["group"]?.stringValue { system["MessageGroupId"] = group }
        if let dedup = message.row["dedup"]?.stringValue { system["MessageDeduplicationId"] = dedup }
        if let number = message.row["seqno"]?.stringValue { system["SequenceNumber"] = number }
        if let source = message.row["source"]?.stringValue { system["DeadLetterQueueSourceArn"] = source }
        received.append(
            ReceivedMessage(
                messageId: message.row["id"]?.stringValue ?? "", receiptHandle: receipt,
                body: message.row["body"]?.stringValue ?? "", md5OfBody: message.row["md5"]?.stringValue ?? "",
                md5OfAttributes: message.row["md5a"]?.stringValue, attributes: message.row["attrs"]?.objectValue ?? JSONObject(),
                systemAttributes: system))
        return .received
    }
}
