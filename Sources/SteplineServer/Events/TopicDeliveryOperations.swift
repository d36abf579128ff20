import HTTPTypes
import JSON
import Messaging
import Runtime
public import Topics
import Workflows

extension AWSService {
    /// Stepline's operations on topic deliveries (`X-Amz-Target: SteplineTopics.<Operation>`,
    /// awsJson 1.1): the dead letters and manual-review view of SNS subscriptions, which
    /// SNS does not model (it only sends dead letters to a queue). The same operations,
    /// inputs and outputs as ``AWSService/steplineEvents`` has for bus deliveries, so
    /// one client (`stepline dlq|review --kind topics`) serves both.
    public static let steplineTopics = AWSService(
        targetPrefix: "SteplineTopics",
        jsonVersion: "1.1",
        signingName: "sns",
        maximumRequestBodySize: 1 << 20
    )
}

/// The operations of ``AWSService/steplineTopics``: the table of
/// ``EventDeliveryOperations`` (`ListDeadLetters`, `RedriveDeadLetters`,
/// `ListReviewItems`, `DescribeReviewItem` with `history`, `RetryReviewItem`,
/// `ResolveReviewItem`), for topic deliveries.
///
/// An item is `{deliveryId, messageId, topicArn, subscriptionArn, protocol, endpoint,
/// errorMessage, deadLetterQueue?, retryAttempts, redriveCount, time}` (times in
/// seconds), plus `status` and `resolution`/`resolvedTime` for review items.
/// Failures are SNS's codes (`NotFound` 404, `InvalidParameter` 400).
public enum TopicDeliveryOperations {
    public static func table(topics: TopicService) -> AWSOperationTable {
        var table = AWSOperationTable(service: .steplineTopics)
        table.register("ListDeadLetters") { _, _ async throws(AWSError) in
            let letters = try await AWSService.steplineTopics.call { try topics.deadLetters() }
            return ["items": .array(letters.sorted { ($0.time, $0.delivery.deliveryId) < ($1.time, $1.delivery.deliveryId) }.map(itemJSON))]
        }
        table.register("RedriveDeadLetters") { input, _ async throws(AWSError) in
            let all = try input.bool("all") ?? false
            let given = (try input.list("deliveryIds", count: 1...1000) ?? []).compactMap(\.stringValue)
            guard all != !given.isEmpty else {
                throw AWSError(.validation, "Give deliveryIds or all: true, not both.", status: .badRequest)
            }
            let ids = try await AWSService.steplineTopics.call { all ? try topics.deadLetters().map(\.delivery.deliveryId) : given }
            for id in ids { try await AWSService.steplineTopics.call { try await topics.redrive(deliveryId: id) } }
            return ["redriven": .array(ids.map { .string($0) })]
        }
        table.register("ListReviewItems") { input, _ async throws(AWSError) in
            let includeResolved = try input.bool("includeResolved") ?? false
            let items = try await AWSService.steplineTopics.call { try topics.reviewItems(includeResolved: includeResolved) }
            return ["items": .array(items.map(reviewJSON))]
        }
        table.register("DescribeReviewItem") { input, _ async throws(AWSError) in
            let id = try input.requiredString("deliveryId", length: 1...2048)
            let (item, history) = try await AWSService.steplineTopics.call {
                let item = try topics.reviewItem(deliveryId: id)
                return (item, try topics.history(of: item.letter.delivery))
            }
            guard case .object(var object) = reviewJSON(item) else { return reviewJSON(item) }
            object["body"] = .string(item.letter.delivery.body)
            object["history"] = .array(
                history.map { entry in
                    [
                        "sequence": .integer(entry.sequence), "type": .string(entry.type),
                        "time": EventDeliveryOperations.seconds(entry.time), "detail": entry.detail,
                    ]
                }
            )
            return .object(object)
        }
        table.register("RetryReviewItem") { input, _ async throws(AWSError) in
            let id = try input.requiredString("deliveryId", length: 1...2048)
            try await AWSService.steplineTopics.call { try await topics.retryReviewItem(deliveryId: id) }
            return [:]
        }
        table.register("ResolveReviewItem") { input, _ async throws(AWSError) in
            let id = try input.requiredString("deliveryId", length: 1...2048)
            let reason = try input.requiredString("reason", length: 1...32_768)
            try await AWSService.steplineTopics.call { try await topics.resolveReviewItem(deliveryId: id, reason: reason) }
            return [:]
        }
        return table
    }

    static func itemJSON(_ letter: TopicDeadLetter) -> JSONValue {
        let delivery = letter.delivery
        var object: JSONObject = [
            "deliveryId": .string(delivery.deliveryId), "messageId": .string(delivery.messageId),
            "topicArn": .string(delivery.topicArn), "subscriptionArn": .string(delivery.subscriptionArn),
            "protocol": .string(delivery.protocolName), "endpoint": .string(delivery.endpoint),
            "errorMessage": .string(letter.error), "retryAttempts": .integer(delivery.attempt),
            "redriveCount": .integer(delivery.redriveCount), "time": EventDeliveryOperations.seconds(letter.time),
        ]
        if let queue = letter.deadLetterQueue { object["deadLetterQueue"] = .string(queue) }
        return .object(object)
    }

    static func reviewJSON(_ item: TopicReviewItem) -> JSONValue {
        guard case .object(var object) = itemJSON(item.letter) else { return itemJSON(item.letter) }
        object["status"] = .string(item.isResolved ? "RESOLVED" : "OPEN")
        if let resolution = item.resolution { object["resolution"] = .string(resolution) }
        if let resolvedTime = item.resolvedTime { object["resolvedTime"] = EventDeliveryOperations.seconds(resolvedTime) }
        return .object(object)
    }
}
