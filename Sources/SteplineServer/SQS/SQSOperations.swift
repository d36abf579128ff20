import JSON
import Messaging
import Queues
import Runtime
import Workflows

/// One function per SQS operation: reads the input shape, calls the ``QueueService``,
/// and builds the output shape botocore's model expects.
struct SQSOperations: Sendable {
    let queues: QueueService
    let baseURL: @Sendable () -> String
    var tokens = PaginationTokenCodec()
    /// The account and region of the request: where it creates and lists queues, and what
    /// a queue URL that does not say its own stands for.
    var scope: ResourceScope

    /// The URL of queue `name` of the request's scope.
    func url(_ name: String) -> String { url(QueueAddress(name: name, scope: scope)) }

    func url(_ address: QueueAddress) -> String { address.url(base: baseURL(), defaultRegion: queues.context.region) }

    /// The URL of the queue `arn` names (a queue of any scope).
    func url(arn: String) -> String { QueueAddress(arn: arn).map { url($0) } ?? url(arn) }

    /// The ARN of the queue a `QueueUrl` names: its last path component in the scope the
    /// URL gives (``QueueAddress``), else the request's.
    ///
    /// An empty URL, one with `.` or `..` segments, or one whose last segment cannot be a
    /// queue name is `InvalidAddress`, as SQS answers an address it cannot route, so that
    /// nothing but a queue name ever becomes part of a key.
    func arn(_ input: AWSInput, member: String = "QueueUrl") throws -> String {
        let url = try input.requiredString(member)
        let segments = url.split(separator: "/", omittingEmptySubsequences: false)
        let address = QueueAddress(url: url, fallback: scope) ?? QueueAddress(name: url, scope: scope)
        guard !url.isEmpty, url.utf8.count <= 2048, !segments.contains(where: { $0 == ".." || $0 == "." }), Self.isQueueName(address.name),
            ResourceScope.isRegion(address.scope.region)
        else {
            throw QueueError(.invalidAddress, "The address \(url.prefix(256)) is not valid for this endpoint.")
        }
        return address.arn
    }

    /// 1 to 80 letters, digits, `-` and `_`, with an optional `.fifo` suffix.
    static func isQueueName(_ name: String) -> Bool {
        let base = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        return !base.isEmpty && name.utf8.count <= 80
            && base.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    /// A required identifier (an ARN, a task handle) that becomes part of a key: empty or
    /// longer than SQS allows is `InvalidParameterValue`, before any lookup.
    func identifier(_ input: AWSInput, _ member: String, maximumLength: Int = 2048) throws -> String {
        let value = try input.requiredString(member)
        guard !value.isEmpty, value.utf8.count <= maximumLength else {
            throw QueueError(
                .invalidParameterValue,
                "Value '\(value.prefix(64))' for parameter \(member) is invalid. Reason: must be between 1 and \(maximumLength) characters.")
        }
        return value
    }

    func existingArn(_ input: AWSInput) throws -> String {
        let arn = try arn(input)
        guard try queues.queue(arn: arn) != nil else {
            throw QueueError(.queueDoesNotExist, "The specified queue does not exist.")
        }
        return arn
    }

    func stringMap(_ input: AWSInput, _ member: String) throws -> [String: String] {
        var map: [String: String] = [:]
        for (key, value) in try input.structure(member)?.members.entries ?? JSONObject().entries {
            guard let text = value.stringValue else {
                throw AWSError.serialization("\(member).\(key) must be a string")
            }
            map[key] = text
        }
        return map
    }

    // MARK: Queues

    func createQueue(_ input: AWSInput) async throws -> JSONValue {
        let name = try input.requiredString("QueueName")
        let queue = try await queues.createQueue(
            name: name, attributes: try stringMap(input, "Attributes"), tags: try stringMap(input, "tags"), in: scope)
        return ["QueueUrl": .string(url(queue.name))]
    }

    func getQueueUrl(_ input: AWSInput) async throws -> JSONValue {
        let name = try input.requiredString("QueueName")
        let owner = try input.string("QueueOwnerAWSAccountId").map { ResourceScope(account: $0, region: scope.region) } ?? scope
        guard ResourceScope.isAccountID(owner.account), try queues.queue(arn: queues.arn(ofQueue: name, in: owner)) != nil else {
            throw QueueError(.queueDoesNotExist, "The specified queue does not exist.")
        }
        return ["QueueUrl": .string(url(QueueAddress(name: name, scope: owner)))]
    }

    func listQueues(_ input: AWSInput) async throws -> JSONValue {
        let prefix = try input.string("QueueNamePrefix") ?? ""
        let paged = input.value("MaxResults") != nil || input.value("NextToken") != nil
        let page = try PageRequest(
            input, sizeMember: "MaxResults", tokenMember: "NextToken", defaultLimit: 1000, maximumLimit: 1000, codec: tokens,
            scope: "ListQueues \(prefix)")
        let after = page.position?.stringValue ?? ""
        let names = try queues.listQueues(prefix: prefix, in: scope).map(\.name).filter { $0 > after }
        let shown = Array(names.prefix(page.limit))
        var output: JSONObject = [:]
        if !shown.isEmpty { output["QueueUrls"] = .array(shown.map { .string(url($0)) }) }
        if paged, names.count > shown.count, let last = shown.last { output["NextToken"] = .string(page.nextToken(after: .string(last))) }
        return .object(output)
    }

    func getQueueAttributes(_ input: AWSInput) async throws -> JSONValue {
        let arn = try existingArn(input)
        let wanted = (try input.list("AttributeNames") ?? []).compactMap(\.stringValue)
        let all = try queues.attributes(queueArn: arn)
        var output = JSONObject()
        let known = Set(all.keys).union(["Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "FifoQueue", "ContentBasedDeduplication", "SqsManagedSseEnabled", "DeduplicationScope", "FifoThroughputLimit"])
        for name in wanted where name != "All" && !known.contains(name) {
            throw QueueError(.invalidAttributeName, "Unknown Attribute \(name).")
        }
        for (name, value) in all.sorted(by: { $0.key < $1.key }) where wanted.contains("All") || wanted.contains(name) {
            output[name] = .string(value)
        }
        return output.keys.isEmpty ? [:] : ["Attributes": .object(output)]
    }

    func setQueueAttributes(_ input: AWSInput) async throws -> JSONValue {
        let arn = try existingArn(input)
        guard input.value("Attributes") != nil else { throw QueueError(.missingParameter, "The request must contain the parameter Attributes.") }
        try await queues.setAttributes(arn: arn, try stringMap(input, "Attributes"))
        return [:]
    }

    func deleteQueue(_ input: AWSInput) async throws -> JSONValue {
        try await queues.deleteQueue(arn: try arn(input))
        return [:]
    }

    func purgeQueue(_ input: AWSInput) async throws -> JSONValue {
        try await queues.purgeQueue(arn: try arn(input))
        return [:]
    }

    func listDeadLetterSourceQueues(_ input: AWSInput) async throws -> JSONValue {
        let sources = try queues.deadLetterSourceQueues(of: try existingArn(input))
        return ["queueUrls": .array(sources.map { .string(url(arn: $0.arn)) })]
    }

    // MARK: Tags and permissions

    func tagQueue(_ input: AWSInput) async throws -> JSONValue {
        let arn = try existingArn(input)
        guard input.value("Tags") != nil else { throw QueueError(.missingParameter, "The request must contain the parameter Tags.") }
        try await queues.tagQueue(arn: arn, tags: try stringMap(input, "Tags"))
        return [:]
    }

    func untagQueue(_ input: AWSInput) async throws -> JSONValue {
        let arn = try existingArn(input)
        try await queues.untagQueue(arn: arn, keys: try strings(input, "TagKeys"))
        return [:]
    }

    func listQueueTags(_ input: AWSInput) async throws -> JSONValue {
        guard let queue = try queues.queue(arn: try arn(input)) else {
            throw QueueError(.queueDoesNotExist, "The specified queue does not exist.")
        }
        guard !queue.tags.isEmpty else { return [:] }
        var tags = JSONObject()
        for (key, value) in queue.tags.sorted(by: { $0.key < $1.key }) { tags[key] = .string(value) }
        return ["Tags": .object(tags)]
    }

    func addPermission(_ input: AWSInput) async throws -> JSONValue {
        try await queues.addPermission(
            arn: try existingArn(input), label: try input.requiredString("Label"), accounts: try strings(input, "AWSAccountIds"),
            actions: try strings(input, "Actions"))
        return [:]
    }

    func removePermission(_ input: AWSInput) async throws -> JSONValue {
        try await queues.removePermission(arn: try existingArn(input), label: try input.requiredString("Label"))
        return [:]
    }

    /// A list of strings (`TagKeys`, `Actions`); absent is empty.
    func strings(_ input: AWSInput, _ member: String) throws -> [String] {
        try (input.list(member) ?? []).map { item in
            guard let text = item.stringValue else { throw AWSError.serialization("\(member) must hold strings") }
            return text
        }
    }

    // MARK: Sending

    func outgoing(_ entry: AWSInput) throws -> OutgoingMessage {
        OutgoingMessage(
            body: try entry.requiredString("MessageBody"),
            attributes: try entry.structure("MessageAttributes")?.members ?? JSONObject(),
            delaySeconds: try entry.integer("DelaySeconds"),
            groupId: try entry.string("MessageGroupId"),
            deduplicationId: try entry.string("MessageDeduplicationId"))
    }

    func sentShape(_ sent: SentMessage) -> JSONObject {
        var output: JSONObject = ["MessageId": .string(sent.messageId), "MD5OfMessageBody": .string(sent.md5OfBody)]
        if let md5 = sent.md5OfAttributes { output["MD5OfMessageAttributes"] = .string(md5) }
        if let number = sent.sequenceNumber { output["SequenceNumber"] = .string(number) }
        return output
    }

    func sendMessage(_ input: AWSInput) async throws -> JSONValue {
        let arn = try existingArn(input)
        let results = try await queues.send(queueArn: arn, messages: [try outgoing(input)])
        switch results[0] {
        case .success(let sent): return .object(sentShape(sent))
        case .failure(let error): throw error
        }
    }

    /// Checks a batch's size and entry ids as SQS does before any entry runs. `entryShape`
    /// is the model's name of one entry (`SendMessageBatchRequestEntry`), which SQS names
    /// when the batch is empty.
    func batchEntries(_ input: AWSInput, entryShape: String) throws -> [AWSInput] {
        let entries = try input.structures("Entries") ?? []
        guard !entries.isEmpty else { throw QueueError(.emptyBatchRequest, "There should be at least one \(entryShape) in the request.") }
        guard entries.count <= 10 else {
            throw QueueError(.tooManyEntriesInBatchRequest, "Maximum number of entries per request are 10. You have sent \(entries.count).")
        }
        var ids = Set<String>()
        for entry in entries {
            let id = try entry.requiredString("Id")
            guard !id.isEmpty, id.count <= 80, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw QueueError(.invalidBatchEntryId, "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
            }
            guard ids.insert(id).inserted else { throw QueueError(.batchEntryIdsNotDistinct, "Id \(id) repeated.") }
        }
        return entries
    }

    func batchResult(_ ids: [String], _ results: [Result<JSONObject, QueueError>]) -> JSONValue {
        var successful: [JSONValue] = []
        var failed: [JSONValue] = []
        for (id, result) in zip(ids, results) {
            switch result {
            case .success(var shape):
                shape["Id"] = .string(id)
                successful.append(.object(shape))
            case .failure(let error):
                failed.append(["Id": .string(id), "Code": .string(error.code.rawValue), "Message": .string(error.message), "SenderFault": true])
            }
        }
        return ["Successful": .array(successful), "Failed": .array(failed)]
    }

    func sendMessageBatch(_ input: AWSInput) async throws -> JSONValue {
        let arn = try existingArn(input)
        let entries = try batchEntries(input, entryShape: "SendMessageBatchRequestEntry")
        let messages = try entries.map { try outgoing($0) }
        let total = messages.reduce(0) { $0 + MessageAttributeDigest.size(body: $1.body, attributes: $1.attributes) }
        guard total <= QueueAttributes.largestMessageSize else {
            throw QueueError(
                .batchRequestTooLong, "Batch requests cannot be longer than \(QueueAttributes.largestMessageSize) bytes. You have sent \(total) bytes.")
        }
        let results = try await queues.send(queueArn: arn, messages: messages)
        return batchResult(try entries.map { try $0.requiredString("Id") }, results.map { $0.map(sentShape) })
    }

    // MARK: Receiving

    func receiveMessage(_ input: AWSInput) async throws -> JSONValue {
        let arn = try existingArn(input)
        guard let max = try? input.integer("MaxNumberOfMessages") ?? 1, (1...10).contains(max) else {
            throw QueueError(.invalidParameterValue, "Value \(input.value("MaxNumberOfMessages")?.serialized ?? "") for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.")
        }
        let wait = try input.integer("WaitTimeSeconds")
        if let wait, !(0...20).contains(wait) {
            throw QueueError(.invalidParameterValue, "Value \(wait) for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
        }
        let visibility = try input.integer("VisibilityTimeout")
        if let visibility, !(0...43_200).contains(visibility) {
            throw QueueError(.invalidParameterValue, "Value \(visibility) for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.")
        }
        let systemNames = Set(((try input.list("AttributeNames") ?? []) + (try input.list("MessageSystemAttributeNames") ?? [])).compactMap(\.stringValue))
        let attributeNames = (try input.list("MessageAttributeNames") ?? []).compactMap(\.stringValue)
        let received = try await queues.receive(queueArn: arn, maxMessages: max, visibilityTimeout: visibility, waitSeconds: wait)
        let messages: [JSONValue] = received.map { message in
            var shape: JSONObject = [
                "MessageId": .string(message.messageId), "ReceiptHandle": .string(message.receiptHandle),
                "Body": .string(message.body), "MD5OfBody": .string(message.md5OfBody),
            ]
            var system = JSONObject()
            for (name, value) in message.systemAttributes.sorted(by: { $0.key < $1.key })
            where systemNames.contains("All") || systemNames.contains(name) {
                system[name] = .string(value)
            }
            if !system.keys.isEmpty { shape["Attributes"] = .object(system) }
            var attributes = JSONObject()
            for (name, value) in message.attributes.entries where Self.selects(attributeNames, name) { attributes[name] = value }
            if !attributes.keys.isEmpty {
                shape["MessageAttributes"] = .object(attributes)
                if let md5 = try? MessageAttributeDigest.md5(of: attributes) { shape["MD5OfMessageAttributes"] = .string(md5) }
            }
            return .object(shape)
        }
        return messages.isEmpty ? [:] : ["Messages": .array(messages)]
    }

    /// Whether `MessageAttributeNames` (`All`, `.*`, `prefix.*` or exact names) selects `name`.
    static func selects(_ patterns: [String], _ name: String) -> Bool {
        patterns.contains { pattern in
            if pattern == "All" || pattern == ".*" { return true }
            if pattern.hasSuffix(".*") { return name.hasPrefix(String(pattern.dropLast(1))) }
            return pattern == name
        }
    }

    // MARK: Deleting and visibility

    func deleteMessage(_ input: AWSInput) async throws -> JSONValue {
        let arn = try existingArn(input)
        if case .failure(let error) = try await queues.delete(queueArn: arn, handles: [try input.requiredString("ReceiptHandle")])[0] {
            throw error
        }
        return [:]
    }

    func deleteMessageBatch(_ input: AWSInput) async throws -> JSONValue {
        let arn = try existingArn(input)
        let entries = try batchEntries(input, entryShape: "DeleteMessageBatchRequestEntry")
        let results = try await queues.delete(queueArn: arn, handles: try entries.map { try $0.requiredString("ReceiptHandle") })
        return batchResult(try entries.map { try $0.requiredString("Id") }, results.map { $0.map { JSONObject() } })
    }

    func changeMessageVisibility(_ input: AWSInput) async throws -> JSONValue {
        let arn = try existingArn(input)
        let change = (handle: try input.requiredString("ReceiptHandle"), timeout: try input.requiredInteger("VisibilityTimeout"))
        if case .failure(let error) = try await queues.changeVisibility(queueArn: arn, changes: [change])[0] { throw error }
        return [:]
    }

    func changeMessageVisibilityBatch(_ input: AWSInput) async throws -> JSONValue {
        let arn = try existingArn(input)
        let entries = try batchEntries(input, entryShape: "ChangeMessageVisibilityBatchRequestEntry")
        let changes = try entries.map { (handle: try $0.requiredString("ReceiptHandle"), timeout: try $0.integer("VisibilityTimeout") ?? 0) }
        let results = try await queues.changeVisibility(queueArn: arn, changes: changes)
        return batchResult(try entries.map { try $0.requiredString("Id") }, results.map { $0.map { JSONObject() } })
    }

    // MARK: Message move tasks

    func startMessageMoveTask(_ input: AWSInput) async throws -> JSONValue {
        let handle = try await queues.startMessageMoveTask(
            sourceArn: try identifier(input, "SourceArn"),
            destinationArn: input.value("DestinationArn") == nil ? nil : try identifier(input, "DestinationArn"),
            maxPerSecond: try input.integer("MaxNumberOfMessagesPerSecond"))
        return ["TaskHandle": .string(handle)]
    }

    func listMessageMoveTasks(_ input: AWSInput) async throws -> JSONValue {
        let tasks = try queues.listMessageMoveTasks(
            sourceArn: try identifier(input, "SourceArn"), maxResults: try input.integer("MaxResults", range: 1...10) ?? 1)
        return ["Results": .array(tasks)]
    }

    func cancelMessageMoveTask(_ input: AWSInput) async throws -> JSONValue {
        let moved = try await queues.cancelMessageMoveTask(handle: try identifier(input, "TaskHandle"))
        return ["ApproximateNumberOfMessagesMoved": .integer(moved)]
    }
}
