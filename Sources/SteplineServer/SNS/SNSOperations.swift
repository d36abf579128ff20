import JSON
import Messaging
import Runtime
import Topics
import Workflows

/// One function per SNS action: reads the query parameters, calls the ``TopicService``,
/// and builds the `<ActionResult>` children botocore's `sns/2010-03-31` model expects.
public struct SNSOperations: Sendable {
    let topics: TopicService
    let tokens: PaginationTokenCodec
    /// The account and region of the request: where it creates and lists topics and subscriptions.
    var scope: ResourceScope
    /// AWS's page size for `ListTopics` and `ListSubscriptions`.
    static let pageSize = 100

    func required(_ parameters: QueryParameters, _ name: String) throws -> String {
        guard let value = parameters[name] else {
            throw TopicError(.invalidParameter, "Invalid parameter: \(name)")
        }
        return value
    }

    func topicArn(_ parameters: QueryParameters, member: String = "TopicArn") throws -> String {
        let arn = try required(parameters, member)
        guard arn.hasPrefix("arn:"), arn.split(separator: ":", omittingEmptySubsequences: false).count >= 6 else {
            throw TopicError(.invalidParameter, "Invalid parameter: \(member)")
        }
        return arn
    }

    /// `Attributes.entry.N.key/value`, checked to be distinct.
    func attributes(_ parameters: QueryParameters) throws -> [(key: String, value: String)] {
        try parameters.stringMap("Attributes")
    }

    func tags(_ parameters: QueryParameters) throws -> [(key: String, value: String)] {
        try parameters.structures("Tags").map { tag in
            guard let key = tag["Key"] else { throw TopicError(.invalidParameter, "Invalid parameter: Tags Reason: a tag has no Key") }
            return (key: key, value: tag["Value"] ?? "")
        }
    }

    // MARK: Topics

    func createTopic(_ parameters: QueryParameters) async throws -> [XMLNode]? {
        var attributes: [String: String] = [:]
        for (key, value) in try self.attributes(parameters) { attributes[key] = value }
        if let policy = parameters["DataProtectionPolicy"] { attributes["DataProtectionPolicy"] = policy }
        let arn = try await topics.createTopic(
            name: try required(parameters, "Name"), attributes: attributes, tags: try tags(parameters), in: scope)
        return [.field("TopicArn", arn)]
    }

    /// Idempotent, as AWS documents: deleting a topic that does not exist is not an error.
    func deleteTopic(_ parameters: QueryParameters) async throws -> [XMLNode]? {
        let arn = try topicArn(parameters)
        try await topics.deleteTopic(arn: arn)
        return nil
    }

    /// One page of `items` after the position a `NextToken` carries.
    func page<Item>(_ items: [Item], key: (Item) -> String, parameters: QueryParameters, scope: String) throws -> ([Item], String?) {
        var start = items.startIndex
        if let token = parameters["NextToken"] {
            guard let after = (try? tokens.decode(token, scope: scope))?.stringValue else {
                throw TopicError(.invalidParameter, "Invalid parameter: NextToken")
            }
            start = items.firstIndex { key($0) > after } ?? items.endIndex
        }
        let shown = Array(items[start...].prefix(Self.pageSize))
        let next = start + shown.count < items.count ? shown.last.map { tokens.encode(.string(key($0)), scope: scope) } : nil
        return (shown, next)
    }

    func listTopics(_ parameters: QueryParameters) throws -> [XMLNode]? {
        let (shown, next) = try page(try topics.listTopics(in: scope), key: { $0 }, parameters: parameters, scope: "ListTopics")
        var result: [XMLNode] = [.list("Topics", shown.map { [.field("TopicArn", $0)] })]
        if let next { result.append(.field("NextToken", next)) }
        return result
    }

    func getTopicAttributes(_ parameters: QueryParameters) throws -> [XMLNode]? {
        [.map("Attributes", try topics.topicAttributes(arn: try topicArn(parameters)))]
    }

    func setTopicAttributes(_ parameters: QueryParameters) async throws -> [XMLNode]? {
        try await topics.setTopicAttribute(
            arn: try topicArn(parameters), name: try required(parameters, "AttributeName"), value: parameters["AttributeValue"] ?? "")
        return nil
    }

    // MARK: Subscriptions

    func subscribe(_ parameters: QueryParameters) async throws -> [XMLNode]? {
        let subscription = try await topics.subscribe(
            topicArn: try topicArn(parameters), protocol: try required(parameters, "Protocol"), endpoint: parameters["Endpoint"],
            attributes: try attributes(parameters))
        let returnArn = parameters["ReturnSubscriptionArn"] == "true"
        return [.field("SubscriptionArn", subscription.pendingConfirmation && !returnArn ? TopicService.pendingConfirmationArn : subscription.arn)]
    }

    func confirmSubscription(_ parameters: QueryParameters) async throws -> [XMLNode]? {
        let arn = try await topics.confirmSubscription(topicArn: try topicArn(parameters), token: try required(parameters, "Token"))
        return [.field("SubscriptionArn", arn)]
    }

    func unsubscribe(_ parameters: QueryParameters) async throws -> [XMLNode]? {
        try await topics.unsubscribe(arn: try topicArn(parameters, member: "SubscriptionArn"))
        return nil
    }

    func listSubscriptions(_ parameters: QueryParameters, byTopic: Bool) throws -> [XMLNode]? {
        let topic = byTopic ? try topicArn(parameters) : nil
        let all = try topics.listSubscriptions(topicArn: topic, in: scope)
        let (shown, next) = try page(all, key: \.arn, parameters: parameters, scope: "ListSubscriptions \(topic ?? "")")
        var result: [XMLNode] = [
            .list(
                "Subscriptions",
                shown.map { subscription in
                    [
                        .field("SubscriptionArn", subscription.pendingConfirmation ? "PendingConfirmation" : subscription.arn),
                        .field("Owner", topics.context.scope(ofArn: subscription.arn).account), .field("Protocol", subscription.protocolName),
                        .field("Endpoint", subscription.endpoint), .field("TopicArn", subscription.topicArn),
                    ]
                })
        ]
        if let next { result.append(.field("NextToken", next)) }
        return result
    }

    func getSubscriptionAttributes(_ parameters: QueryParameters) throws -> [XMLNode]? {
        [.map("Attributes", try topics.subscriptionAttributes(arn: try topicArn(parameters, member: "SubscriptionArn")))]
    }

    func setSubscriptionAttributes(_ parameters: QueryParameters) async throws -> [XMLNode]? {
        try await topics.setSubscriptionAttribute(
            arn: try topicArn(parameters, member: "SubscriptionArn"), name: try required(parameters, "AttributeName"),
            value: parameters["AttributeValue"] ?? "")
        return nil
    }

    // MARK: Publishing

    func entry(_ parameters: QueryParameters) throws -> PublishEntry {
        let attributes = try parameters.structureMap("MessageAttributes").map { pair in
            (
                name: pair.key,
                value: MessageAttribute(
                    dataType: pair.value["DataType"] ?? "", stringValue: pair.value["StringValue"], binaryValue: pair.value["BinaryValue"])
            )
        }
        return PublishEntry(
            message: try required(parameters, "Message"), subject: parameters["Subject"], messageStructure: parameters["MessageStructure"],
            attributes: attributes, groupId: parameters["MessageGroupId"], deduplicationId: parameters["MessageDeduplicationId"])
    }

    func publish(_ parameters: QueryParameters) async throws -> [XMLNode]? {
        guard parameters["TopicArn"] != nil || parameters["TargetArn"] != nil else {
            throw TopicError(.invalidParameter, "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
        }
        if parameters["PhoneNumber"] != nil {
            throw TopicError(.invalidParameter, "Invalid parameter: PhoneNumber Reason: SMS is not supported by Stepline")
        }
        let arn = try topicArn(parameters, member: parameters["TopicArn"] != nil ? "TopicArn" : "TargetArn")
        let result = try await topics.publish(topicArn: arn, entries: [try entry(parameters)])[0]
        let published = try result.get()
        var output: [XMLNode] = [.field("MessageId", published.messageId)]
        if let sequenceNumber = published.sequenceNumber { output.append(.field("SequenceNumber", sequenceNumber)) }
        return output
    }

    func publishBatch(_ parameters: QueryParameters) async throws -> [XMLNode]? {
        let arn = try topicArn(parameters)
        let entries = parameters.structures("PublishBatchRequestEntries")
        guard !entries.isEmpty else { throw TopicError(.emptyBatchRequest, "The batch request doesn't contain any entries") }
        guard entries.count <= 10 else {
            throw TopicError(.tooManyEntriesInBatchRequest, "The batch request contains more entries than permissible")
        }
        var ids: [String] = []
        for entry in entries {
            guard let id = entry["Id"], !id.isEmpty, id.count <= 80, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw TopicError(.invalidBatchEntryId, "The Id of a batch entry in a batch request doesn't abide by the specification")
            }
            guard !ids.contains(id) else { throw TopicError(.batchEntryIdsNotDistinct, "Two or more batch entries in the request have the same Id") }
            ids.append(id)
        }
        var valid: [(id: String, entry: PublishEntry)] = []
        var failed: [[XMLNode]] = []
        var totalSize = 0
        for (id, parameters) in zip(ids, entries) {
            do {
                let entry = try self.entry(parameters)
                totalSize += entry.message.utf8.count
                valid.append((id, entry))
            } catch let error as TopicError {
                failed.append(Self.failure(id, error))
            }
        }
        guard totalSize <= TopicService.maximumMessageSize else {
            throw TopicError(.batchRequestTooLong, "The length of all the messages put together is more than the limit")
        }
        var successful: [[XMLNode]] = []
        if !valid.isEmpty {
            let results = try await topics.publish(topicArn: arn, entries: valid.map(\.entry))
            for ((id, _), result) in zip(valid, results) {
                switch result {
                case .success(let published):
                    var member: [XMLNode] = [.field("Id", id), .field("MessageId", published.messageId)]
                    if let sequenceNumber = published.sequenceNumber { member.append(.field("SequenceNumber", sequenceNumber)) }
                    successful.append(member)
                case .failure(let error):
                    failed.append(Self.failure(id, error))
                }
            }
        }
        return [.list("Successful", successful), .list("Failed", failed)]
    }

    static func failure(_ id: String, _ error: TopicError) -> [XMLNode] {
        [.field("Id", id), .field("Code", error.code.rawValue), .field("Message", error.message), .field("SenderFault", error.code.status < 500 ? "true" : "false")]
    }

    // MARK: Tags

    func resourceArn(_ parameters: QueryParameters) throws -> String { try topicArn(parameters, member: "ResourceArn") }

    func tagResource(_ parameters: QueryParameters) async throws -> [XMLNode]? {
        try await topics.tag(arn: try resourceArn(parameters), tags: try tags(parameters))
        return []
    }

    func untagResource(_ parameters: QueryParameters) async throws -> [XMLNode]? {
        try await topics.untag(arn: try resourceArn(parameters), keys: parameters.strings("TagKeys"))
        return []
    }

    func listTagsForResource(_ parameters: QueryParameters) throws -> [XMLNode]? {
        let tags = try topics.tags(arn: try resourceArn(parameters))
        return [.list("Tags", tags.map { [.field("Key", $0.key), .field("Value", $0.value)] })]
    }
}
