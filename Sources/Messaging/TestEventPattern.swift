public import JSON

/// The `TestEventPattern` operation: does this event match this pattern?
///
/// AWS checks the event first: it must be a JSON object with the envelope fields
/// `id`, `account`, `source`, `time`, `region` and `detail-type`, or the call fails
/// with `ValidationException` "Parameter Event is not valid.". Then the pattern is
/// compiled (``EventPattern/init(parsing:)``) and evaluated.
public enum TestEventPattern {
    /// The envelope fields a test event must carry.
    public static let requiredEventFields = ["id", "account", "source", "time", "region", "detail-type"]

    /// Evaluates the operation on the request's two strings.
    ///
    /// - Throws: ``EventBridgeError``: `ValidationException` for an event that is not
    ///   a valid envelope, `InvalidEventPatternException` for a pattern AWS refuses.
    public static func evaluate(event: String, pattern: String) throws(EventBridgeError) -> Bool {
        let envelope = try validatedEvent(event)
        return try EventPattern(parsing: pattern).matches(envelope)
    }

    /// Parses and checks a test event.
    public static func validatedEvent(_ text: String) throws(EventBridgeError) -> JSONValue {
        guard let value = try? JSONParser.parse(text), case .object(let object) = value,
            requiredEventFields.allSatisfy({ object[$0] != nil })
        else {
            throw .validation("Parameter Event is not valid.")
        }
        return value
    }
}
