import JSON

/// SNS's retry policy for HTTP/S deliveries: how many retries, and the wait before each.
///
/// A delivery policy (`DeliveryPolicy` of a topic, `http.defaultHealthyRetryPolicy`,
/// or of a subscription, `healthyRetryPolicy`) splits the retries in four phases:
/// `numNoDelayRetries` at once, `numMinDelayRetries` after `minDelayTarget`, a
/// backoff phase from `minDelayTarget` to `maxDelayTarget` by `backoffFunction`
/// (`linear`, `arithmetic`, `geometric`, `exponential`), and `numMaxDelayRetries`
/// after `maxDelayTarget`. The defaults are AWS's: 3 retries, 20 s apart. After the
/// last retry the message goes to the subscription's dead-letter queue.
public struct DeliveryRetryPolicy: Codable, Sendable, Hashable {
    public var minDelayTarget = 20
    public var maxDelayTarget = 20
    public var numRetries = 3
    public var numNoDelayRetries = 0
    public var numMinDelayRetries = 0
    public var numMaxDelayRetries = 0
    public var backoffFunction = "linear"

    /// The members as a topic delivery stores the policy it was decided with
    /// (`TopicDelivery`'s `retry`): short names, this order, frozen in the log.
    private enum CodingKeys: String, CodingKey {
        case minDelayTarget = "min"
        case maxDelayTarget = "max"
        case numRetries = "retries"
        case numNoDelayRetries = "noDelay"
        case numMinDelayRetries = "minDelay"
        case numMaxDelayRetries = "maxDelay"
        case backoffFunction = "backoff"
    }

    /// AWS's default HTTP/S policy.
    public init() {}

    /// The policy of a topic's and a subscription's `DeliveryPolicy` attributes (either may be absent);
    /// the subscription's `healthyRetryPolicy` wins unless the topic sets `disableSubscriptionOverrides`.
    public init(topicPolicy: String?, subscriptionPolicy: String?) {
        self.init()
        let topic = topicPolicy.flatMap { try? JSONParser.parse($0) }
        if let retry = topic?["http"]?["defaultHealthyRetryPolicy"] { apply(retry) }
        let locked = topic?["http"]?["disableSubscriptionOverrides"] == .bool(true)
        if !locked, let retry = subscriptionPolicy.flatMap({ try? JSONParser.parse($0) })?["healthyRetryPolicy"] { apply(retry) }
    }

    mutating func apply(_ retry: JSONValue) {
        func int(_ key: String) -> Int? { retry[key]?.integerValue }
        minDelayTarget = int("minDelayTarget") ?? minDelayTarget
        maxDelayTarget = int("maxDelayTarget") ?? maxDelayTarget
        numRetries = int("numRetries") ?? numRetries
        numNoDelayRetries = int("numNoDelayRetries") ?? numNoDelayRetries
        numMinDelayRetries = int("numMinDelayRetries") ?? numMinDelayRetries
        numMaxDelayRetries = int("numMaxDelayRetries") ?? numMaxDelayRetries
        backoffFunction = retry["backoffFunction"]?.stringValue ?? backoffFunction
    }

    /// Checks a `DeliveryPolicy` attribute as SNS does.
    /// - Throws: ``TopicError`` `InvalidParameter` naming the field.
    public static func validate(_ text: String, attribute: String = "DeliveryPolicy") throws(TopicError) {
        func invalid(_ reason: String) -> TopicError { TopicError(.invalidParameter, "Invalid parameter: \(attribute): \(reason)") }
        guard let json = try? JSONParser.parse(text), case .object = json else { throw invalid("must be a JSON object") }
        let retries = [json["http"]?["defaultHealthyRetryPolicy"], json["healthyRetryPolicy"]].compactMap { $0 }
        for retry in retries {
            var policy = DeliveryRetryPolicy()
            policy.apply(retry)
            guard policy.minDelayTarget >= 1, policy.maxDelayTarget >= policy.minDelayTarget, policy.maxDelayTarget <= 3600 else {
                throw invalid("minDelayTarget must be at least 1 and at most maxDelayTarget, maxDelayTarget at most 3600")
            }
            guard (0...100).contains(policy.numRetries),
                policy.numNoDelayRetries + policy.numMinDelayRetries + policy.numMaxDelayRetries <= policy.numRetries
            else {
                throw invalid("numRetries must be between 0 and 100 and cover the no-delay, min-delay and max-delay retries")
            }
            guard ["linear", "arithmetic", "geometric", "exponential"].contains(policy.backoffFunction) else {
                throw invalid("backoffFunction must be linear, arithmetic, geometric or exponential")
            }
        }
    }

    /// Seconds to wait before retry `retry` (1-based); `nil` when the policy has no retry that many.
    public func delay(beforeRetry retry: Int) -> Int? {
        guard retry >= 1, retry <= numRetries else { return nil }
        if retry <= numNoDelayRetries { return 0 }
        if retry <= numNoDelayRetries + numMinDelayRetries { return minDelayTarget }
        let backoffRetries = numRetries - numNoDelayRetries - numMinDelayRetries - numMaxDelayRetries
        let step = retry - numNoDelayRetries - numMinDelayRetries
        guard step <= backoffRetries, backoffRetries > 0 else { return maxDelayTarget }
        let fraction = backoffRetries == 1 ? 1.0 : Double(step - 1) / Double(backoffRetries - 1)
        let span = Double(maxDelayTarget - minDelayTarget)
        let shaped: Double
        switch backoffFunction {
        case "arithmetic": shaped = fraction * fraction
        case "geometric": shaped = fraction * fraction * fraction
        case "exponential": shaped = fraction == 0 ? 0 : (pow2(10 * fraction) - 1) / 1023
        default: shaped = fraction
        }
        return minDelayTarget + Int((span * shaped).rounded())
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        var remaining = exponent
        while remaining >= 1 {
            result *= 2
            remaining -= 1
        }
        return result * (1 + remaining * 0.6931471805599453)
    }

    /// The policy as `EffectiveDeliveryPolicy` shows it.
    public var effectiveJSON: String {
        let retry: JSONValue = [
            "minDelayTarget": .integer(minDelayTarget), "maxDelayTarget": .integer(maxDelayTarget), "numRetries": .integer(numRetries),
            "numNoDelayRetries": .integer(numNoDelayRetries), "numMinDelayRetries": .integer(numMinDelayRetries),
            "numMaxDelayRetries": .integer(numMaxDelayRetries), "backoffFunction": .string(backoffFunction),
        ]
        return JSONValue.object(["http": ["defaultHealthyRetryPolicy": retry, "disableSubscriptionOverrides": false]]).serialized
    }
}
