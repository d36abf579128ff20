public import EventLog
import Foundation
import JSON
package import LMDB
import Memberwise
public import Messaging
package import Queues
import Runtime

/// One message to publish: `Publish`'s input, or one `PublishBatch` entry.
@MemberwiseInit(.public)
public struct PublishEntry: Sendable {
    public var message: String
    public var subject: String? = nil
    /// `json` when ``message`` holds one message per protocol (`{"default": …, "sqs": …}`).
    public var messageStructure: String? = nil
    public var attributes: [(name: String, value: MessageAttribute)] = []
    /// FIFO topics: required.
    public var groupId: String? = nil
    /// FIFO topics: required unless the topic has `ContentBasedDeduplication`.
    public var deduplicationId: String? = nil
}

/// An accepted publish.
public struct PublishedMessage: Sendable, Hashable {
    public var messageId: String
    /// FIFO topics: the message's sequence number (a duplicate gets the original's).
    public var sequenceNumber: String?
}

extension TopicService {
    /// The largest message, body and attributes together, SNS accepts.
    public static let maximumMessageSize = 262_144

    /// Publishes messages to a topic in one transaction: each valid entry is
    /// accepted, sent to every matching queue subscriber in the same transaction,
    /// and its other deliveries recorded; the answer comes after the commit.
    ///
    /// FIFO topics drop an entry whose deduplication id (given, or the body's SHA-256
    /// with `ContentBasedDeduplication`) was accepted in the last five minutes and
    /// answer with the original message's id.
    ///
    /// - Returns: one result per entry, in order: the message, or why it was refused.
    /// - Throws: ``TopicError`` `NotFound` for an unknown topic; `InternalError` when the log cannot commit.
    public func publish(topicArn: String, entries: [PublishEntry]) async throws -> [Result<PublishedMessage, TopicError>] {
        let time = now()
        let baseURL = configuration.baseURL()
        let ids = entries.map { _ in UUID().uuidString.lowercased() }
        // The deliveries it recorded are scheduled by the commit (``scheduleDeliveries(recordedIn:)``).
        let (results, _) = try await transact { append in
            try self.decidePublish(topicArn: topicArn, entries: entries, ids: ids, time: time, baseURL: baseURL, append: append)
        }
        return results
    }

    /// Publishes inside `append`, a caller's transaction (an EventBridge rule whose target
    /// is a topic, a Task state's `sns:publish`): queue subscribers get the messages exactly
    /// when the caller's records commit. Deliveries to HTTP/S endpoints and handlers are
    /// recorded, and scheduled when the caller's transaction commits
    /// (``scheduleDeliveries(recordedIn:)``, a commit observer).
    /// - Throws: ``TopicError`` `NotFound` for an unknown topic.
    public func publish(
        in append: AppendTransaction, topicArn: String, entries: [PublishEntry], time: Int64
    ) throws -> [Result<PublishedMessage, TopicError>] {
        let ids = entries.map { _ in UUID().uuidString.lowercased() }
        return try decidePublish(topicArn: topicArn, entries: entries, ids: ids, time: time, baseURL: configuration.baseURL(), append: append).0
    }

    package struct QueueItem {
        package var message: OutgoingMessage
        package var delivery: TopicDelivery
    }

    /// The decision of one publish, in the writer's transaction.
    package func decidePublish(
        topicArn: String, entries: [PublishEntry], ids: [String], time: Int64, baseURL: String, append: AppendTransaction
    ) throws -> ([Result<PublishedMessage, TopicError>], [TopicDelivery]) {
        let topic = try requireTopic(topicArn, append.transaction)
        let topicAttributes = Self.strings(topic["attributes"])
        let fifo = topicAttributes["FifoTopic"] == "true"
        let contentDedup = topicAttributes["ContentBasedDeduplication"] == "true"
        let subscriptions = try subscriptionArns(of: topicArn, append.transaction).compactMap { arn in
            try row(arn, in: .subscriptions, append.transaction).map(TopicSubscription.init(row:))
        }.filter { !$0.pendingConfirmation }
        let sequenceBase = String(append.nextSequence.rawValue)

        var results: [Result<PublishedMessage, TopicError>] = []
        var accepted: [JSONValue] = []
        var deliveries: [TopicDelivery] = []
        var queueItems: [String: [QueueItem]] = [:]
        var queueOrder: [String] = []
        var batchDedup: [String: PublishedMessage] = [:]
        for (index, entry) in entries.enumerated() {
            do {
                let messages = try Self.validate(entry, fifo: fifo)
                var dedup: String?
                if fifo {
                    dedup = entry.deduplicationId ?? (contentDedup ? Digest.sha256Hex(Array(entry.message.utf8)) : nil)
                    guard let dedup else {
                        throw TopicError.invalidParameter(
                            nil, "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
                    }
                    if let previous = try batchDedup[dedup] ?? previousMessage(topicArn, dedup, time: time, append.transaction) {
                        results.append(.success(previous))
                        continue
                    }
                }
                let id = ids[index]
                var sequenceNumber: String?
                if fifo {
                    let number = sequenceBase + (index < 10 ? "0" : "") + String(index)
                    sequenceNumber = String(repeating: "0", count: max(0, 20 - number.count)) + number
                }
                var attributeMap: [String: MessageAttribute] = [:]
                for (name, value) in entry.attributes { attributeMap[name] = value }
                let policyValues = attributeMap.mapValues(\.policyValue)
                for subscription in subscriptions {
                    let body = messages[subscription.protocolName] ?? messages["default"] ?? entry.message
                    if let policy = filterPolicy(subscription.attributes), !policy.matches(body: body, attributes: policyValues) { continue }
                    let notification = Notification(
                        messageId: id, topicArn: topicArn, subject: entry.subject, message: body, time: time, attributes: attributeMap,
                        sequenceNumber: sequenceNumber)
                    let unsubscribeURL = Self.url(baseURL, ["Action": "Unsubscribe", "SubscriptionArn": subscription.arn])
                    let raw = subscription.attributes["RawMessageDelivery"] == "true"
                    let payload: String
                    if subscription.protocolName == "lambda" {
                        payload = notification.lambdaEvent(
                            subscriptionArn: subscription.arn, signingCertURL: Self.signingCertURL(baseURL), unsubscribeURL: unsubscribeURL
                        ).serialized
                    } else if raw {
                        payload = body
                    } else {
                        payload = notification.envelope(signingCertURL: Self.signingCertURL(baseURL), unsubscribeURL: unsubscribeURL).serialized
                    }
                    var queueAttributes = JSONObject()
                    if raw { for (name, value) in attributeMap.sorted(by: { $0.key < $1.key }) { queueAttributes[name] = value.queueValue } }
                    let delivery = TopicDelivery(
                        deliveryId: "\(id)/\(subscription.arn.split(separator: ":").last ?? "")", messageType: "Notification", messageId: id,
                        topicArn: topicArn, subscriptionArn: subscription.arn, protocolName: subscription.protocolName,
                        endpoint: subscription.endpoint, body: payload, queueAttributes: queueAttributes,
                        groupId: fifo ? entry.groupId : nil, deduplicationId: fifo ? dedup : nil, due: time,
                        retryPolicy: DeliveryRetryPolicy(topicPolicy: topicAttributes["DeliveryPolicy"], subscriptionPolicy: subscription.attributes["DeliveryPolicy"]))
                    if subscription.protocolName == "sqs" {
                        let message = OutgoingMessage(
                            body: payload, attributes: queueAttributes, groupId: delivery.groupId, deduplicationId: delivery.deduplicationId)
                        if queueItems[subscription.endpoint] == nil { queueOrder.append(subscription.endpoint) }
                        queueItems[subscription.endpoint, default: []].append(QueueItem(message: message, delivery: delivery))
                    } else {
                        deliveries.append(delivery)
                    }
                }
                let published = PublishedMessage(messageId: id, sequenceNumber: sequenceNumber)
                var record: JSONObject = ["id": .string(id)]
                if let sequenceNumber { record["seq"] = .string(sequenceNumber) }
                if let dedup {
                    record["dedup"] = .string(dedup)
                    batchDedup[dedup] = published
                }
                accepted.append(.object(record))
                results.append(.success(published))
            } catch let error as TopicError {
                results.append(.failure(error))
            }
        }
        // Queue subscribers: exactly once, in this transaction. A queue that is missing or
        // refuses a message turns that message into a delivery retried like an HTTP one.
        for queueArn in queueOrder {
            let items = queueItems[queueArn] ?? []
            do {
                let sent = try queues.send(in: append, queueArn: queueArn, messages: items.map(\.message), time: time)
                for (item, outcome) in zip(items, sent) {
                    if case .failure(let error) = outcome {
                        var delivery = item.delivery
                        delivery.lastError = error.message
                        deliveries.append(delivery)
                    }
                }
            } catch let error as QueueError where error.code == .queueDoesNotExist {
                deliveries += items.map(\.delivery)
            }
        }
        if !accepted.isEmpty {
            try self.append(
                TopicRecordKind.published,
                [
                    "topic": .string(topicArn), "time": .integer(Int(time)), "messages": .array(accepted),
                    "deliveries": .array(deliveries.map(\.recordJSON)),
                ],
                time: time, in: append)
        }
        return (results, deliveries)
    }

    /// The message accepted on `topicArn` with deduplication id `dedup` in the last five minutes.
    package func previousMessage(_ topicArn: String, _ dedup: String, time: Int64, _ transaction: ReadTransaction) throws -> PublishedMessage? {
        guard let value = try transaction.jsonValue(forKey: QueueKeys.dedup(topicArn, dedup), in: db(.dedup)) else { return nil }
        guard let first = value["time"]?.integerValue, time - Int64(first) < deduplicationWindow, let id = value["id"]?.stringValue else {
            return nil
        }
        return PublishedMessage(messageId: id, sequenceNumber: value["seq"]?.stringValue)
    }

    /// SNS's checks of one entry; returns the message per protocol (`default` for a plain message).
    package static func validate(_ entry: PublishEntry, fifo: Bool) throws(TopicError) -> [String: String] {
        guard !entry.message.isEmpty else { throw TopicError.invalidParameter(nil, "Empty message") }
        try MessageAttribute.validate(entry.attributes)
        let size = entry.message.utf8.count
            + entry.attributes.reduce(0) { $0 + $1.name.utf8.count + $1.value.dataType.utf8.count + ($1.value.stringValue ?? $1.value.binaryValue ?? "").utf8.count }
        guard size <= maximumMessageSize else { throw TopicError.invalidParameter(nil, "Message too long") }
        if let subject = entry.subject {
            guard !subject.isEmpty, subject.count <= 100, subject.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) else {
                throw TopicError.invalidParameter(nil, "Subject")
            }
        }
        if fifo {
            guard let group = entry.groupId, !group.isEmpty else {
                throw TopicError.invalidParameter(nil, "The MessageGroupId parameter is required for FIFO topics")
            }
            for (parameter, value) in [("MessageGroupId", group), ("MessageDeduplicationId", entry.deduplicationId)] {
                if let value, let problem = FifoIdentifier.problem(with: value) {
                    throw TopicError.invalidParameter(nil, "\(parameter) Reason: \(parameter) \(problem)")
                }
            }
        } else if entry.deduplicationId != nil {
            throw TopicError.invalidParameter(
                nil, "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
        }
        guard let structure = entry.messageStructure else { return ["default": entry.message] }
        guard structure == "json" else { throw TopicError.invalidParameter(nil, "Invalid Message Structure") }
        guard let json = try? JSONParser.parse(entry.message), let object = json.objectValue else {
            throw TopicError.invalidParameter(nil, "Message Structure - JSON message body failed to parse")
        }
        guard object["default"]?.stringValue != nil else {
            throw TopicError.invalidParameter(nil, "Message Structure - No default entry in JSON message body")
        }
        var messages: [String: String] = [:]
        for (key, value) in object.entries { messages[key] = value.stringValue ?? value.serialized }
        return messages
    }
}
