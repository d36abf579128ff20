import EventLog
import Foundation
package import JSON
import LMDB
import Messaging
import Queues
public import Runtime

/// A subscription as `ListSubscriptions` and `GetSubscriptionAttributes` show it.
public struct TopicSubscription: Sendable, Hashable {
    public var arn: String
    public var topicArn: String
    /// `sqs`, `http`, `https` or `lambda`.
    public var protocolName: String
    public var endpoint: String
    public var attributes: [String: String]
    /// An HTTP/S subscription not confirmed yet.
    public var pendingConfirmation: Bool

    package init(row: JSONObject) {
        arn = row["arn"]?.stringValue ?? ""
        topicArn = row["topic"]?.stringValue ?? ""
        protocolName = row["protocol"]?.stringValue ?? ""
        endpoint = row["endpoint"]?.stringValue ?? ""
        attributes = TopicService.strings(row["attributes"])
        pendingConfirmation = row["pending"] == .bool(true)
    }
}

extension TopicService {
    /// The protocols Stepline delivers to.
    public static let protocols: Set<String> = ["sqs", "http", "https", "lambda"]

    /// What `Subscribe` answers: the subscription's ARN, or `pending confirmation`.
    public static let pendingConfirmationArn = "pending confirmation"

    /// Subscribes an endpoint to a topic. HTTP/S subscriptions start pending and are
    /// sent a `SubscriptionConfirmation` (after the commit) whose token
    /// ``confirmSubscription(topicArn:token:)`` accepts; the others are confirmed at once.
    /// Subscribing the same endpoint again returns the same subscription.
    ///
    /// - Returns: the subscription, whose ARN `Subscribe` returns (or ``pendingConfirmationArn``).
    /// - Throws: ``TopicError`` `NotFound`, `InvalidParameter`.
    public func subscribe(topicArn: String, protocol kind: String, endpoint: String?, attributes given: [(key: String, value: String)]) async throws
        -> TopicSubscription
    {
        let kind = kind.lowercased()
        guard Self.protocols.contains(kind) else {
            throw TopicError(.invalidParameter, "Invalid parameter: Amazon SNS does not support this protocol string: \(kind)")
        }
        guard let endpoint, !endpoint.isEmpty else { throw TopicError(.invalidParameter, "Invalid parameter: Endpoint") }
        switch kind {
        case "sqs":
            guard endpoint.hasPrefix("arn:aws:sqs:"), endpoint.split(separator: ":").count == 6 else {
                throw TopicError(.invalidParameter, "Invalid parameter: SQS endpoint ARN")
            }
        case "http", "https":
            guard endpoint.lowercased().hasPrefix("\(kind)://") else {
                throw TopicError(.invalidParameter, "Invalid parameter: Endpoint must match the specified protocol")
            }
        default:
            guard endpoint.hasPrefix("arn:") else { throw TopicError(.invalidParameter, "Invalid parameter: Lambda endpoint ARN") }
        }
        var attributes: [String: String] = [:]
        for (key, value) in given { attributes[key] = value }
        for (key, value) in given { try SubscriptionAttributes.validate(key, value, protocol: kind, current: attributes) }
        let time = now()
        let token = Self.randomHex(32)
        let subscriptionArn = "\(topicArn):\(UUID().uuidString.lowercased())"
        let finalAttributes = attributes
        let baseURL = configuration.baseURL()
        // A confirmation delivery is scheduled by the commit (``scheduleDeliveries(recordedIn:)``).
        return try await transact { append -> TopicSubscription in
            let topic = try self.requireTopic(topicArn, append.transaction)
            let fifoTopic = Self.strings(topic["attributes"])["FifoTopic"] == "true"
            if kind == "sqs" {
                let fifoQueue = endpoint.hasSuffix(".fifo")
                if fifoTopic && !fifoQueue {
                    throw TopicError(.invalidParameter, "Invalid parameter: Invalid parameter: Endpoint Reason: Please use FIFO SQS queue")
                }
                if !fifoTopic && fifoQueue {
                    throw TopicError(.invalidParameter, "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
                }
            } else if fifoTopic {
                throw TopicError(.invalidParameter, "Invalid parameter: Invalid protocol type: \(kind) Reason: FIFO topics only support SQS subscriptions")
            }
            for existing in try self.subscriptionArns(of: topicArn, append.transaction) {
                guard let row = try self.row(existing, in: .subscriptions, append.transaction) else { continue }
                let current = TopicSubscription(row: row)
                guard current.protocolName == kind, current.endpoint == endpoint else { continue }
                guard finalAttributes.allSatisfy({ current.attributes[$0.key] == $0.value }) else {
                    throw TopicError(.invalidParameter, "Invalid parameter: Attributes Reason: Subscription already exists with different attributes")
                }
                return current
            }
            let pending = kind == "http" || kind == "https"
            var record: JSONObject = [
                "arn": .string(subscriptionArn), "topic": .string(topicArn), "protocol": .string(kind), "endpoint": .string(endpoint),
                "attributes": Self.object(finalAttributes), "pending": .bool(pending), "time": .integer(Int(time)),
            ]
            if pending {
                record["token"] = .string(token)
                let messageId = UUID().uuidString.lowercased()
                let body = Notification.confirmation(
                    messageId: messageId, topicArn: topicArn, token: token,
                    subscribeURL: Self.url(baseURL, ["Action": "ConfirmSubscription", "TopicArn": topicArn, "Token": token]),
                    time: time, signingCertURL: Self.signingCertURL(baseURL))
                let delivery = TopicDelivery(
                    deliveryId: "\(messageId)/confirmation", messageType: "SubscriptionConfirmation", messageId: messageId, topicArn: topicArn,
                    subscriptionArn: subscriptionArn, protocolName: kind, endpoint: endpoint, body: body.serialized, due: time,
                    retryPolicy: DeliveryRetryPolicy(topicPolicy: Self.strings(topic["attributes"])["DeliveryPolicy"], subscriptionPolicy: finalAttributes["DeliveryPolicy"]))
                record["deliveries"] = [delivery.recordJSON]
            }
            try self.append(TopicRecordKind.subscribed, .object(record), time: time, in: append)
            var row = record
            row["deliveries"] = nil
            return TopicSubscription(row: row)
        }
    }

    /// Confirms a pending HTTP/S subscription by the token its confirmation carried.
    /// - Throws: ``TopicError`` `NotFound` for an unknown topic, `InvalidParameter` for a token no subscription of it has.
    public func confirmSubscription(topicArn: String, token: String) async throws -> String {
        let time = now()
        return try await transact { append in
            _ = try self.requireTopic(topicArn, append.transaction)
            for arn in try self.subscriptionArns(of: topicArn, append.transaction) {
                guard let row = try self.row(arn, in: .subscriptions, append.transaction), row["token"]?.stringValue == token else { continue }
                if row["pending"] == .bool(true) {
                    try self.append(TopicRecordKind.subscriptionConfirmed, ["arn": .string(arn), "time": .integer(Int(time))], time: time, in: append)
                }
                return arn
            }
            throw TopicError(.invalidParameter, "Invalid token")
        }
    }

    /// Deletes a subscription.
    /// - Throws: ``TopicError`` `NotFound`.
    public func unsubscribe(arn: String) async throws {
        let time = now()
        try await transact { append in
            _ = try self.requireSubscription(arn, append.transaction)
            try self.append(TopicRecordKind.unsubscribed, ["arn": .string(arn), "time": .integer(Int(time))], time: time, in: append)
        }
    }

    /// Every subscription of `scope` (`nil`: the default scope), or those of one topic
    /// (of any scope), in ARN order.
    /// - Throws: ``TopicError`` `NotFound` for an unknown topic.
    public func listSubscriptions(topicArn: String? = nil, in scope: ResourceScope? = nil) throws -> [TopicSubscription] {
        try log.read { transaction in
            guard let topicArn else {
                // Subscription ARNs extend their topic's, so the scope's are one key range.
                let prefix = Array((scope ?? context.defaultScope).arnPrefix("sns").utf8)
                return try transaction.values(withPrefix: prefix, in: db(.subscriptions)).map { TopicSubscription(row: try QueueKeys.object($0)) }
            }
            _ = try requireTopic(topicArn, transaction)
            return try subscriptionArns(of: topicArn, transaction).compactMap { arn in
                try row(arn, in: .subscriptions, transaction).map(TopicSubscription.init(row:))
            }
        }
    }

    /// The attributes `GetSubscriptionAttributes` shows.
    /// - Throws: ``TopicError`` `NotFound`.
    public func subscriptionAttributes(arn: String) throws -> [String: String] {
        try log.read { transaction in
            let subscription = TopicSubscription(row: try requireSubscription(arn, transaction))
            let topic = try row(subscription.topicArn, in: .topics, transaction)
            var attributes = subscription.attributes
            attributes["SubscriptionArn"] = arn
            attributes["TopicArn"] = subscription.topicArn
            attributes["Owner"] = owner(of: arn)
            attributes["Protocol"] = subscription.protocolName
            attributes["Endpoint"] = subscription.endpoint
            attributes["PendingConfirmation"] = subscription.pendingConfirmation ? "true" : "false"
            attributes["ConfirmationWasAuthenticated"] = subscription.pendingConfirmation ? "false" : "true"
            attributes["RawMessageDelivery"] = attributes["RawMessageDelivery"] ?? "false"
            if attributes["FilterPolicy"] != nil { attributes["FilterPolicyScope"] = attributes["FilterPolicyScope"] ?? "MessageAttributes" }
            attributes["SubscriptionPrincipal"] = "arn:aws:iam::\(owner(of: arn)):user/stepline"
            let policy = DeliveryRetryPolicy(
                topicPolicy: topic.map { Self.strings($0["attributes"]) }?["DeliveryPolicy"], subscriptionPolicy: attributes["DeliveryPolicy"])
            attributes["EffectiveDeliveryPolicy"] = policy.effectiveJSON
            return attributes
        }
    }

    /// Sets one subscription attribute (`FilterPolicy`, `FilterPolicyScope`, `RawMessageDelivery`, `RedrivePolicy`, `DeliveryPolicy`).
    /// - Throws: ``TopicError`` `NotFound`, `InvalidParameter`.
    public func setSubscriptionAttribute(arn: String, name: String, value: String) async throws {
        let time = now()
        try await transact { append in
            let subscription = TopicSubscription(row: try self.requireSubscription(arn, append.transaction))
            var current = subscription.attributes
            current[name] = value
            try SubscriptionAttributes.validate(name, value, protocol: subscription.protocolName, current: current)
            try self.append(
                TopicRecordKind.subscriptionAttributesSet, ["arn": .string(arn), "attributes": [name: .string(value)], "time": .integer(Int(time))],
                time: time, in: append)
        }
    }

    // MARK: URLs

    /// `BASE/?name=value&…`, percent-encoded.
    package static func url(_ base: String, _ query: KeyValuePairs<String, String>) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let parts = query.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)" }
        return "\(base)/?\(parts.joined(separator: "&"))"
    }

    package static func signingCertURL(_ base: String) -> String { "\(base)/SimpleNotificationService.pem" }

    package static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }
}
