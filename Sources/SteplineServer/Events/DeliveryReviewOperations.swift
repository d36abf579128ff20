public import EventBuses
import HTTPTypes
import JSON
import Runtime
public import Topics

extension AWSService {
    /// Stepline's operations on bus deliveries (`X-Amz-Target: SteplineEvents.<Operation>`,
    /// awsJson 1.1): the dead letters and the manual-review view of event buses,
    /// which EventBridge does not model (it only sends dead letters to a queue).
    ///
    /// A prefix of their own keeps them apart from the execution views of
    /// ``AWSService/stepline``; signed requests use the `events` signing name, and
    /// failures are EventBridge's codes.
    public static let steplineEvents = AWSService(
        targetPrefix: "SteplineEvents",
        jsonVersion: "1.1",
        signingName: "events",
        maximumRequestBodySize: 1 << 20
    )

    /// The same operations on topic deliveries (`X-Amz-Target: SteplineTopics.<Operation>`):
    /// the dead letters and manual-review view of SNS subscriptions, which SNS does not
    /// model either. Signed with the `sns` signing name; failures are SNS's codes
    /// (`NotFound` 404, `InvalidParameter` 400).
    public static let steplineTopics = AWSService(
        targetPrefix: "SteplineTopics",
        jsonVersion: "1.1",
        signingName: "sns",
        maximumRequestBodySize: 1 << 20
    )
}

/// The Stepline operations on one service's failed deliveries, the same for bus
/// deliveries (``AWSService/steplineEvents``) and topic deliveries
/// (``AWSService/steplineTopics``), so one client (`stepline dlq|review --kind buses|topics`) serves both:
///
/// | operation | input | output |
/// |---|---|---|
/// | `ListDeadLetters` | — | `{items: [item]}`, oldest first |
/// | `RedriveDeadLetters` | `{deliveryIds: [id]}` or `{all: true}` | `{redriven: [id]}` |
/// | `ListReviewItems` | `{includeResolved?}` | `{items: [item]}` |
/// | `DescribeReviewItem` | `{deliveryId}` | `item` with `body` and `history` |
/// | `RetryReviewItem` | `{deliveryId}` | `{}` |
/// | `ResolveReviewItem` | `{deliveryId, reason}` | `{}` |
///
/// An item is the letter's ``DeliveryDeadLetter/itemJSON`` (times in seconds);
/// review items add `status` (`OPEN`, `RESOLVED`) and `resolution`/`resolvedTime`
/// once resolved. Failures are the service's own error codes, in the dialect of
/// the table's ``AWSService``.
public enum DeliveryReviewOperations {
    /// The operations of ``AWSService/steplineEvents`` on `buses`.
    public static func table(buses: EventBuses) -> AWSOperationTable { table(buses, on: .steplineEvents) }

    /// The operations of ``AWSService/steplineTopics`` on `topics`.
    public static func table(topics: TopicService) -> AWSOperationTable { table(topics, on: .steplineTopics) }

    static func table<Service: DeliveryReviewing>(_ service: Service, on aws: AWSService) -> AWSOperationTable {
        var table = AWSOperationTable(service: aws)
        table.register("ListDeadLetters") { _, _ async throws(AWSError) in
            let letters = try await aws.call { try service.deadLetters() }
            let oldestFirst = letters.sorted { ($0.time, $0.deliveryId) < ($1.time, $1.deliveryId) }
            return ["items": .array(oldestFirst.map(\.itemJSON))]
        }
        table.register("RedriveDeadLetters") { input, _ async throws(AWSError) in
            let all = try input.bool("all") ?? false
            let given = (try input.list("deliveryIds", count: 1...1000) ?? []).compactMap(\.stringValue)
            guard all != !given.isEmpty else {
                throw AWSError(.validation, "Give deliveryIds or all: true, not both.", status: .badRequest)
            }
            let ids = try await aws.call { all ? try service.deadLetters().map(\.deliveryId) : given }
            for id in ids { try await aws.call { try await service.redrive(deliveryId: id) } }
            return ["redriven": .array(ids.map { .string($0) })]
        }
        table.register("ListReviewItems") { input, _ async throws(AWSError) in
            let includeResolved = try input.bool("includeResolved") ?? false
            let items = try await aws.call { try service.reviewItems(includeResolved: includeResolved) }
            return ["items": .array(items.map(reviewJSON))]
        }
        table.register("DescribeReviewItem") { input, _ async throws(AWSError) in
            let id = try input.requiredString("deliveryId", length: 1...2048)
            let (item, history) = try await aws.call {
                let item = try service.reviewItem(deliveryId: id)
                return (item, try service.history(of: item.letter.delivery))
            }
            guard case .object(var object) = reviewJSON(item) else { return reviewJSON(item) }
            object["body"] = .string(item.letter.body)
            object["history"] = .array(
                history.map { entry in
                    [
                        "sequence": .integer(entry.sequence), "type": .string(entry.type),
                        "time": seconds(entry.time), "detail": entry.detail,
                    ]
                }
            )
            return .object(object)
        }
        table.register("RetryReviewItem") { input, _ async throws(AWSError) in
            let id = try input.requiredString("deliveryId", length: 1...2048)
            try await aws.call { try await service.retryReviewItem(deliveryId: id) }
            return [:]
        }
        table.register("ResolveReviewItem") { input, _ async throws(AWSError) in
            let id = try input.requiredString("deliveryId", length: 1...2048)
            let reason = try input.requiredString("reason", length: 1...32_768)
            try await aws.call { try await service.resolveReviewItem(deliveryId: id, reason: reason) }
            return [:]
        }
        return table
    }

    /// Milliseconds since the epoch as the operations write times: seconds.
    static func seconds(_ milliseconds: Int64) -> JSONValue { .double(Double(milliseconds) / 1000) }

    static func reviewJSON<Letter: DeliveryDeadLetter>(_ item: ReviewItem<Letter>) -> JSONValue {
        guard case .object(var object) = item.letter.itemJSON else { return item.letter.itemJSON }
        object["status"] = .string(item.isResolved ? "RESOLVED" : "OPEN")
        if let resolution = item.resolution { object["resolution"] = .string(resolution) }
        if let resolvedTime = item.resolvedTime { object["resolvedTime"] = seconds(resolvedTime) }
        return .object(object)
    }
}
