import AsyncHTTPClient
import EventLog
import Foundation
import HeapModule
import JSON
import Logging
import Messaging
import NIOCore
import NIOHTTP1
import Queues
package import Runtime
public import ServiceLifecycle
import Synchronization

extension TopicService: Service {
    /// Runs due deliveries (HTTP/S endpoints, local handlers, queues that were missing)
    /// until graceful shutdown; what is pending stays pending in the log and runs again
    /// after the next start, with the same message id.
    ///
    /// Deliveries wait on the engine's ``Engine/scheduler``, which this runs (or stands
    /// by for, when another service sharing it drives it): a publish schedules its
    /// deliveries when it commits, a publish in another service's transaction when
    /// that service calls ``scheduleCommittedDeliveries()`` after its commit.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.context.scheduler.run() }
    }

    /// The scheduler key of the earliest due delivery.
    package static let dueKey = Scheduler.Key("topics.deliveries")

    /// Queues a delivery to run when it is due.
    package func schedule(_ delivery: TopicDelivery) {
        state.withLock { state in
            state.pending[delivery.deliveryId] = delivery
            state.due.insert(DueDelivery(due: delivery.due, deliveryId: delivery.deliveryId))
        }
        armDue()
    }

    /// Schedules the deliveries that publishes made in other services' transactions
    /// (rule targets, Task states, pipes) recorded: call it after such a commit.
    ///
    /// They are read from the `topics.pending` view, which lists them from the
    /// commit on; what is already known here is left as it is.
    package func scheduleCommittedDeliveries() {
        state.withLock { state in
            // Read while holding the state: a delivery leaves `pending` only after the
            // record that finishes it committed, so the view read here cannot list a
            // delivery this service already finished.
            guard let stored = try? values(in: .pending) else { return }
            for value in stored {
                guard let id = value["deliveryId"]?.stringValue, state.pending[id] == nil,
                    let delivery = try? TopicDelivery(recordJSON: value)
                else { continue }
                state.pending[id] = delivery
                state.due.insert(DueDelivery(due: delivery.due, deliveryId: id))
            }
        }
        armDue()
    }

    /// Schedules ``runDue()`` at the earliest due delivery, unless it is already
    /// scheduled as early or no delivery can start (one ending schedules again).
    package func armDue() {
        let earliest = state.withLock { state in
            state.inFlight.count < configuration.maxConcurrentDeliveries ? state.due.min?.due : nil
        }
        guard let earliest else { return }
        let scheduler = context.scheduler
        if let scheduled = scheduler.due(of: Self.dueKey), scheduled <= earliest { return }
        scheduler.schedule(Self.dueKey, at: earliest) { [weak self] in await self?.runDue() }
    }

    /// Attempts what is due, having scheduled the next due delivery.
    package func runDue() async {
        let due = takeDue()
        armDue()
        await withDiscardingTaskGroup { group in
            for delivery in due { group.addTask { await self.attempt(delivery) } }
        }
    }

    package func takeDue() -> [TopicDelivery] {
        let time = now()
        return state.withLock { state in
            var due: [TopicDelivery] = []
            while state.inFlight.count < configuration.maxConcurrentDeliveries, let first = state.due.min, first.due <= time {
                state.due.removeMin()
                // Stale heap entries (a delivery since retried, finished or redriven) are skipped.
                guard let delivery = state.pending[first.deliveryId], delivery.due == first.due else { continue }
                guard state.inFlight.insert(first.deliveryId).inserted else {
                    state.blocked.append(first)
                    continue
                }
                due.append(delivery)
            }
            return due
        }
    }

    package func attempt(_ delivery: TopicDelivery) async {
        let failure = await send(delivery)
        await finish(delivery, failure: failure)
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
            resource: delivery.endpoint, input: input, idempotencyKey: delivery.messageId, token: nil,
            executionArn: delivery.subscriptionArn, stateName: delivery.topicArn)
        switch await context.invoker.invoke(invocation) {
        case .succeeded: return nil
        case .noHandler(let cause): return cause
        case .failed(let error, let cause): return "\(error): \(cause)"
        }
    }

    /// Records an attempt's outcome: success, a retry after the policy's delay, or a dead
    /// letter, sent in the same transaction to the subscription's `RedrivePolicy` queue.
    package func finish(_ delivery: TopicDelivery, failure: String?) async {
        let time = now()
        let id = JSONValue.string(delivery.deliveryId)
        var next = delivery
        var retried = false
        do {
            if let failure {
                let retry = delivery.attempt + 1
                if let delay = delivery.retryPolicy.delay(beforeRetry: retry) {
                    let due = time + Int64(delay) * 1000
                    next.attempt = retry
                    next.due = due
                    next.lastError = failure
                    retried = true
                    try await transact { append in
                        try self.append(
                            TopicRecordKind.deliveryRetried,
                            ["deliveryId": id, "attempt": .integer(retry), "due": .integer(Int(due)), "error": .string(failure)],
                            time: time, in: append)
                    }
                } else {
                    try await deadLetter(delivery, error: failure, time: time)
                }
            } else {
                try await transact { append in
                    try self.append(TopicRecordKind.deliverySucceeded, ["deliveryId": id, "time": .integer(Int(time))], time: time, in: append)
                }
            }
        } catch {
            // Still pending in the log: try again in a second rather than lose it.
            context.logger.info(
                "topic delivery outcome not recorded", metadata: ["delivery": "\(delivery.deliveryId)", "error": "\(error)"])
            next = delivery
            next.due = time + 1000
            retried = true
        }
        state.withLock { state in
            state.inFlight.remove(delivery.deliveryId)
            if retried {
                state.pending[delivery.deliveryId] = next
                state.due.insert(DueDelivery(due: next.due, deliveryId: next.deliveryId))
            } else if state.pending[delivery.deliveryId]?.redriveCount == delivery.redriveCount {
                // Finished; unless it was redriven (or retried from review) meanwhile, once
                // its dead letter committed: that newer delivery stays pending.
                state.pending[delivery.deliveryId] = nil
            }
            for entry in state.blocked { state.due.insert(entry) }
            state.blocked.removeAll()
        }
        armDue()
    }

    package func deadLetter(_ delivery: TopicDelivery, error: String, time: Int64) async throws {
        try await transact { append in
            var record: JSONObject = ["deliveryId": .string(delivery.deliveryId), "error": .string(error), "time": .integer(Int(time))]
            let subscription = try self.row(delivery.subscriptionArn, in: .subscriptions, append.transaction).map(TopicSubscription.init(row:))
            if let queueArn = SubscriptionAttributes.deadLetterTarget(subscription?.attributes["RedrivePolicy"]),
                try self.queues.queue(queueArn, in: append.transaction) != nil
            {
                let message = OutgoingMessage(
                    body: delivery.body, attributes: delivery.queueAttributes, groupId: delivery.groupId,
                    deduplicationId: delivery.deduplicationId)
                if case .success = try self.queues.send(in: append, queueArn: queueArn, messages: [message], time: time)[0] {
                    record["deadLetterQueue"] = .string(queueArn)
                }
            }
            try self.append(TopicRecordKind.deliveryDeadLettered, .object(record), time: time, in: append)
        }
        queues.wakeReceivers()
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
        let time = now()
        let delivery = try await transact { append -> TopicDelivery in
            guard let letter = try self.row(deliveryId, in: .deadLetters, append.transaction) else {
                throw TopicError(.notFound, "Dead letter \(deliveryId) does not exist.")
            }
            try self.append(
                TopicRecordKind.deliveryRedriven, ["deliveryId": .string(deliveryId), "due": .integer(Int(time))], time: time, in: append)
            var delivery = try TopicDelivery(recordJSON: letter["delivery"] ?? .null)
            delivery.attempt = 0
            delivery.due = time
            delivery.redriveCount += 1
            return delivery
        }
        schedule(delivery)
    }
}
