package import JSON
package import Queues
public import Runtime

/// One event's delivery to one target of one rule, decided when the event was
/// accepted and kept in `events.pending` until it succeeds or dead-letters.
///
/// Everything a delivery needs is in it (the body already transformed, the
/// retry policy as it was when the event arrived), so a delivery re-run after a
/// crash or a redrive sends exactly what the first attempt sent, whatever
/// happened to the rule since.
public struct EventDelivery: Sendable, Hashable {
    /// `eventId/ruleName/targetId`: unique, and stable across attempts.
    public var deliveryId: String
    public var eventId: String
    public var busName: String
    public var ruleName: String
    public var ruleArn: String
    public var targetId: String
    public var targetArn: String
    /// What the target receives (after `Input`, `InputPath` or `InputTransformer`).
    public var body: String
    /// When the event was accepted, in milliseconds since the epoch (for `MaximumEventAgeInSeconds`).
    public var eventTime: Int64
    /// Attempts made so far.
    public var attempt: Int
    /// When the next attempt is due, in milliseconds since the epoch.
    public var due: Int64
    /// `RetryPolicy.MaximumRetryAttempts` (AWS's default 185).
    public var maximumRetryAttempts: Int
    /// `RetryPolicy.MaximumEventAgeInSeconds` (AWS's default 86,400).
    public var maximumEventAgeSeconds: Int
    /// `DeadLetterConfig.Arn`, if the target has one.
    public var deadLetterArn: String?
    public var lastError: String?
    public var lastMessage: String?
    /// How many times this delivery was redriven from the dead letters.
    public var redriveCount: Int = 0
    /// `SqsParameters.MessageGroupId` of a FIFO queue target.
    public var messageGroupId: String?
    /// The original event (JSON text), kept only when the target has a
    /// dead-letter queue: AWS sends the event, not the target's input, there.
    public var event: String?
    /// Sequence numbers of the records that concern this delivery, oldest
    /// first: its whole history, kept by ``EventsIndex`` (never in records).
    public var history: [Int] = []

    package var recordJSON: JSONValue {
        var object: JSONObject = [
            "deliveryId": .string(deliveryId), "eventId": .string(eventId), "bus": .string(busName),
            "ruleName": .string(ruleName), "ruleArn": .string(ruleArn), "targetId": .string(targetId),
            "targetArn": .string(targetArn), "body": .string(body), "eventTime": .integer(Int(eventTime)),
            "attempt": .integer(attempt), "due": .integer(Int(due)),
            "maximumRetryAttempts": .integer(maximumRetryAttempts),
            "maximumEventAgeSeconds": .integer(maximumEventAgeSeconds), "redriveCount": .integer(redriveCount),
        ]
        if let deadLetterArn { object["deadLetterArn"] = .string(deadLetterArn) }
        if let lastError { object["lastError"] = .string(lastError) }
        if let lastMessage { object["lastMessage"] = .string(lastMessage) }
        if let messageGroupId { object["messageGroupId"] = .string(messageGroupId) }
        if let event { object["event"] = .string(event) }
        if !history.isEmpty { object["log"] = .array(history.map { .integer($0) }) }
        return .object(object)
    }

    package init(
        deliveryId: String,
        eventId: String,
        busName: String,
        ruleName: String,
        ruleArn: String,
        targetId: String,
        targetArn: String,
        body: String,
        eventTime: Int64,
        due: Int64,
        maximumRetryAttempts: Int,
        maximumEventAgeSeconds: Int,
        deadLetterArn: String?,
        messageGroupId: String? = nil,
        event: String? = nil
    ) {
        self.deliveryId = deliveryId
        self.eventId = eventId
        self.busName = busName
        self.ruleName = ruleName
        self.ruleArn = ruleArn
        self.targetId = targetId
        self.targetArn = targetArn
        self.body = body
        self.eventTime = eventTime
        self.attempt = 0
        self.due = due
        self.maximumRetryAttempts = maximumRetryAttempts
        self.maximumEventAgeSeconds = maximumEventAgeSeconds
        self.deadLetterArn = deadLetterArn
        self.messageGroupId = messageGroupId
        self.event = event
    }

    /// Whether the target is an SQS queue, an SNS topic or a state machine: Stepline's
    /// own resource, delivered in the transaction that records the delivery's success
    /// (a state machine's by a start command).
    public var deliversInTransaction: Bool {
        targetArn.hasPrefix("arn:aws:sqs:") || targetArn.hasPrefix("arn:aws:sns:") || isStateMachineDelivery
    }

    /// Whether the target is a state machine: its execution starts from a start command.
    public var isStateMachineDelivery: Bool { targetArn.hasPrefix("arn:aws:states:") && targetArn.contains(":stateMachine:") }

    /// Starts the delivery over after a redrive or a retry from review: fresh
    /// attempts, due at `due`, one more redrive, `record` added to its history.
    package mutating func restart(due: Int64, record: Int) {
        attempt = 0
        self.due = due
        redriveCount += 1
        history.append(record)
    }

    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        let fields = try RecordFields(json, what: "event delivery")
        deliveryId = try fields.string("deliveryId")
        eventId = try fields.string("eventId")
        busName = try fields.string("bus")
        ruleName = try fields.string("ruleName")
        ruleArn = try fields.string("ruleArn")
        targetId = try fields.string("targetId")
        targetArn = try fields.string("targetArn")
        body = try fields.string("body")
        eventTime = Int64(try fields.integer("eventTime"))
        attempt = try fields.integer("attempt")
        due = Int64(try fields.integer("due"))
        maximumRetryAttempts = try fields.integer("maximumRetryAttempts")
        maximumEventAgeSeconds = try fields.integer("maximumEventAgeSeconds")
        deadLetterArn = fields.optionalString("deadLetterArn")
        lastError = fields.optionalString("lastError")
        lastMessage = fields.optionalString("lastMessage")
        redriveCount = fields.optional("redriveCount")?.integerValue ?? 0
        messageGroupId = fields.optionalString("messageGroupId")
        event = fields.optionalString("event")
        history = fields.optional("log")?.arrayValue?.compactMap(\.integerValue) ?? []
    }
}

/// A delivery that exhausted its retry policy: the `events.deadLetters` view,
/// and, once a redriven delivery failed again, the `events.review` view.
///
/// ``attributes`` are the message attributes AWS adds when it sends such an
/// event to a target's dead-letter queue.
public struct DeadLetter: Sendable, Hashable {
    public var delivery: EventDelivery
    public var errorCode: String
    public var errorMessage: String
    /// When it was dead-lettered, in milliseconds since the epoch.
    public var time: Int64
    /// `MaximumRetryAttempts` or `MaximumEventAgeInSeconds`: the limit that
    /// ended the retries; `nil` when the error was not retryable.
    public var exhaustedRetryCondition: String?

    /// `ERROR_CODE`, `ERROR_MESSAGE`, `RULE_ARN`, `TARGET_ARN`, `RETRY_ATTEMPTS`
    /// and `EXHAUSTED_RETRY_CONDITION`, as AWS names them.
    public var attributes: [String: String] {
        var attributes = [
            "ERROR_CODE": errorCode, "ERROR_MESSAGE": errorMessage, "RULE_ARN": delivery.ruleArn,
            "TARGET_ARN": delivery.targetArn, "RETRY_ATTEMPTS": String(delivery.attempt),
        ]
        if let exhaustedRetryCondition { attributes["EXHAUSTED_RETRY_CONDITION"] = exhaustedRetryCondition }
        return attributes
    }

    /// The SQS message AWS puts on the target's dead-letter queue: the original
    /// event with ``attributes`` as string (and number) message attributes.
    package var deadLetterMessage: OutgoingMessage {
        var messageAttributes = JSONObject()
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            let type = name == "RETRY_ATTEMPTS" ? "Number" : "String"
            messageAttributes[name] = ["DataType": .string(type), "StringValue": .string(value)]
        }
        return OutgoingMessage(body: delivery.event ?? delivery.body, attributes: messageAttributes)
    }

    package var recordJSON: JSONValue {
        var object: JSONObject = [
            "delivery": delivery.recordJSON, "errorCode": .string(errorCode), "errorMessage": .string(errorMessage),
            "time": .integer(Int(time)),
        ]
        if let exhaustedRetryCondition { object["condition"] = .string(exhaustedRetryCondition) }
        return .object(object)
    }

    package init(delivery: EventDelivery, errorCode: String, errorMessage: String, time: Int64, exhaustedRetryCondition: String?) {
        self.delivery = delivery
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.time = time
        self.exhaustedRetryCondition = exhaustedRetryCondition
    }

    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        let fields = try RecordFields(json, what: "dead letter")
        delivery = try EventDelivery(recordJSON: try fields.value("delivery"))
        errorCode = try fields.string("errorCode")
        errorMessage = try fields.string("errorMessage")
        time = Int64(try fields.integer("time"))
        exhaustedRetryCondition = fields.optionalString("condition")
    }
}

/// A bus delivery waiting for a person.
public typealias DeliveryReviewItem = ReviewItem<DeadLetter>

extension DeadLetter: RecordJSONCodable {}
