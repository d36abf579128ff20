package import EventLog
import Foundation
import JSON
import Messaging
import Queues
package import Runtime
public import ServiceLifecycle
import Synchronization
import Topics

extension EventBuses: Service {
    /// Runs due deliveries until cancelled (graceful shutdown).
    ///
    /// Deliveries live in ``deliveries``, the ``DeliveryLifecycle`` every delivery
    /// service shares, on the shared scheduler, which this runs (or stands by for,
    /// when another service sharing it drives it): each new event's deliveries,
    /// each retry whose backoff elapses, each redrive, and after a restart
    /// everything still pending, at most `ServiceContext.maxConcurrentCalls` at
    /// once, each outcome recorded. A delivery interrupted by a crash is still
    /// pending in the log and runs again after recovery: internal targets commit
    /// their effect with the success record, so a second run has no second effect,
    /// external ones get the same idempotency key.
    public nonisolated func run() async throws {
        // At graceful shutdown the scheduler stops; what is pending stays pending in the log.
        await cancelWhenGracefulShutdown { await self.context.scheduler.run() }
    }

    /// The scheduler key of the earliest due delivery.
    package static let dueKey = Scheduler.Key("events.deliveries")

    /// Makes one attempt: a target that is one of Stepline's own resources (a queue,
    /// a topic, a state machine) in the transaction that records its success (a
    /// failure leaves nothing), any other target by its invoker.
    package nonisolated func attempt(_ delivery: EventDelivery) async -> DeliveryAttemptOutcome<DeliveryFailure> {
        guard delivery.deliversInTransaction else {
            if let failure = await send(delivery) { return .failed(failure) }
            return .succeeded
        }
        let time = now()
        do {
            try await transact(about: delivery.deliveryId) { append in
                if let failure = try self.deliverInTransaction(delivery, in: append, time: time) { throw failure }
            }
        } catch let failure as DeliveryFailure {
            return .failed(failure)
        } catch {
            return .failed(DeliveryFailure(code: "SDK_CLIENT_ERROR", message: "\(error)"))
        }
        return .succeededAndRecorded
    }

    /// Delivers to one of Stepline's own resources inside `append` (a queue, a topic:
    /// ``deliverToTopic(_:in:time:)``, a state machine: ``deliverToStateMachine(_:in:time:)``)
    /// and, when it accepted the delivery, appends its ``EventsRecordKind/deliverySucceeded``
    /// record there too, so the effect exists exactly when the delivery is done. Returns
    /// the failure, having written nothing.
    package nonisolated func deliverInTransaction(_ delivery: EventDelivery, in append: AppendTransaction, time: Int64) throws -> DeliveryFailure? {
        if delivery.targetArn.hasPrefix("arn:aws:sns:") { return try deliverToTopic(delivery, in: append, time: time) }
        if delivery.isStateMachineDelivery { return try deliverToStateMachine(delivery, in: append, time: time) }
        return try deliverToQueue(delivery, in: append, time: time)
    }

    /// Sends a queue delivery inside `append` with its success record. FIFO queues
    /// get the target's `MessageGroupId` and the event id as deduplication id, as
    /// EventBridge sends them. Returns the failure, having written nothing.
    private nonisolated func deliverToQueue(_ delivery: EventDelivery, in append: AppendTransaction, time: Int64) throws -> DeliveryFailure? {
        let isFifo = delivery.targetArn.hasSuffix(".fifo")
        let message = OutgoingMessage(
            body: delivery.body,
            groupId: delivery.messageGroupId,
            deduplicationId: isFifo ? delivery.eventId : nil
        )
        let result: Result<SentMessage, QueueError>
        do {
            guard let first = try queues.send(in: append, queueArn: delivery.targetArn, messages: [message], time: time).first else {
                return DeliveryFailure(code: "SDK_CLIENT_ERROR", message: "The queue answered nothing.")
            }
            result = first
        } catch let error as QueueError {
            result = .failure(error)
        }
        switch result {
        case .success:
            try Self.appendSucceeded(delivery, in: append, time: time)
            return nil
        case .failure(let error):
            let code = error.code == .queueDoesNotExist ? "RESOURCE_NOT_FOUND" : "SDK_CLIENT_ERROR"
            return DeliveryFailure(code: code, message: error.message)
        }
    }

    /// Appends `delivery`'s ``EventsRecordKind/deliverySucceeded`` record, in the
    /// transaction of the effect that delivered it.
    package static func appendSucceeded(_ delivery: EventDelivery, in append: AppendTransaction, time: Int64) throws {
        try append.append(
            record(EventsRecordKind.deliverySucceeded, ["deliveryId": .string(delivery.deliveryId), "time": .integer(Int(time))], time: time))
    }

    /// Why an attempt failed: EventBridge's error code (`RESOURCE_NOT_FOUND`,
    /// `SDK_CLIENT_ERROR`, …) and message, as the retried and dead-lettered records carry them.
    package struct DeliveryFailure: Error, Sendable {
        package var code: String
        package var message: String
    }

    /// Sends `delivery` to a target outside the log (an API destination, an HTTP
    /// endpoint, a handler) once.
    package nonisolated func send(_ delivery: EventDelivery) async -> DeliveryFailure? {
        let arn = delivery.targetArn
        let input = (try? JSONParser.parse(delivery.body)) ?? .string(delivery.body)
        var handler: TaskHandlerMap.Handler?
        if arn.hasPrefix("arn:aws:events:"), arn.contains(":api-destination/") {
            do {
                let request = try apiDestinationRequest(arn)
                handler = .http(url: request.url, method: request.method, headers: request.headers)
            } catch let error as EngineError {
                return DeliveryFailure(code: "RESOURCE_NOT_FOUND", message: error.message)
            } catch {
                return DeliveryFailure(code: "SDK_CLIENT_ERROR", message: "\(error)")
            }
        } else if arn.hasPrefix("http://") || arn.hasPrefix("https://") {
            handler = .http(url: arn, method: "POST", headers: [:])
        }
        let invocation = TaskInvocation(
            resource: arn, input: input,
            idempotencyKey: IdempotencyKey.eventDelivery(eventId: delivery.eventId, ruleArn: delivery.ruleArn, targetId: delivery.targetId),
            token: nil, executionArn: delivery.ruleArn, stateName: delivery.targetId)
        switch await context.invoker.invoke(invocation, handler: handler) {
        case .succeeded: return nil
        case .noHandler(let cause): return DeliveryFailure(code: "RESOURCE_NOT_FOUND", message: cause)
        case .failed(let error, let cause):
            return DeliveryFailure(code: error == TaskRunner.taskFailed ? "SDK_CLIENT_ERROR" : error, message: cause)
        }
    }

    // MARK: Views

    /// Deliveries not yet done, oldest first by due time.
    public nonisolated func pendingDeliveries() throws -> [EventDelivery] {
        try values(in: .pending).map { try EventDelivery(recordJSON: $0) }.sorted { $0.due < $1.due }
    }

    /// Deliveries that exhausted their retries and were not redriven.
    public nonisolated func deadLetters() throws -> [DeadLetter] {
        try values(in: .deadLetters).map { try DeadLetter(recordJSON: $0) }
    }

    /// Sends a dead letter again: it becomes pending with fresh attempts.
    /// - Throws: ``EngineError`` `ResourceNotFoundException` when it is not a dead letter.
    public nonisolated func redrive(deliveryId: String) async throws {
        try await deliveries.redrive(deliveryId: deliveryId)
    }
}
