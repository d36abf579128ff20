public import EventBuses
import HTTPTypes
import JSON
import Runtime
import Workflows

extension AWSService {
    /// Stepline's operations on bus deliveries (`X-Amz-Target: SteplineEvents.<Operation>`,
    /// awsJson 1.1): the dead letters and the manual-review view of event buses,
    /// which EventBridge does not model (it only sends dead letters to a queue).
    ///
    /// A prefix of their own keeps them apart from the execution views of
    /// ``AWSService/stepline``; signed requests use the `events` signing name.
    public static let steplineEvents = AWSService(
        targetPrefix: "SteplineEvents",
        jsonVersion: "1.1",
        signingName: "events",
        maximumRequestBodySize: 1 << 20
    )
}

/// The operations of ``AWSService/steplineEvents``:
///
/// | operation | input | output |
/// |---|---|---|
/// | `ListDeadLetters` | — | `{items: [item]}` |
/// | `RedriveDeadLetters` | `{deliveryIds: [id]}` or `{all: true}` | `{redriven: [id]}` |
/// | `ListReviewItems` | `{includeResolved?}` | `{items: [item]}` |
/// | `DescribeReviewItem` | `{deliveryId}` | `item` with `history` |
/// | `RetryReviewItem` | `{deliveryId}` | `{}` |
/// | `ResolveReviewItem` | `{deliveryId, reason}` | `{}` |
///
/// An item is `{deliveryId, eventId, eventBusName, ruleArn, targetArn, errorCode,
/// errorMessage, attributes, retryAttempts, redriveCount, time}` (times in
/// seconds), plus `resolution`/`resolvedTime` for resolved review items.
public enum EventDeliveryOperations {
    public static func table(buses: EventBuses) -> AWSOperationTable {
        var table = AWSOperationTable(service: .steplineEvents)
        table.register("ListDeadLetters") { _, _ async throws(AWSError) in
            let letters = try await AWSService.steplineEvents.call { try buses.deadLetters() }
            return ["items": .array(letters.sorted { $0.time < $1.time }.map { itemJSON($0) })]
        }
        table.register("RedriveDeadLetters") { input, _ async throws(AWSError) in
            let all = try input.bool("all") ?? false
            let given = (try input.list("deliveryIds", count: 1...1000) ?? []).compactMap(\.stringValue)
            guard all != !given.isEmpty else {
                throw AWSError(.validation, "Give deliveryIds or all: true, not both.", status: .badRequest)
            }
            let ids = try await AWSService.steplineEvents.call {
                all ? try buses.deadLetters().map(\.delivery.deliveryId) : given
            }
            for id in ids { try await AWSService.steplineEvents.call { try await buses.redrive(deliveryId: id) } }
            return ["redriven": .array(ids.map { .string($0) })]
        }
        table.register("ListReviewItems") { input, _ async throws(AWSError) in
            let includeResolved = try input.bool("includeResolved") ?? false
            let items = try await AWSService.steplineEvents.call { try buses.reviewItems(includeResolved: includeResolved) }
            return ["items": .array(items.map(reviewJSON))]
        }
        table.register("DescribeReviewItem") { input, _ async throws(AWSError) in
            let id = try input.requiredString("deliveryId", length: 1...2048)
            let (item, history) = try await AWSService.steplineEvents.call {
                let item = try buses.reviewItem(deliveryId: id)
                return (item, try buses.history(of: item.letter.delivery))
            }
            guard case .object(var object) = reviewJSON(item) else { return reviewJSON(item) }
            object["body"] = .string(item.letter.delivery.body)
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
            try await AWSService.steplineEvents.call { try await buses.retryReviewItem(deliveryId: id) }
            return [:]
        }
        table.register("ResolveReviewItem") { input, _ async throws(AWSError) in
            let id = try input.requiredString("deliveryId", length: 1...2048)
            let reason = try input.requiredString("reason", length: 1...32_768)
            try await AWSService.steplineEvents.call { try await buses.resolveReviewItem(deliveryId: id, reason: reason) }
            return [:]
        }
        return table
    }

    static func seconds(_ milliseconds: Int64) -> JSONValue { .double(Double(milliseconds) / 1000) }

    static func itemJSON(_ letter: DeadLetter) -> JSONValue {
        let delivery = letter.delivery
        var attributes = JSONObject()
        for (name, value) in letter.attributes.sorted(by: { $0.key < $1.key }) { attributes[name] = .string(value) }
        return [
            "deliveryId": .string(delivery.deliveryId), "eventId": .string(delivery.eventId),
            "eventBusName": .string(delivery.busName), "ruleArn": .string(delivery.ruleArn),
            "targetId": .string(delivery.targetId), "targetArn": .string(delivery.targetArn),
            "errorCode": .string(letter.errorCode), "errorMessage": .string(letter.errorMessage),
            "attributes": .object(attributes), "retryAttempts": .integer(delivery.attempt),
            "redriveCount": .integer(delivery.redriveCount), "time": seconds(letter.time),
        ]
    }

    static func reviewJSON(_ item: DeliveryReviewItem) -> JSONValue {
        guard case .object(var object) = itemJSON(item.letter) else { return itemJSON(item.letter) }
        object["status"] = .string(item.isResolved ? "RESOLVED" : "OPEN")
        if let resolution = item.resolution { object["resolution"] = .string(resolution) }
        if let resolvedTime = item.resolvedTime { object["resolvedTime"] = seconds(resolvedTime) }
        return .object(object)
    }
}
