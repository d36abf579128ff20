import JSON
import Memberwise
package import Queues
public import Runtime

/// One event's delivery to one target of one rule, decided when the event was
/// accepted and kept in `events.pending` until it succeeds or dead-letters.
///
/// Everything a delivery needs is in it (the body already transformed, the
/// retry policy as it was when the event arrived), so a delivery re-run after a
/// crash or a redrive sends exactly what the first attempt sent, whatever
/// happened to the rule since.
@MemberwiseInit(.package)
public struct EventDelivery: RecordPayload, Sendable, Hashable {
    package static let recordName = "event delivery"

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
    public var attempt: Int = 0
    /// When the next attempt is due, in milliseconds since the epoch.
    public var due: Int64
    /// `RetryPolicy.MaximumRetryAttempts` (AWS's default 185).
    public var maximumRetryAttempts: Int
    /// `RetryPolicy.MaximumEventAgeInSeconds` (AWS's default 86,400).
    public var maximumEventAgeSeconds: Int
    /// `DeadLetterConfig.Arn`, if the target has one.
    public var deadLetterArn: String?
    public var lastError: String? = nil
    public var lastMessage: String? = nil
    /// How many times this delivery was redriven from the dead letters.
    public var redriveCount: Int = 0
    /// `SqsParameters.MessageGroupId` of a FIFO queue target.
    public var messageGroupId: String? = nil
    /// The original event (JSON text), kept only when the target has a
    /// dead-letter queue: AWS sends the event, not the target's input, there.
    public var event: String? = nil
    /// Sequence numbers of the records that concern this delivery, oldest
    /// first: its whole history, kept by ``EventsIndex`` (never in records).
    @OmittedWhenEmpty public var history: [Int] = []

    /// The members in the order of the record's bytes.
    private enum CodingKeys: String, CodingKey {
        case deliveryId, eventId
        case busName = "bus"
        case ruleName, ruleArn, targetId, targetArn, body, eventTime, attempt, due
        case maximumRetryAttempts, maximumEventAgeSeconds, redriveCount, deadLetterArn, lastError, lastMessage
        case messageGroupId, event
        case history = "log"
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
}

/// A delivery that exhausted its retry policy: the `events.deadLetters` view,
/// and, once a redriven delivery failed again, the `events.review` view.
///
/// ``attributes`` are the message attributes AWS adds when it sends such an
/// event to a target's dead-letter queue.
@MemberwiseInit(.package)
public struct DeadLetter: RecordPayload, Sendable, Hashable {
    package static let recordName = "dead letter"

    public var delivery: EventDelivery
    public var errorCode: String
    public var errorMessage: String
    /// When it was dead-lettered, in milliseconds since the epoch.
    public var time: Int64
    /// `MaximumRetryAttempts` or `MaximumEventAgeInSeconds`: the limit that
    /// ended the retries; `nil` when the error was not retryable.
    public var exhaustedRetryCondition: String?

    /// The members in the order of the record's bytes.
    private enum CodingKeys: String, CodingKey {
        case delivery, errorCode, errorMessage, time
        case exhaustedRetryCondition = "condition"
    }

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
}

/// A bus delivery waiting for a person.
public typealias DeliveryReviewItem = ReviewItem<DeadLetter>
