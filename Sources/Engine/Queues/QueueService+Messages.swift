public import EventLog
import Foundation
public import JSON
import LMDB
public import Messaging

/// A message to send: what `SendMessage` and the Engine's internal deliveries give.
public struct OutgoingMessage: Sendable, Hashable {
    public var body: String
    /// `{Name: {DataType, StringValue | BinaryValue}}`.
    public var attributes: JSONObject
    public var delaySeconds: Int?
    public var groupId: String?
    public var deduplicationId: String?

    public init(body: String, attributes: JSONObject = JSONObject(), delaySeconds: Int? = nil, groupId: String? = nil, deduplicationId: String? = nil) {
        self.body = body
        self.attributes = attributes
        self.delaySeconds = delaySeconds
        self.groupId = groupId
        self.deduplicationId = deduplicationId
    }
}

/// The answer to one accepted send.
public struct SentMessage: Sendable, Hashable {
    public var messageId: String
    public var md5OfBody: String
    public var md5OfAttributes: String?
    /// FIFO queues only.
    public var sequenceNumber: String?
}

/// A message handed to a receiver.
public struct ReceivedMessage: Sendable, Hashable {
    public var messageId: String
    public var receiptHandle: String
    public var body: String
    public var md5OfBody: String
    public var md5OfAttributes: String?
    public var attributes: JSONObject
    /// System attributes: `SentTimestamp`, `ApproximateReceiveCount`, …, as strings.
    public var systemAttributes: [String: String]
}

/// The five-minute window of FIFO deduplication.
let deduplicationWindow: Int64 = 5 * 60 * 1000

extension QueueService {
    // MARK: Sending

    /// Sends `messages` to `queueArn` inside `append`, the caller's transaction:
    /// the messages are accepted exactly when the caller's records commit. This is
    /// how rule targets, dead-letter configurations and topics deliver to queues.
    ///
    /// Each element of the result is the sent message or the error for that entry;
    /// deduplicated FIFO messages answer with the original message's id.
    /// - Throws: ``QueueError`` `QueueDoesNotExist`.
    public func send(
        in append: AppendTransaction, queueArn: String, messages: [OutgoingMessage], time: Int64
    ) throws -> [Result<SentMessage, QueueError>] {
        let queue = try requireQueue(queueArn, in: append.transaction)
        let attributes = queue.attributes
        var results: [Result<SentMessage, QueueError>] = []
        var stored: [JSONValue] = []
        var batchDedup: [String: String] = [:]
        let sequence = Int(append.nextSequence.rawValue)
        for message in messages {
            do {
                let size = MessageAttributeDigest.size(body: message.body, attributes: message.attributes)
                guard size <= attributes.maximumMessageSize else {
                    throw QueueError(.invalidParameterValue, "One or more parameters are invalid. Reason: Message must be shorter than \(attributes.maximumMessageSize) bytes.")
                }
                guard !message.body.isEmpty else {
                    throw QueueError(.missingParameter, "The request must contain the parameter MessageBody.")
                }
                let md5Attributes = try MessageAttributeDigest.md5(of: message.attributes)
                let md5Body = Digest.md5Hex(Array(message.body.utf8))
                var dedup: String?
                if attributes.isFifo {
                    guard message.groupId != nil else {
                        throw QueueError(.missingParameter, "The request must contain the parameter MessageGroupId.")
                    }
                    guard message.delaySeconds == nil || message.delaySeconds == 0 else {
                        throw QueueError(.invalidParameterValue, "Value \(message.delaySeconds ?? 0) for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.")
                    }
                    dedup = message.deduplicationId ?? (attributes.contentBasedDeduplication ? Digest.sha256Hex(Array(message.body.utf8)) : nil)
                    guard let dedup else {
                        throw QueueError(.invalidParameterValue, "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
                    }
                    if let previous = try batchDedup[dedup] ?? previousMessage(queueArn, dedup, time: time, append.transaction) {
                        results.append(.success(SentMessage(messageId: previous, md5OfBody: md5Body, md5OfAttributes: md5Attributes, sequenceNumber: nil)))
                        continue
                    }
                } else if message.groupId != nil && message.deduplicationId != nil {
                    throw QueueError(.invalidParameterValue, "The request include parameter MessageDeduplicationId that is not valid for this queue type")
                }
                if let delay = message.delaySeconds, !(0...900).contains(delay) {
                    throw QueueError(.invalidParameterValue, "Value \(delay) for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.")
                }
                let id = UUID().uuidString.lowercased()
                let delay = Int64(message.delaySeconds ?? attributes.delaySeconds)
                var row: JSONObject = [
                    "id": .string(id), "body": .string(message.body), "md5": .string(md5Body),
                    "sent": .integer(Int(time)), "visible": .integer(Int(time + delay * 1000)), "count": 0,
                ]
                if let md5Attributes {
                    row["md5a"] = .string(md5Attributes)
                    row["attrs"] = .object(message.attributes)
                }
                var sequenceNumber: String?
                if let group = message.groupId {
                    row["group"] = .string(group)
                    if attributes.isFifo {
                        let number = String(sequence) + String(repeating: "0", count: 1) + String(stored.count)
                        sequenceNumber = String(repeating: "0", count: max(0, 20 - number.count)) + number
                        row["seqno"] = .string(sequenceNumber!)
                    }
                }
                if let dedup {
                    row["dedup"] = .string(dedup)
                    batchDedup[dedup] = id
                }
                stored.append(.object(row))
                results.append(.success(SentMessage(messageId: id, md5OfBody: md5Body, md5OfAttributes: md5Attributes, sequenceNumber: sequenceNumber)))
            } catch let error as QueueError {
                results.append(.failure(error))
            }
        }
        if !stored.isEmpty {
            try appendRecord(
                QueueRecordKind.sent, ["arn": .string(queueArn), "time": .integer(Int(time)), "messages": .array(stored)],
                time: time, in: append)
        }
        return results
    }

    /// The id of the message sent to `arn` with deduplication id `dedup` in the last five minutes.
    func previousMessage(_ arn: String, _ dedup: String, time: Int64, _ transaction: ReadTransaction) throws -> String? {
        guard let bytes = try transaction.value(forKey: QueueKeys.dedup(arn, dedup), in: db(.dedup)) else { return nil }
        let value = try JSONParser.parse(bytes: bytes)
        guard let sent = value["time"]?.integerValue, time - Int64(sent) < deduplicationWindow else { return nil }
        return value["id"]?.stringValue
    }

    /// Sends `messages` and returns once they are durable (or refused, per entry).
    public func send(queueArn: String, messages: [OutgoingMessage]) async throws -> [Result<SentMessage, QueueError>] {
        let time = now()
        let results = try await transact { append in try self.send(in: append, queueArn: queueArn, messages: messages, time: time) }
        wakeReceivers()
        return results
    }

    // MARK: Receiving

    /// A message location and its stored row, as the receive decision reads them.
    struct StoredMessage {
        var key: [UInt8]
        var row: JSONValue
        var location: JSONObject {
            let (sequence, position) = QueueKeys.location(key)
            return ["s": .integer(sequence), "i": .integer(position)]
        }
        var visible: Int64 { Int64(row["visible"]?.integerValue ?? 0) }
        var count: Int { row["count"]?.integerValue ?? 0 }
    }

    func messages(of arn: String, in transaction: ReadTransaction) throws -> [StoredMessage] {
        let prefix = QueueKeys.queuePrefix(arn)
        return try transaction.withCursor(on: db(.messages)) { cursor in
            var found: [StoredMessage] = []
            var more = try cursor.seek(atLeast: prefix)
            while more {
                let key = try cursor.key()
                guard key.starts(with: prefix), key.count == prefix.count + 16 else { break }
                found.append(StoredMessage(key: key, row: try JSONParser.parse(bytes: try cursor.value())))
                more = try cursor.next()
            }
            return found
        }
    }

    /// Receives up to `maxMessages` visible messages, waiting up to `waitSeconds`
    /// (the queue's `ReceiveMessageWaitTimeSeconds` when `nil`) for one to arrive.
    ///
    /// A message whose receive count reached its queue's `maxReceiveCount` moves
    /// to the dead-letter queue on this receive instead of being returned. In a
    /// FIFO queue, a group with a message in flight delivers nothing.
    public func receive(
        queueArn: String, maxMessages: Int = 1, visibilityTimeout: Int? = nil, waitSeconds: Int? = nil
    ) async throws -> [ReceivedMessage] {
        let queueWait = try log.read { try requireQueue(queueArn, in: $0) }.attributes.receiveWaitTime
        let deadline = ContinuousClock.now + .seconds(waitSeconds ?? queueWait)
        while true {
            let time = now()
            let (received, moved) = try await transact { append in
                try self.receiveOnce(in: append, queueArn, maxMessages, visibilityTimeout, time: time)
            }
            if moved { wakeReceivers() }
            let remaining = deadline - ContinuousClock.now
            if !received.isEmpty || remaining <= .zero || Task.isCancelled { return received }
            await waitForChange(atMost: min(remaining, .milliseconds(500)))
        }
    }

    func receiveOnce(
        in append: AppendTransaction, _ arn: String, _ maxMessages: Int, _ visibilityTimeout: Int?, time: Int64
    ) throws -> ([ReceivedMessage], Bool) {
        let queue = try requireQueue(arn, in: append.transaction)
        let stored = try messages(of: arn, in: append.transaction)
        let retention = Int64(queue.attributes.retentionPeriod) * 1000
        var busyGroups = Set<String>()
        if queue.attributes.isFifo {
            for message in stored where message.visible > time {
                if let group = message.row["group"]?.stringValue { busyGroups.insert(group) }
            }
        }
        let policy = queue.attributes.redrivePolicy
        let deadLetterExists = try policy.map { try self.queue($0.deadLetterTargetArn, in: append.transaction) != nil } ?? false
        let timeout = Int64(visibilityTimeout ?? queue.attributes.visibilityTimeout) * 1000
        var received: [ReceivedMessage] = []
        var receivedRecords: [JSONValue] = []
        var moved: [JSONValue] = []
        var expired: [JSONValue] = []
        for message in stored where received.count < maxMessages {
            guard message.visible <= time else { continue }
            let sent = Int64(message.row["sent"]?.integerValue ?? 0)
            if time - sent >= retention {
                expired.append(.object(message.location))
                continue
            }
            if let group = message.row["group"]?.stringValue, busyGroups.contains(group) { continue }
            if let policy, deadLetterExists, message.count >= policy.maxReceiveCount {
                var move = message.location
                move["to"] = .string(policy.deadLetterTargetArn)
                moved.append(.object(move))
                if let group = message.row["group"]?.stringValue, queue.attributes.isFifo { busyGroups.insert(group) }
                continue
            }
            let count = message.count + 1
            let handle = Self.receiptHandle(arn: arn, key: message.key, count: count)
            var record = message.location
            record["count"] = .integer(count)
            record["visible"] = .integer(Int(time + timeout))
            record["handle"] = .string(handle)
            receivedRecords.append(.object(record))
            var system: [String: String] = [
                "SentTimestamp": String(sent), "ApproximateReceiveCount": String(count),
                "ApproximateFirstReceiveTimestamp": String(message.row["first"]?.integerValue ?? Int(time)),
                "SenderId": configuration.account,
            ]
            if let group = message.row["group"]?.stringValue { system["MessageGroupId"] = group }
            if let dedup = message.row["dedup"]?.stringValue { system["MessageDeduplicationId"] = dedup }
            if let number = message.row["seqno"]?.stringValue { system["SequenceNumber"] = number }
            if let source = message.row["source"]?.stringValue { system["DeadLetterQueueSourceArn"] = source }
            received.append(
                ReceivedMessage(
                    messageId: message.row["id"]?.stringValue ?? "", receiptHandle: handle,
                    body: message.row["body"]?.stringValue ?? "", md5OfBody: message.row["md5"]?.stringValue ?? "",
                    md5OfAttributes: message.row["md5a"]?.stringValue, attributes: message.row["attrs"]?.objectValue ?? JSONObject(),
                    systemAttributes: system))
        }
        if !receivedRecords.isEmpty || !moved.isEmpty {
            try appendRecord(
                QueueRecordKind.received,
                ["arn": .string(arn), "time": .integer(Int(time)), "received": .array(receivedRecords), "moved": .array(moved)],
                time: time, in: append)
        }
        if !expired.isEmpty {
            try appendRecord(
                QueueRecordKind.messagesDeleted, ["arn": .string(arn), "time": .integer(Int(time)), "messages": .array(expired)],
                time: time, in: append)
        }
        return (received, !moved.isEmpty)
    }

    // MARK: Receipt handles

    /// An opaque handle naming the queue, the message and the receive it came from.
    static func receiptHandle(arn: String, key: [UInt8], count: Int) -> String {
        let (sequence, position) = QueueKeys.location(key)
        return Data("\(arn)\n\(sequence)\n\(position)\n\(count)".utf8).base64EncodedString()
    }

    /// The message key and receive count a handle names, checked against `arn`.
    static func parseHandle(_ handle: String, arn: String) throws(QueueError) -> (key: [UInt8], count: Int) {
        let invalid = QueueError(.receiptHandleIsInvalid, "The input receipt handle \"\(handle)\" is not a valid receipt handle.")
        guard let data = Data(base64Encoded: handle) else { throw invalid }
        let parts = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == arn, let sequence = Int(parts[1]), let position = Int(parts[2]), let count = Int(parts[3]) else {
            throw invalid
        }
        return (QueueKeys.message(arn, sequence: sequence, position: position), count)
    }

    // MARK: Deleting and visibility

    /// Deletes the messages named by `handles`; each entry succeeds or fails alone.
    /// A handle of a message already deleted succeeds, as in SQS.
    public func delete(queueArn: String, handles: [String]) async throws -> [Result<Void, QueueError>] {
        let time = now()
        return try await transact { append in
            _ = try self.requireQueue(queueArn, in: append.transaction)
            var results: [Result<Void, QueueError>] = []
            var locations: [JSONValue] = []
            for handle in handles {
                do {
                    let (key, _) = try Self.parseHandle(handle, arn: queueArn)
                    if try append.transaction.value(forKey: key, in: self.db(.messages)) != nil {
                        locations.append(.object(StoredMessage(key: key, row: .null).location))
                    }
                    results.append(.success(()))
                } catch let error as QueueError {
                    results.append(.failure(error))
                }
            }
            if !locations.isEmpty {
                try self.appendRecord(
                    QueueRecordKind.messagesDeleted,
                    ["arn": .string(queueArn), "time": .integer(Int(time)), "messages": .array(locations)], time: time, in: append)
            }
            return results
        }
    }

    /// Sets the visibility timeout of received messages, counted from now.
    public func changeVisibility(queueArn: String, changes: [(handle: String, timeout: Int)]) async throws -> [Result<Void, QueueError>] {
        let time = now()
        let changes = changes.map { ($0.handle, $0.timeout) }
        let results = try await transact { append in
            _ = try self.requireQueue(queueArn, in: append.transaction)
            var results: [Result<Void, QueueError>] = []
            var records: [JSONValue] = []
            for (handle, timeout) in changes {
                do {
                    guard (0...43_200).contains(timeout) else {
                        throw QueueError(.invalidParameterValue, "Value \(timeout) for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.")
                    }
                    let (key, count) = try Self.parseHandle(handle, arn: queueArn)
                    guard let bytes = try append.transaction.value(forKey: key, in: self.db(.messages)) else {
                        throw QueueError(.receiptHandleIsInvalid, "The input receipt handle \"\(handle)\" is not a valid receipt handle.")
                    }
                    let message = StoredMessage(key: key, row: try JSONParser.parse(bytes: bytes))
                    guard message.count == count, message.visible > time else {
                        throw QueueError(.messageNotInflight, "Message does not exist or is not available for visibility timeout change.")
                    }
                    var record = message.location
                    record["visible"] = .integer(Int(time + Int64(timeout) * 1000))
                    records.append(.object(record))
                    results.append(.success(()))
                } catch let error as QueueError {
                    results.append(.failure(error))
                }
            }
            if !records.isEmpty {
                try self.appendRecord(
                    QueueRecordKind.visibilityChanged,
                    ["arn": .string(queueArn), "time": .integer(Int(time)), "changes": .array(records)], time: time, in: append)
            }
            return results
        }
        wakeReceivers()
        return results
    }

    // MARK: Counting

    /// `GetQueueAttributes`: the stored attributes with defaults, the approximate
    /// counts as of now, `QueueArn` and the timestamps (seconds).
    public func attributes(queueArn: String) throws -> [String: String] {
        let time = now()
        return try log.read { transaction in
            let queue = try requireQueue(queueArn, in: transaction)
            var visible = 0, inFlight = 0, delayed = 0
            for message in try messages(of: queueArn, in: transaction) {
                if message.visible <= time {
                    visible += 1
                } else if message.count > 0 {
                    inFlight += 1
                } else {
                    delayed += 1
                }
            }
            var all = queue.attributes.withDefaults
            all["QueueArn"] = queue.arn
            all["ApproximateNumberOfMessages"] = String(visible)
            all["ApproximateNumberOfMessagesNotVisible"] = String(inFlight)
            all["ApproximateNumberOfMessagesDelayed"] = String(delayed)
            all["CreatedTimestamp"] = String(queue.created / 1000)
            all["LastModifiedTimestamp"] = String(queue.modified / 1000)
            if queue.attributes.isFifo {
                all["ContentBasedDeduplication"] = queue.attributes.contentBasedDeduplication ? "true" : "false"
            }
            return all
        }
    }
}
