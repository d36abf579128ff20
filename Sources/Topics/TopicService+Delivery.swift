import AsyncHTTPClient
package import EventLog
import Foundation
import JSON
import Logging
import Messaging
import NIOCore
import NIOHTTP1
import Queues
package import Runtime
public import ServiceLifecycle

extension TopicService: Service {
    /// Runs due deliveries (HTTP/S endpoints, local handlers, queues that were missing)
    /// until graceful shutdown; what is pending stays pending in the log and runs again
    /// after the next start, with the same message id.
    ///
    /// Deliveries live in ``deliveries``, the ``DeliveryLifecycle`` every delivery
    /// service shares, on the shared scheduler, which this runs (or stands by for,
    /// when another service sharing it drives it): a publish schedules its
    /// deliveries when it commits, a publish in another service's transaction when
    /// the commit that records them, whoever wrote it (``scheduleDeliveries(recordedIn:)``).
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.context.scheduler.run() }
    }

    /// The scheduler key of the earliest due delivery.
    package static let dueKey = Scheduler.Key("topics.deliveries")

    /// Queues a delivery whose record committed to run when it is due.
    package func schedule(_ delivery: TopicDelivery) {
        deliveries.schedule(delivery)
    }

    /// The record kinds whose committed records carry deliveries (`deliveries`, as the
    /// `topics.pending` view stores them): a publish and a subscription's confirmation.
    static let deliveringKinds: Set<RecordKind> = [TopicRecordKind.published, TopicRecordKind.subscribed]

    /// Schedules the deliveries that committed `records` decided, whoever's transaction
    /// wrote them: this service's publishes and subscriptions, a Task state's
    /// `sns:publish`, a rule's SNS target, a pipe. Called by the log's commit observer
    /// (``EventLog/EventLog/observeCommits(of:_:)``), so no writer schedules by hand.
    package func scheduleDeliveries(recordedIn records: [CommittedRecord]) {
        var recorded: [TopicDelivery] = []
        for record in records {
            do {
                let fields = try RecordFields(raw: record.payload[...], what: "topic record")
                // On the log's writer thread: each delivery is decoded once, from its bytes.
                for var object in try fields.objects(inArray: "deliveries") {
                    // As the view holds it: its history starts with the record that decided it.
                    object.set("history", [.integer(Int(record.sequence.rawValue))])
                    recorded.append(try TopicDelivery(recordBytes: object.bytes))
                }
            } catch {
                // The index applied this record in its transaction, so it reads; should it not,
                // the delivery is still in `topics.pending` and the next start schedules it.
                context.logger.error("a committed topic record could not be read", metadata: ["sequence": "\(record.sequence.rawValue)", "error": "\(error)"])
            }
        }
        if !recorded.isEmpty { deliveries.scheduleUnknown { recorded } }
    }

    /// Makes one attempt.
    package func attempt(_ delivery: TopicDelivery) async -> DeliveryAttemptOutcome<String> {
        if let failure = await send(delivery) { return .failed(failure) }
        return .succeeded
    }

    /// Sends once; returns why it failed, or `nil`.
    package func send(_ delivery: TopicDelivery) async -> String? {
        switch delivery.protocolName {
        case "http", "https":
            return await post(delivery)
        case "sqs":
            let message = OutgoingMessage(
                body: delivery.body, attributes: delivery.queueAttributes, groupId: delivery.groupId, deduplicationId: delivery.deduplicationId)
            do {
                if case .failure(let error) = try await queues.send(queueArn: delivery.endpoint, messages: [message])[0] { return error.message }
                return nil
            } catch {
                return "\(error)"
            }
        default:
            return await invokeHandler(delivery)
        }
    }

    /// POSTs the body with SNS's headers; any 2xx is a success.
    package func post(_ delivery: TopicDelivery) async -> String? {
        var request = HTTPClientRequest(url: delivery.endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/plain; charset=UTF-8")
        request.headers.add(name: "User-Agent", value: "Amazon Simple Notification Service Agent")
        request.headers.add(name: "x-amz-sns-message-type", value: delivery.messageType)
        request.headers.add(name: "x-amz-sns-message-id", value: delivery.messageId)
        request.headers.add(name: "x-amz-sns-topic-arn", value: delivery.topicArn)
        if delivery.messageType == "Notification" {
            request.headers.add(name: "x-amz-sns-subscription-arn", value: delivery.subscriptionArn)
        }
        if delivery.queueAttributes.keys.isEmpty == false || delivery.body.first != "{" {
            request.headers.add(name: "x-amz-sns-rawdelivery", value: "true")
        }
        request.body = .bytes(ByteBuffer(string: delivery.body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(15))
            _ = try? await response.body.collect(upTo: 1 << 20)
            guard (200..<300).contains(Int(response.status.code)) else {
                return "\(delivery.endpoint) answered \(response.status.code)"
            }
            return nil
        } catch {
            return "\(delivery.endpoint) could not be reached: \(error)"
        }
    }

    /// Runs the local handler `workflows/handlers.yaml` maps the endpoint (a Lambda ARN) to, with the SNS event.
    package func invokeHandler(_ delivery: TopicDelivery) async -> String? {
        let input = (try? JSONParser.parse(delivery.body)) ?? .string(delivery.body)
        let invocation = TaskInvocation(
            resource: delivery.endpoint, input: input,
            idempotencyKey: IdempotencyKey.topicDelivery(messageId: delivery.messageId, subscriptionArn: delivery.subscriptionArn),
            token: nil, executionArn: delivery.subscriptionArn, stateName: delivery.topicArn)
        switch await context.invoker.invoke(invocation) {
        case .succeeded: return nil
        case .noHandler(let cause): return cause
        case .failed(let error, let cause): return "\(error): \(cause)"
        }
    }

    // MARK: Views

    /// Deliveries not yet done, by due time.
    public func pendingDeliveries() throws -> [TopicDelivery] {
        try values(in: .pending).map { try TopicDelivery(recordJSON: $0) }.sorted { $0.due < $1.due }
    }

    /// Deliveries whose retries ran out and that were not redriven.
    public func deadLetters() throws -> [TopicDeadLetter] {
        try values(in: .deadLetters).map { try TopicDeadLetter(recordJSON: $0) }
    }

    /// Sends a dead letter again: it becomes pending with fresh attempts.
    /// - Throws: ``TopicError`` `NotFound` when it is not a dead letter.
    public func redrive(deliveryId: String) async throws {
        try await deliveries.redrive(deliveryId: deliveryId)
    }
}
