import JSON

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

    var recordJSON: JSONValue {
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
        return .object(object)
    }

    init(
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
        deadLetterArn: String?
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
    }

    init(recordJSON json: JSONValue) throws(RecordDecodingError) {
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
    }
}

/// A delivery that exhausted its retry policy: the `events.deadLetters` view.
///
/// ``attributes`` are the message attributes AWS adds when it sends such an
/// event to a target's dead-letter queue.
public struct DeadLetter: Sendable, Hashable {
    public var delivery: EventDelivery
    public var errorCode: String
    public var errorMessage: String
    /// When it was dead-lettered, in milliseconds since the epoch.
    public var time: Int64

    /// `ERROR_CODE`, `ERROR_MESSAGE`, `RULE_ARN`, `TARGET_ARN`, as AWS names them.
    public var attributes: [String: String] {
        [
            "ERROR_CODE": errorCode, "ERROR_MESSAGE": errorMessage, "RULE_ARN": delivery.ruleArn,
            "TARGET_ARN": delivery.targetArn,
        ]
    }

    var recordJSON: JSONValue {
        [
            "delivery": delivery.recordJSON, "errorCode": .string(errorCode), "errorMessage": .string(errorMessage),
            "time": .integer(Int(time)),
        ]
    }

    init(delivery: EventDelivery, errorCode: String, errorMessage: String, time: Int64) {
        self.delivery = delivery
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.time = time
    }

    init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        let fields = try RecordFields(json, what: "dead letter")
        delivery = try EventDelivery(recordJSON: try fields.value("delivery"))
        errorCode = try fields.string("errorCode")
        errorMessage = try fields.string("errorMessage")
        time = Int64(try fields.integer("time"))
    }
}
