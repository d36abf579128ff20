public import JSON

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
public struct Notification: Sendable, Hashable {
    public var messageId: String
    public var topicArn: String
    public var subject: String?
    public var message: String
    /// Milliseconds since the epoch.
    public var time: Int64
    public var attributes: [String: MessageAttribute]
    /// FIFO topics: the sequence number SNS assigns.
    public var sequenceNumber: String?

    public init(
        messageId: String, topicArn: String, subject: String?, message: String, time: Int64,
        attributes: [String: MessageAttribute] = [:], sequenceNumber: String? = nil
    ) {
        self.messageId = messageId
        self.topicArn = topicArn
        self.subject = subject
        self.message = message
        self.time = time
        self.attributes = attributes
        self.sequenceNumber = sequenceNumber
    }

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
        let millis = ((milliseconds % 1000) + 1000) % 1000
        let seconds = (milliseconds - millis) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilDate.components(daysSinceEpoch: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(year)-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }
}

extension Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 (RFC 4648, with padding), for signatures in envelopes.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let b0 = chunk[chunk.startIndex]
            let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
            let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(chunk.count > 1 ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(chunk.count > 2 ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
