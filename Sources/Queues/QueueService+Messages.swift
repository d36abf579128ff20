public import EventLog
import Foundation
public import JSON
package import LMDB
import Memberwise
public import Messaging
import Runtime

/// A message to send: what `SendMessage` and the Engine's internal deliveries give.
@MemberwiseInit(.public)
public struct OutgoingMessage: Sendable, Hashable {
    public var body: String
    /// `{Name: {DataType, StringValue | BinaryValue}}`.
    public var attributes: JSONObject = JSONObject()
    public var delaySeconds: Int? = nil
    public var groupId: String? = nil
    public var deduplicationId: String? = nil
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
package let deduplicationWindow: Int64 = 5 * 60 * 1000

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
                try message.validate()
                let md5Attributes = try MessageAttributeDigest.md5(of: message.attributes)
                let md5Body = Digest.md5Hex(Array(message.body.utf8))
                var dedup: String?
                if attributes.isFifo {
                    guard let group = message.groupId else {
                        throw QueueError(.missingParameter, "The request must contain the parameter MessageGroupId.")
                    }
                    for (parameter, value) in [("MessageGroupId", group), ("MessageDeduplicationId", message.deduplicationId)] {
                        if let value, let problem = FifoIdentifier.problem(with: value) {
                            throw QueueError(.invalidParameterValue, "Value \(value.prefix(200)) for parameter \(parameter) is invalid. Reason: \(parameter) \(problem)")
                        }
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
    package func previousMessage(_ arn: String, _ dedup: String, time: Int64, _ transaction: ReadTransaction) throws -> String? {
        guard let value = try transaction.jsonValue(forKey: QueueKeys.dedup(arn, dedup), in: db(.dedup)) else { return nil }
        guard let sent = value["time"]?.integerValue, time - Int64(sent) < deduplicationWindow else { return nil }
        return value["id"]?.stringValue
    }

    /// Sends `messages` and returns once they are durable (or refused, per entry).
    public func send(queueArn: String, messages: [OutgoingMessage]) async throws -> [Result<SentMessage, QueueError>] {
        let time = now()
        let results = try await transact { append in try self.send(in: append, queueArn: queueArn, messages: messages, time: time) }
        return results
    }

    // MARK: Receiving

    /// A message location and its stored row, as the receive decision reads them.
    package struct StoredMessage {
        package var key: [UInt8]
        package var row: JSONValue
        package var location: JSONObject {
            let (sequence, position) = QueueKeys.location(key)
            return ["s": .integer(sequence), "i": .integer(position)]
        }
        package var visible: Int64 { Int64(row["visible"]?.integerValue ?? 0) }
        package var count: Int { row["count"]?.integerValue ?? 0 }
    }

    /// The messages of `arn` in arrival order: at most `limit`, put there by records up to `upTo`.
    package func messages(of arn: String, in transaction: ReadTransaction, limit: Int = .max, upTo: Int = .max) throws -> [StoredMessage] {
        let prefix = QueueKeys.queuePrefix(arn)
        var found: [StoredMessage] = []
        try transaction.forEach(withPrefix: prefix, in: db(.messages)) { key, value in
            let key = key.copiedBytes()
            guard found.count < limit, key.count == prefix.count + 16, QueueKeys.location(key).sequence <= upTo else { return false }
            found.append(StoredMessage(key: key, row: try JSONParser.parse(bytes: value.copiedBytes())))
            return true
        }
        return found
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
            let seen = wakeUpCount
            let received = try await transact { append in
                try self.receiveOnce(in: append, queueArn, maxMessages, visibilityTimeout, time: time)
            }
            let remaining = deadline - ContinuousClock.now
            if !received.isEmpty || remaining <= .zero || Task.isCancelled { return received }
            // Nothing to receive: wait for a commit, or for the time a message becomes
            // visible (a delay or visibility timeout ending commits nothing), on the clock.
            let nextVisible = try log.read { try self.nextVisibleTime(queueArn, after: time, $0) }
            await waitForChange(since: seen, atMost: remaining, orUntil: nextVisible)
        }
    }

    /// When the next message of `arn` not yet visible at `time` becomes visible, from the `visible` view.
    package func nextVisibleTime(_ arn: String, after time: Int64, _ transaction: ReadTransaction) throws -> Int64? {
        let prefix = QueueKeys.queuePrefix(arn)
        return try transaction.withCursor(on: db(.visible)) { cursor in
            guard try cursor.seek(atLeast: QueueKeys.visibleBound(arn, after: Int(time))) else { return nil }
            let key = try cursor.key()
            guard key.starts(with: prefix), key.count >= prefix.count + 8 else { return nil }
            return Int64(key[prefix.count..<(prefix.count + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }
    }

    /// One receive decision, in the writer's transaction.
    ///
    /// It walks the queue's `visible` order up to `time`, so it reads the
    /// messages it returns, the expired ones it drops and the poison ones it
    /// moves, not the whole queue. In a FIFO queue a message stands for its
    /// group: the group is read from its head in arrival order and delivers its
    /// leading visible messages; a group whose head is in flight delivers
    /// nothing (its later messages are skipped once each).
    package func receiveOnce(
        in append: AppendTransaction, _ arn: String, _ maxMessages: Int, _ visibilityTimeout: Int?, time: Int64
    ) throws -> [ReceivedMessage] {
        let queue = try requireQueue(arn, in: append.transaction)
        let policy = queue.attributes.redrivePolicy
        let deadLetterExists = try policy.map { try self.queue($0.deadLetterTargetArn, in: append.transaction) != nil } ?? false
        var decision = ReceiveDecision(
            time: time, maxMessages: maxMessages, account: context.scope(ofArn: arn).account,
            retention: Int64(queue.attributes.retentionPeriod) * 1000,
            timeout: Int64(visibilityTimeout ?? queue.attributes.visibilityTimeout) * 1000,
            redrive: deadLetterExists ? policy : nil)
        var visitedGroups = Set<String>()
        let bound = QueueKeys.visibleBound(arn, after: Int(time))
        var from = QueueKeys.queuePrefix(arn)
        while decision.wantsMore {
            // Read a page of due keys first and decide after: the decision reads other databases.
            let page = try dueKeys(from: from, below: bound, limit: maxMessages * 2 + 8, append.transaction)
            guard let last = page.last else { break }
            from = last + [0]
            for visibleKey in page where decision.wantsMore {
                let location = QueueKeys.location(visibleKey)
                let key = QueueKeys.message(arn, sequence: location.sequence, position: location.position)
                guard let row = try storedRow(key, append.transaction) else { continue }
                guard queue.attributes.isFifo, let group = MessageStore.fifoGroup(row) else {
                    decision.take(StoredMessage(key: key, row: .object(row)), handle: newHandle)
                    continue
                }
                guard visitedGroups.insert(group).inserted else { continue }
                for (groupKey, groupRow) in try groupHead(arn, group, append.transaction) {
                    let message = StoredMessage(key: groupKey, row: .object(groupRow))
                    guard decision.wantsMore, message.visible <= time else { break }
                    // A moved or expired head leaves the group for the next receive, keeping order.
                    guard decision.take(message, handle: newHandle) == .received else { break }
                }
            }
        }
        if !decision.receivedRecords.isEmpty || !decision.moved.isEmpty {
            try appendRecord(
                QueueRecordKind.received,
                [
                    "arn": .string(arn), "time": .integer(Int(time)), "received": .array(decision.receivedRecords),
                    "moved": .array(decision.moved),
                ],
                time: time, in: append)
        }
        if !decision.expired.isEmpty {
            try appendRecord(
                QueueRecordKind.messagesDeleted, ["arn": .string(arn), "time": .integer(Int(time)), "messages": .array(decision.expired)],
                time: time, in: append)
        }
        return decision.received
    }

    /// Up to `limit` keys of the `visible` order from `from` (inclusive) below `bound`.
    package func dueKeys(from: [UInt8], below bound: [UInt8], limit: Int, _ transaction: ReadTransaction) throws -> [[UInt8]] {
        try transaction.withCursor(on: db(.visible)) { cursor in
            var found: [[UInt8]] = []
            var more = try cursor.seek(atLeast: from)
            while more, found.count < limit {
                let key = try cursor.key()
                guard key.lexicographicallyPrecedes(bound) else { break }
                found.append(key)
                more = try cursor.next()
            }
            return found
        }
    }

    package func storedRow(_ key: [UInt8], _ transaction: ReadTransaction) throws -> JSONObject? {
        guard let bytes = try transaction.value(forKey: key, in: db(.messages)) else { return nil }
        return try QueueKeys.object(bytes)
    }

    /// The first messages of a FIFO group in arrival order: a receive returns at
    /// most 10, so the first 10 decide it.
    package func groupHead(_ arn: String, _ group: String, _ transaction: ReadTransaction) throws -> [([UInt8], JSONObject)] {
        let prefix = QueueKeys.groupPrefix(arn, group)
        var locations: [(sequence: Int, position: Int)] = []
        try transaction.forEach(withPrefix: prefix, in: db(.groups)) { key, _ in
            guard locations.count < 10 else { return false }
            locations.append(QueueKeys.location(key.copiedBytes()))
            return true
        }
        return try locations.compactMap { location in
            let key = QueueKeys.message(arn, sequence: location.sequence, position: location.position)
            return try storedRow(key, transaction).map { (key, $0) }
        }
    }

    /// A fresh, unguessable receipt handle for the `count`th receive of the message at `key`.
    package func newHandle(key: [UInt8], count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let location = QueueKeys.location(key)
        return ReceiptHandle(sequence: location.sequence, position: location.position, count: count, nonce: generator.next()).text
    }

    // MARK: Deleting and visibility

    package static func messageKey(_ arn: String, _ handle: ReceiptHandle) -> [UInt8] {
        QueueKeys.message(arn, sequence: handle.sequence, position: handle.position)
    }

    /// Deletes the messages named by `handles`; each entry succeeds or fails alone.
    /// A handle of a message already deleted succeeds, as in SQS, and so does a
    /// stale one (from a receive before the message's latest), without deleting.
    /// Deleting a FIFO group's head lets the group's next message be received, so
    /// long-polling receivers are woken.
    public func delete(queueArn: String, handles: [String]) async throws -> [Result<Void, QueueError>] {
        let time = now()
        let results = try await transact { append in try self.delete(in: append, queueArn: queueArn, handles: handles, time: time).results }
        return results
    }

    /// Deletes inside `append`, the caller's transaction; also says how many handles
    /// were current (named a message's latest receive), so a caller that must write
    /// its effect only with the delete (a pipe's queue target) can refuse stale ones.
    package func delete(
        in append: AppendTransaction, queueArn: String, handles: [String], time: Int64
    ) throws -> (results: [Result<Void, QueueError>], current: Int) {
        _ = try requireQueue(queueArn, in: append.transaction)
        var results: [Result<Void, QueueError>] = []
        var locations: [JSONValue] = []
        for handle in handles {
            do {
                let key = try Self.messageKey(queueArn, ReceiptHandle(parsing: handle))
                if let row = try storedRow(key, append.transaction), row["handle"]?.stringValue == handle {
                    locations.append(.object(StoredMessage(key: key, row: .null).location))
                }
                results.append(.success(()))
            } catch let error as QueueError {
                results.append(.failure(error))
            }
        }
        if !locations.isEmpty {
            try appendRecord(
                QueueRecordKind.messagesDeleted,
                ["arn": .string(queueArn), "time": .integer(Int(time)), "messages": .array(locations)], time: time, in: append)
        }
        return (results, locations.count)
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
                    let key = try Self.messageKey(queueArn, ReceiptHandle(parsing: handle))
                    guard let row = try self.storedRow(key, append.transaction) else {
                        throw QueueError(.receiptHandleIsInvalid, "The input receipt handle \"\(handle)\" is not a valid receipt handle.")
                    }
                    let message = StoredMessage(key: key, row: .object(row))
                    guard row["handle"]?.stringValue == handle, message.visible > time else {
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
