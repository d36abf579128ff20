import JSON
import Messaging
import Testing

@Suite struct NotificationTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_764_090_062_345), "2025-11-25T17:01:02.345Z"),
        (Int64(951_782_400_001), "2000-02-29T00:00:00.001Z"),
    ])
    func timestampsAreISO8601WithMilliseconds(milliseconds: Int64, expected: String) {
        #expect(Notification.timestamp(milliseconds) == expected)
    }

    @Test func theEnvelopeHasSNSKeysInOrderAndASignatureOverItsFields() {
        let notification = Notification(
            messageId: "m-1", topicArn: "arn:aws:sns:us-east-1:1:t", subject: "s", message: "hello", time: 0,
            attributes: ["n": MessageAttribute(dataType: "Number", stringValue: "5")])
        let envelope = notification.envelope(signingCertURL: "http://h/cert.pem", unsubscribeURL: "http://h/?Action=Unsubscribe")
        #expect(envelope.objectValue?.keys == [
            "Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL",
            "UnsubscribeURL", "MessageAttributes",
        ])
        #expect(envelope["MessageAttributes"]?["n"] == ["Type": "Number", "Value": "5"])
        var changed = notification
        changed.message = "hello!"
        let other = changed.envelope(signingCertURL: "http://h/cert.pem", unsubscribeURL: "http://h/?Action=Unsubscribe")
        #expect(envelope["Signature"] != other["Signature"])
        #expect(envelope["Signature"] == notification.envelope(signingCertURL: "x", unsubscribeURL: "y")["Signature"])
    }

    @Test func attributesAreValidatedBeforeAPublishIsAccepted() {
        #expect(throws: TopicError.self) { try MessageAttribute.validate([("n", MessageAttribute(dataType: "Number", stringValue: "five"))]) }
        #expect(throws: TopicError.self) { try MessageAttribute.validate([("AWS.x", MessageAttribute(dataType: "String", stringValue: "v"))]) }
        #expect(throws: TopicError.self) { try MessageAttribute.validate([("a", MessageAttribute(dataType: "String.Array", stringValue: "[{}]"))]) }
        #expect(throws: TopicError.self) { try MessageAttribute.validate([("a", MessageAttribute(dataType: "Float", stringValue: "1"))]) }
        #expect(throws: Never.self) {
            try MessageAttribute.validate([
                ("a", MessageAttribute(dataType: "String.Array", stringValue: #"["x", 1, true, null]"#)),
                ("b", MessageAttribute(dataType: "Binary", binaryValue: "AAE=")),
            ])
        }
    }

    @Test func retryPolicyPhasesGiveTheWaitBeforeEachRetry() {
        var policy = DeliveryRetryPolicy()
        #expect((1...4).map { policy.delay(beforeRetry: $0) } == [20, 20, 20, nil])
        policy = DeliveryRetryPolicy(
            topicPolicy: #"{"http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 9, "numRetries": 6, "numNoDelayRetries": 1, "numMaxDelayRetries": 1}}}"#,
            subscriptionPolicy: nil)
        #expect((1...7).map { policy.delay(beforeRetry: $0) } == [0, 1, 4, 6, 9, 9, nil])
    }
}
