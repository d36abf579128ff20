public import JSON
import Memberwise

/// One published message as subscribers receive it, and the SNS JSON envelopes around it.
///
/// Pure: the id, the time and the URLs are inputs, chosen by the Engine when the
/// publish is accepted and written into its record, so a redelivery after a crash
/// sends the same envelope byte for byte.
///
/// Stepline holds no AWS signing certificate, so `Signature` cannot be one AWS
/// would produce: it is the base64 SHA-256 of AWS's string to sign (the
/// envelope's fields, `Name\nValue\n` in AWS's order), `SignatureVersion` `"2"`.
/// A receiver can check integrity with it, not authenticity; keep HTTP
/// subscribers on a trusted network.
@MemberwiseInit(.public)
public struct Notification: Sendable, Hashable {
    public var messageId: String
    public var topicArn: String
    public var subject: String?
    public var message: String
    /// Milliseconds since the epoch.
    public var time: Int64
    public var attributes: [String: MessageAttribute] = [:]
    /// FIFO topics: the sequence number SNS assigns.
    public var sequenceNumber: String? = nil

    /// The `Type: Notification` envelope, its keys in AWS's order.
    public func envelope(signingCertURL: String, unsubscribeURL: String) -> JSONValue {
        var object: JSONObject = ["Type": "Notification", "MessageId": .string(messageId)]
        if let sequenceNumber { object["SequenceNumber"] = .string(sequenceNumber) }
        object["TopicArn"] = .string(topicArn)
        if let subject { object["Subject"] = .string(subject) }
        object["Message"] = .string(message)
        object["Timestamp"] = .string(Self.timestamp(time))
        object["SignatureVersion"] = "2"
        var signed: [(String, String)] = [("Message", message), ("MessageId", messageId)]
        if let subject { signed.append(("Subject", subject)) }
        signed += [("Timestamp", Self.timestamp(time)), ("TopicArn", topicArn), ("Type", "Notification")]
        object["Signature"] = .string(Self.signature(signed))
        object["SigningCertURL"] = .string(signingCertURL)
        object["UnsubscribeURL"] = .string(unsubscribeURL)
        if !attributes.isEmpty {
            var values = JSONObject()
            for (name, attribute) in attributes.sorted(by: { $0.key < $1.key }) { values[name] = attribute.envelopeValue }
            object["MessageAttributes"] = .object(values)
        }
        return .object(object)
    }

    /// The `Type: SubscriptionConfirmation` envelope an HTTP endpoint receives first.
    public static func confirmation(
        messageId: String, topicArn: String, token: String, subscribeURL: String, time: Int64, signingCertURL: String
    ) -> JSONValue {
        let message =
            "You have chosen to subscribe to the topic \(topicArn).\nTo confirm the subscription, visit the SubscribeURL included in this message."
        let signed = [
            ("Message", message), ("MessageId", messageId), ("SubscribeURL", subscribeURL), ("Timestamp", timestamp(time)),
            ("Token", token), ("TopicArn", topicArn), ("Type", "SubscriptionConfirmation"),
        ]
        return [
            "Type": "SubscriptionConfirmation", "MessageId": .string(messageId), "Token": .string(token),
            "TopicArn": .string(topicArn), "Message": .string(message), "SubscribeURL": .string(subscribeURL),
            "Timestamp": .string(timestamp(time)), "SignatureVersion": "2", "Signature": .string(signature(signed)),
            "SigningCertURL": .string(signingCertURL),
        ]
    }

    /// The event a `lambda` subscriber's handler receives: `{"Records": [{"EventSource": "aws:sns", "Sns": …}]}`.
    public func lambdaEvent(subscriptionArn: String, signingCertURL: String, unsubscribeURL: String) -> JSONValue {
        var sns = envelope(signingCertURL: signingCertURL, unsubscribeURL: unsubscribeURL).objectValue ?? JSONObject()
        sns["SigningCertUrl"] = sns["SigningCertURL"]
        sns["SigningCertURL"] = nil
        sns["UnsubscribeUrl"] = sns["UnsubscribeURL"]
        sns["UnsubscribeURL"] = nil
        if sns["MessageAttributes"] == nil { sns["MessageAttributes"] = .object([:]) }
        return [
            "Records": [
                ["EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": .string(subscriptionArn), "Sns": .object(sns)]
            ]
        ]
    }

    /// Base64 of the SHA-256 of `Name\nValue\n` for each field.
    static func signature(_ fields: [(String, String)]) -> String {
        var text = ""
        for (name, value) in fields { text += "\(name)\n\(value)\n" }
        return Base64.encode(Digest.sha256(Array(text.utf8)))
    }

    /// `2026-11-25T17:01:02.345Z`: SNS's timestamp format, from milliseconds since the epoch.
    public static func timestamp(_ milliseconds: Int64) -> String {
        CivilTime(millisecondsSinceEpoch: milliseconds).iso8601()
    }
}
