package import EventLog
import Foundation
package import JSON
package import LMDB
package import Messaging
public import Queues
public import Runtime
package import Synchronization

/// SNS topics on the log: topics, subscriptions, tags and publishing, every change a
/// ``TopicRecordKind`` record and every view a ``TopicIndex`` database.
///
/// A publish decides inside ``EventLog/transact(_:)``: it reads the topic and its
/// subscriptions in the writer's transaction, runs each subscription's
/// ``FilterPolicy``, sends to every matching Stepline queue with
/// ``QueueService/send(in:queueArn:messages:time:)`` (exactly once: the queue
/// records commit with the publish), and writes the deliveries to HTTP/S endpoints
/// and local handlers into its ``TopicRecordKind/published`` record. Those run
/// after the commit, at least once, retried by the delivery policy and then sent to
/// the subscription's `RedrivePolicy` queue (``run()``).
///
/// Open one on an opened ``Engine`` and its ``QueueService`` with
/// ``open(engine:queues:configuration:)``, and keep ``run()`` running.
///
/// ## Topics
/// ### Topics
/// - ``createTopic(name:attributes:tags:in:)``
/// - ``deleteTopic(arn:)``
/// - ``listTopics(in:)``
/// - ``topicAttributes(arn:)``
/// - ``setTopicAttribute(arn:name:value:)``
/// ### Subscriptions
/// - ``subscribe(topicArn:protocol:endpoint:attributes:)``
/// - ``confirmSubscription(topicArn:token:)``
/// - ``unsubscribe(arn:)``
/// - ``listSubscriptions(topicArn:in:)``
/// - ``subscriptionAttributes(arn:)``
/// - ``setSubscriptionAttribute(arn:name:value:)``
/// ### Publishing and delivery
/// - ``publish(topicArn:entries:)``
/// - ``run()``
/// - ``deadLetters()``
/// - ``redrive(deliveryId:)``
public final class TopicService: Sendable {
    public struct Configuration: Sendable {
        /// How clients reach this server (`http://127.0.0.1:8423`), for the URLs in envelopes;
        /// read when a message is published, so a server bound to port 0 can supply its real address.
        public var baseURL: @Sendable () -> String = { "http://127.0.0.1:8423" }
        /// How many deliveries to HTTP endpoints and handlers run at once.
        public var maxConcurrentDeliveries = 64
        public init() {}
    }

    /// The log, clock, scheduler and invoker shared with the other services.
    public let context: ServiceContext
    public let queues: QueueService
    public let configuration: Configuration
    package let databases: IndexDatabases
    package let policies = Mutex([String: FilterPolicy]())
    /// Every delivery not yet done: scheduled, attempted, retried, dead-lettered and redriven.
    package let deliveries: DeliveryLifecycle<TopicDelivery>

    /// Opens the topics of `context`'s log and queues every delivery still pending (recovery).
    /// - Throws: ``TopicError`` `InternalError` when the log was opened without ``TopicIndex``.
    public static func open(context: ServiceContext, queues: QueueService, configuration: Configuration = Configuration()) throws -> TopicService {
        guard let databases = context.log.databases(ofIndex: TopicIndex().name) else {
            throw TopicError(.internalError, "The log was opened without the topics index; open it with Stepline.open.")
        }
        let service = TopicService(context: context, queues: queues, configuration: configuration, databases: databases)
        for value in try service.values(in: .pending) { service.schedule(try TopicDelivery(recordJSON: value)) }
        context.log.observeCommits(of: deliveringKinds) { [weak service] records in service?.scheduleDeliveries(recordedIn: records) }
        return service
    }

    package init(context: ServiceContext, queues: QueueService, configuration: Configuration, databases: IndexDatabases) {
        self.context = context
        self.queues = queues
        self.configuration = configuration
        self.databases = databases
        deliveries = DeliveryLifecycle(context: context, key: Self.dueKey, maxConcurrentAttempts: configuration.maxConcurrentDeliveries)
        deliveries.connect(self)
    }

    package var log: EventLog { context.log }
    package func now() -> Int64 { context.now() }
    package func db(_ which: TopicIndex.DB) -> Database { databases[which.rawValue] }

    /// `arn:aws:sns:REGION:ACCOUNT:NAME` of `scope` (`nil`: the default scope).
    public func arn(ofTopic name: String, in scope: ResourceScope? = nil) -> String { (scope ?? context.defaultScope).arn("sns", name) }

    /// The account that owns the topic or subscription `arn`: the one in the ARN.
    package func owner(of arn: String) -> String { context.scope(ofArn: arn).account }

    // MARK: Reading views

    package func row(_ key: String, in which: TopicIndex.DB, _ transaction: ReadTransaction) throws -> JSONObject? {
        guard let bytes = try transaction.value(forKey: QueueKeys.text(key), in: db(which)) else { return nil }
        return try QueueKeys.object(bytes)
    }

    package func values(in which: TopicIndex.DB, prefix: [UInt8] = []) throws -> [JSONValue] {
        try log.read { try $0.jsonValues(withPrefix: prefix, in: db(which)) }
    }

    package func subscriptionArns(of topicArn: String, _ transaction: ReadTransaction) throws -> [String] {
        let prefix = QueueKeys.queuePrefix(topicArn)
        return try transaction.keys(withPrefix: prefix, in: db(.byTopic)).map { String(decoding: $0.dropFirst(prefix.count), as: UTF8.self) }
    }

    package func requireTopic(_ arn: String, _ transaction: ReadTransaction) throws -> JSONObject {
        guard let topic = try row(arn, in: .topics, transaction) else { throw TopicError.topicNotFound }
        return topic
    }

    package func requireSubscription(_ arn: String, _ transaction: ReadTransaction) throws -> JSONObject {
        guard let subscription = try row(arn, in: .subscriptions, transaction) else { throw TopicError.subscriptionNotFound }
        return subscription
    }

    package static func strings(_ value: JSONValue?) -> [String: String] {
        var map: [String: String] = [:]
        for (key, value) in value?.objectValue?.entries ?? JSONObject().entries { map[key] = value.stringValue }
        return map
    }

    package static func object(_ map: [String: String]) -> JSONValue {
        var object = JSONObject()
        for (key, value) in map.sorted(by: { $0.key < $1.key }) { object[key] = .string(value) }
        return .object(object)
    }

    /// Runs `body` in the writer's transaction; a failure of the log becomes a ``ServiceError``
    /// (``ServiceError/storage(_:about:)``), a ``TopicError`` or ``QueueError`` of `body` passes through.
    package func transact<Result: Sendable>(_ body: @escaping @Sendable (AppendTransaction) throws -> Result) async throws -> Result {
        try await log.transact(about: nil, passing: { $0 is TopicError || $0 is QueueError }, body)
    }

    package func append(_ kind: RecordKind, _ payload: JSONValue, time: Int64, in append: AppendTransaction) throws {
        _ = try append.append(Record(kind: kind, timestamp: time * 1000, payload: payload.bytes))
    }

    // MARK: Topics

    /// Creates a topic in `scope` (`nil`: the default scope), or returns the existing one's
    /// ARN when its attributes are the same (SNS is idempotent by name).
    /// - Throws: ``TopicError`` `InvalidParameter` for a bad name or attribute, or an existing topic with other attributes.
    public func createTopic(
        name: String,
        attributes given: [String: String],
        tags: [(key: String, value: String)] = [],
        in scope: ResourceScope? = nil
    ) async throws -> String {
        let attributes = try TopicAttributes.validateCreate(name: name, attributes: given)
        try Self.validateTags(tags)
        let arn = arn(ofTopic: name, in: scope)
        let time = now()
        return try await transact { append in
            if let existing = try self.row(arn, in: .topics, append.transaction) {
                let stored = Self.strings(existing["attributes"])
                guard attributes.allSatisfy({ stored[$0.key] == $0.value }), stored["FifoTopic"] == attributes["FifoTopic"] else {
                    throw TopicError(.invalidParameter, "Invalid parameter: Attributes Reason: Topic already exists with different attributes")
                }
                return arn
            }
            var tagObject = JSONObject()
            for tag in tags { tagObject[tag.key] = .string(tag.value) }
            try self.append(
                TopicRecordKind.topicCreated,
                ["arn": .string(arn), "name": .string(name), "attributes": Self.object(attributes), "tags": .object(tagObject), "time": .integer(Int(time))],
                time: time, in: append)
            return arn
        }
    }

    /// Deletes a topic and its subscriptions; deleting one that does not exist succeeds, as on AWS.
    public func deleteTopic(arn: String) async throws {
        let time = now()
        try await transact { append in
            guard try self.row(arn, in: .topics, append.transaction) != nil else { return }
            try self.append(TopicRecordKind.topicDeleted, ["arn": .string(arn), "time": .integer(Int(time))], time: time, in: append)
        }
    }

    /// Every topic ARN of `scope` (`nil`: the default scope), in order.
    public func listTopics(in scope: ResourceScope? = nil) throws -> [String] {
        // Keys are ARNs, so the scope's topics are one key range.
        try values(in: .topics, prefix: Array((scope ?? context.defaultScope).arnPrefix("sns").utf8)).compactMap { $0["arn"]?.stringValue }
    }

    /// The attributes `GetTopicAttributes` shows: the stored ones and the computed ones.
    /// - Throws: ``TopicError`` `NotFound`.
    public func topicAttributes(arn: String) throws -> [String: String] {
        try log.read { transaction in
            let topic = try requireTopic(arn, transaction)
            var attributes = Self.strings(topic["attributes"])
            var confirmed = 0
            var pending = 0
            for subscription in try subscriptionArns(of: arn, transaction) {
                if try row(subscription, in: .subscriptions, transaction)?["pending"] == .bool(true) { pending += 1 } else { confirmed += 1 }
            }
            attributes["TopicArn"] = arn
            attributes["Owner"] = owner(of: arn)
            attributes["SubscriptionsConfirmed"] = String(confirmed)
            attributes["SubscriptionsPending"] = String(pending)
            attributes["SubscriptionsDeleted"] = "0"
            attributes["DisplayName"] = attributes["DisplayName"] ?? ""
            attributes["Policy"] = attributes["Policy"] ?? Self.defaultPolicy(topicArn: arn, account: owner(of: arn))
            attributes["EffectiveDeliveryPolicy"] = DeliveryRetryPolicy(topicPolicy: attributes["DeliveryPolicy"], subscriptionPolicy: nil).effectiveJSON
            return attributes
        }
    }

    package static func defaultPolicy(topicArn: String, account: String) -> String {
        let statement: JSONValue = [
            "Sid": "__default_statement_ID", "Effect": "Allow", "Principal": ["AWS": "*"],
            "Action": ["SNS:Publish", "SNS:Subscribe", "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:DeleteTopic"],
            "Resource": .string(topicArn), "Condition": ["StringEquals": ["AWS:SourceOwner": .string(account)]],
        ]
        return JSONValue.object(["Version": "2008-10-17", "Id": "__default_policy_ID", "Statement": [statement]]).serialized
    }

    /// Sets one topic attribute.
    /// - Throws: ``TopicError`` `NotFound`, `InvalidParameter`.
    public func setTopicAttribute(arn: String, name: String, value: String) async throws {
        let time = now()
        try await transact { append in
            let topic = try self.requireTopic(arn, append.transaction)
            try TopicAttributes.validate(name, value, isFifo: Self.strings(topic["attributes"])["FifoTopic"] == "true")
            try self.append(
                TopicRecordKind.topicAttributesSet, ["arn": .string(arn), "attributes": [name: .string(value)], "time": .integer(Int(time))],
                time: time, in: append)
        }
    }

    // MARK: Tags

    package static func validateTags(_ tags: [(key: String, value: String)]) throws(TopicError) {
        for tag in tags {
            guard (1...128).contains(tag.key.utf8.count), tag.value.utf8.count <= 256 else {
                throw TopicError(.invalidParameter, "Invalid parameter: Tags Reason: A tag key must be 1 to 128 characters and a value at most 256")
            }
        }
    }

    /// Adds or replaces tags of a topic (at most 50 in all).
    /// - Throws: ``TopicError`` `ResourceNotFound`, `TagLimitExceeded`, `InvalidParameter`.
    public func tag(arn: String, tags: [(key: String, value: String)]) async throws {
        try Self.validateTags(tags)
        try await changeTags(arn: arn, set: tags, removed: [])
    }

    /// Removes tags of a topic.
    public func untag(arn: String, keys: [String]) async throws {
        try await changeTags(arn: arn, set: [], removed: keys)
    }

    package func changeTags(arn: String, set: [(key: String, value: String)], removed: [String]) async throws {
        let time = now()
        var tagObject = JSONObject()
        for tag in set { tagObject[tag.key] = .string(tag.value) }
        let tags = tagObject
        try await transact { append in
            guard let topic = try self.row(arn, in: .topics, append.transaction) else {
                throw TopicError(.resourceNotFound, "Resource does not exist")
            }
            let current = Self.strings(topic["tags"])
            let count = Set(current.keys).union(tags.keys).subtracting(removed).count
            guard count <= 50 else { throw TopicError(.tagLimitExceeded, "Could not complete request: tag quota of per resource exceeded") }
            try self.append(
                TopicRecordKind.tagsChanged,
                ["arn": .string(arn), "tags": .object(tags), "removed": .array(removed.map { .string($0) }), "time": .integer(Int(time))],
                time: time, in: append)
        }
    }

    /// A topic's tags, by key.
    /// - Throws: ``TopicError`` `ResourceNotFound`.
    public func tags(arn: String) throws -> [(key: String, value: String)] {
        try log.read { transaction in
            guard let topic = try row(arn, in: .topics, transaction) else { throw TopicError(.resourceNotFound, "Resource does not exist") }
            return Self.strings(topic["tags"]).sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
        }
    }

    // MARK: Filter policies

    /// The compiled filter policy of a subscription's attributes, cached by text and scope.
    package func filterPolicy(_ attributes: [String: String]) -> FilterPolicy? {
        guard let text = attributes["FilterPolicy"], !text.isEmpty else { return nil }
        let scope = FilterPolicy.Scope(rawValue: attributes["FilterPolicyScope"] ?? "") ?? .messageAttributes
        let key = "\(scope.rawValue)\u{0}\(text)"
        if let cached = policies.withLock({ $0[key] }) { return cached }
        // Stored policies were validated when set, so this compiles; were it not to, the subscription would get everything.
        guard let policy = try? FilterPolicy(parsing: text, scope: scope) else { return nil }
        policies.withLock { $0[key] = policy }
        return policy
    }
}
