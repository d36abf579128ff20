package import EventLog
import Foundation
import HeapModule
import JSON
import Logging
import Messaging
import Queues
package import Runtime
public import ServiceLifecycle
import Synchronization
import Topics

extension EventBuses: Service {
    /// Runs due deliveries until cancelled (graceful shutdown).
    ///
    /// Deliveries wait on the engine's ``Engine/scheduler``, which this runs (or
    /// stands by for, when another service sharing it drives it): each new
    /// event's deliveries, each retry whose backoff elapses, each redrive, and
    /// after a restart everything still pending is scheduled when it is queued,
    /// and attempted when due, at most ``Engine/Configuration/maxConcurrentTasks``
    /// at once, each outcome recorded. A delivery interrupted by a crash is still
    /// pending in the log and runs again after recovery: internal targets are
    /// keyed so that a second run has no second effect, external ones get the
    /// same idempotency key.
    public nonisolated func run() async throws {
        // At graceful shutdown the scheduler stops; what is pending stays pending in the log.
        await cancelWhenGracefulShutdown { await self.context.scheduler.run() }
    }

    /// The scheduler key of the earliest due delivery.
    package static let dueKey = Scheduler.Key("events.deliveries")

    /// Schedules ``runDue()`` at the earliest due delivery, unless it is already
    /// scheduled as early or no attempt can start (one ending schedules again).
    package func armDue() {
        guard inFlight.count < context.maxConcurrentCalls, let first = dueQueue.min else { return }
        let scheduler = context.scheduler
        if let scheduled = scheduler.due(of: Self.dueKey), scheduled <= first.due { return }
        scheduler.schedule(Self.dueKey, at: first.due) { [weak self] in await self?.runDue() }
    }

    /// Attempts what is due, having scheduled the next due delivery.
    package func runDue() async {
        let due = takeDue()
        armDue()
        await withDiscardingTaskGroup { group in
            for delivery in due { group.addTask { await self.attempt(delivery) } }
        }
    }

    package func takeDue() -> [EventDelivery] {
        let time = now()
        var due: [EventDelivery] = []
        while inFlight.count < context.maxConcurrentCalls, let first = dueQueue.min, first.due <= time {
            dueQueue.removeMin()
            // Stale heap entries (a delivery that was retried or finished) are skipped.
            guard let delivery = pending[first.deliveryId], delivery.due == first.due else { continue }
            guard inFlight.insert(first.deliveryId).inserted else {
                // Due again while its previous attempt is still recording its outcome (a
                // redrive of a dead letter whose record just committed): queued again when that ends.
                blocked.append(first)
                continue
            }
            due.append(delivery)
        }
        return due
    }

    /// Frees an attempt's place: what waited for it (or for any free place) is scheduled.
    package func attemptEnded(_ deliveryId: String) {
        inFlight.remove(deliveryId)
        for entry in blocked { dueQueue.insert(entry) }
        blocked.removeAll()
        armDue()
    }

    package nonisolated func attempt(_ delivery: EventDelivery) async {
        if delivery.isQueueDelivery {
            // The send and its success record commit together; a failure leaves nothing.
            let time = now()
            do {
                try await transact(about: delivery.deliveryId) { append in
                    if let failure = try self.deliverToQueue(delivery, in: append, time: time) { throw failure }
                }
                queues.wakeReceivers()
                if delivery.targetArn.hasPrefix("arn:aws:sns:") { connectedTopics.withLock { $0 }?.scheduleCommittedDeliveries() }
                await delivered(delivery)
            } catch let failure as DeliveryFailure {
                await finish(delivery, failure: failure)
            } catch {
                await finish(delivery, failure: DeliveryFailure(code: "SDK_CLIENT_ERROR", message: "\(error)"))
            }
            return
        }
        let failure = await send(delivery)
        await finish(delivery, failure: failure)
    }

    /// Forgets a delivery whose success record committed with its effect.
    package func delivered(_ delivery: EventDelivery) {
        pending[delivery.deliveryId] = nil
        attemptEnded(delivery.deliveryId)
    }

    /// Sends a queue delivery inside `append` and, when the queue accepted it,
    /// appends its ``EventsRecordKind/deliverySucceeded`` record there too, so
    /// the message exists exactly when the delivery is done. FIFO queues get
    /// the target's `MessageGroupId` and the event id as deduplication id, as
    /// EventBridge sends them. Returns the failure, having written nothing.
    package nonisolated func deliverToQueue(_ delivery: EventDelivery, in append: AppendTransaction, time: Int64) throws -> DeliveryFailure? {
        if delivery.targetArn.hasPrefix("arn:aws:sns:") { return try deliverToTopic(delivery, in: append, time: time) }
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
            try append.append(
                Self.record(
                    EventsRecordKind.deliverySucceeded,
                    ["deliveryId": .string(delivery.deliveryId), "time": .integer(Int(time))],
                    time: time
                )
            )
            return nil
        case .failure(let error):
            let code = error.code == .queueDoesNotExist ? "RESOURCE_NOT_FOUND" : "SDK_CLIENT_ERROR"
            return DeliveryFailure(code: code, message: error.message)
        }
    }

    /// The outcome of one attempt: `nil` for success.
    package struct DeliveryFailure: Error {
        package var code: String
        package var message: String
    }

    /// Sends `delivery` to its target once.
    package nonisolated func send(_ delivery: EventDelivery) async -> DeliveryFailure? {
        let arn = delivery.targetArn
        if arn.hasPrefix("arn:aws:states:"), arn.contains(":stateMachine:") {
            let input = (try? JSONParser.parse(delivery.body)) != nil ? delivery.body : JSONValue.string(delivery.body).serialized
            do {
                try await executions.startExecution(of: arn, named: Self.executionName(delivery), input: input)
                return nil
            } catch let error as EngineError {
                let code = error.code == .stateMachineDoesNotExist ? "RESOURCE_NOT_FOUND" : "SDK_CLIENT_ERROR"
                return DeliveryFailure(code: code, message: error.message)
            } catch {
                return DeliveryFailure(code: "SDK_CLIENT_ERROR", message: "\(error)")
            }
        }
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
            resource: arn, input: input, idempotencyKey: delivery.eventId, token: nil, executionArn: delivery.ruleArn,
            stateName: delivery.targetId)
        switch await context.invoker.invoke(invocation, handler: handler) {
        case .succeeded: return nil
        case .noHandler(let cause): return DeliveryFailure(code: "RESOURCE_NOT_FOUND", message: cause)
        case .failed(let error, let cause):
            return DeliveryFailure(code: error == TaskRunner.taskFailed ? "SDK_CLIENT_ERROR" : error, message: cause)
        }
    }

    /// Records the outcome of an attempt: success, a retry after a backoff, or a
    /// dead letter once `MaximumRetryAttempts` retries were made, the event is
    /// older than `MaximumEventAgeInSeconds`, or the target does not exist
    /// (`RESOURCE_NOT_FOUND`, which AWS does not retry). A dead letter whose
    /// target has a `DeadLetterConfig` queue is sent there, with AWS's error
    /// attributes, in the transaction of its record.
    package func finish(_ delivery: EventDelivery, failure: DeliveryFailure?) async {
        defer { attemptEnded(delivery.deliveryId) }
        let time = now()
        let id = JSONValue.string(delivery.deliveryId)
        var next = delivery
        let record: (RecordKind, JSONValue)
        var deadLetter: DeadLetter?
        if let failure {
            let attempts = delivery.attempt + 1
            let due = time + Self.backoff(afterAttempt: attempts)
            let tooOld = due - delivery.eventTime > Int64(delivery.maximumEventAgeSeconds) * 1000
            let notFound = failure.code == "RESOURCE_NOT_FOUND"
            if attempts > delivery.maximumRetryAttempts || tooOld || notFound {
                let condition =
                    notFound ? nil : attempts > delivery.maximumRetryAttempts ? "MaximumRetryAttempts" : "MaximumEventAgeInSeconds"
                var payload: JSONObject = [
                    "deliveryId": id, "error": .string(failure.code), "message": .string(failure.message),
                    "time": .integer(Int(time)),
                ]
                if let condition { payload["condition"] = .string(condition) }
                record = (EventsRecordKind.deliveryDeadLettered, .object(payload))
                deadLetter = DeadLetter(
                    delivery: delivery,
                    errorCode: failure.code,
                    errorMessage: failure.message,
                    time: time,
                    exhaustedRetryCondition: condition
                )
            } else {
                next.attempt = attempts
                next.due = due
                next.lastError = failure.code
                next.lastMessage = failure.message
                record = (
                    EventsRecordKind.deliveryRetried,
                    [
                        "deliveryId": id, "attempt": .integer(attempts), "due": .integer(Int(due)),
                        "error": .string(failure.code), "message": .string(failure.message),
                    ]
                )
            }
        } else {
            record = (EventsRecordKind.deliverySucceeded, ["deliveryId": id, "time": .integer(Int(time))])
        }
        do {
            let sentToQueue = try await transact(about: delivery.deliveryId) { [record, deadLetter] append in
                try append.append(Self.record(record.0, record.1, time: time))
                guard let deadLetter, let queueArn = deadLetter.delivery.deadLetterArn, queueArn.hasPrefix("arn:aws:sqs:") else {
                    return false
                }
                // AWS drops what its dead-letter queue refuses (InvocationsFailedToBeSentToDLQ);
                // the dead letter itself stays in Stepline's view either way.
                let sent = try? self.queues.send(in: append, queueArn: queueArn, messages: [deadLetter.deadLetterMessage], time: time)
                return sent != nil
            }
            if sentToQueue { queues.wakeReceivers() }
        } catch {
            // Still pending in the log: try again later rather than lose it.
            context.logger.info(
                "event delivery outcome not recorded",
                metadata: ["delivery": "\(delivery.deliveryId)", "error": "\(error)"]
            )
            next = delivery
            next.due = time + 1000
            queue(next)
            return
        }
        if record.0 == EventsRecordKind.deliveryRetried {
            queue(next)
        } else if pending[delivery.deliveryId]?.redriveCount == delivery.redriveCount {
            // Not if a redrive queued it again while this outcome was being recorded.
            pending[delivery.deliveryId] = nil
        }
    }

    /// Exponential backoff: 1 s after the first failure, doubling, at most 5 minutes.
    package static func backoff(afterAttempt attempts: Int) -> Int64 {
        Int64(1000) << Int64(min(max(attempts - 1, 0), 8)) > 300_000 ? 300_000 : Int64(1000) << Int64(min(max(attempts - 1, 0), 8))
    }

    /// The execution name of a state machine delivery: the event id and a hash
    /// of the delivery, so each (event, bus, rule, target) starts one execution
    /// and a re-run after a crash finds it already started.
    package static func executionName(_ delivery: EventDelivery) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in delivery.deliveryId.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\(delivery.eventId)-\(String(repeating: "0", count: 16 - hex.count))\(hex)"
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
    public func redrive(deliveryId: String) async throws {
        guard try stored(EventKeys.text(deliveryId), in: .deadLetters) != nil else {
            throw EngineError(.resourceNotFound, "Dead letter \(deliveryId) does not exist.")
        }
        try await append(
            [(EventsRecordKind.deliveryRedriven, ["deliveryId": .string(deliveryId), "due": .integer(Int(now()))])],
            about: deliveryId
        )
        if let value = try stored(EventKeys.text(deliveryId), in: .pending) {
            queue(try EventDelivery(recordJSON: value))
        }
    }
}
