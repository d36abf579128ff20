import Messaging
import Testing

@Suite struct QueueAttributesTests {
    @Test("a stored queue's attributes are read as stored, even a value today's rules refuse, with its redrive policy compact")
    func storedAttributesStayReadable() {
        let stored = QueueAttributes(stored: [
            "FifoQueue": "true", "DeduplicationScope": "anything-older", "MaximumMessageSize": "5",
            "RedrivePolicy": #"{"maxReceiveCount": "3", "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:d.fifo"}"#,
        ])
        #expect(stored.values["DeduplicationScope"] == "anything-older")
        #expect(stored.maximumMessageSize == 5)
        #expect(stored.redrivePolicy?.maxReceiveCount == 3)
        #expect(stored.values["RedrivePolicy"] == #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:d.fifo","maxReceiveCount":3}"#)
        #expect(QueueAttributes(stored: ["FifoQueue": "false"]).values["FifoQueue"] == nil)
    }

    @Test("MaximumMessageSize defaults to 1 MiB and accepts 1,024 to 1,048,576, as AWS since 2025")
    func maximumMessageSizeIsOneMebibyte() throws {
        #expect(try QueueAttributes([:], queueName: "q").maximumMessageSize == 1_048_576)
        #expect(try QueueAttributes([:], queueName: "q").withDefaults["MaximumMessageSize"] == "1048576")
        #expect(try QueueAttributes(["MaximumMessageSize": "1048576"], queueName: "q").maximumMessageSize == 1_048_576)
        #expect(try QueueAttributes(["MaximumMessageSize": "1024"], queueName: "q").maximumMessageSize == 1024)
        #expect(throws: QueueError.self) { try QueueAttributes(["MaximumMessageSize": "1048577"], queueName: "q") }
        #expect(throws: QueueError.self) { try QueueAttributes(["MaximumMessageSize": "1023"], queueName: "q") }
    }

    @Test("maxReceiveCount is accepted as a number or a string, 1 to 1000, and described as a number")
    func redriveCountAsNumberOrString() throws {
        let arn = "arn:aws:sqs:us-east-1:123456789012:dlq"
        let canonical = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":5}"#
        for given in [#"{"deadLetterTargetArn": "\#(arn)", "maxReceiveCount": 5}"#, #"{"maxReceiveCount": "5", "deadLetterTargetArn": "\#(arn)"}"#] {
            let attributes = try QueueAttributes(["RedrivePolicy": given], queueName: "q")
            #expect(attributes.values["RedrivePolicy"] == canonical)
            #expect(attributes.redrivePolicy?.maxReceiveCount == 5)
        }
        for count in ["0", "1001", #""x""#, "null"] {
            #expect(throws: QueueError.self) {
                try QueueAttributes(["RedrivePolicy": #"{"deadLetterTargetArn": "\#(arn)", "maxReceiveCount": \#(count)}"#], queueName: "q")
            }
        }
    }

    @Test("a dead-letter queue must exist and be of its source's type")
    func redriveTargetMustExistAndMatch() throws {
        let policy = try RedrivePolicy(text: #"{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq", "maxReceiveCount": 1}"#)
        let standard = QueueAttributes()
        let fifo = try QueueAttributes(["FifoQueue": "true"], queueName: "dlq.fifo")
        try policy.validateTarget(standard, sourceIsFifo: false, text: "p")
        try policy.validateTarget(fifo, sourceIsFifo: true, text: "p")
        #expect(
            throws: QueueError(.invalidParameterValue, "Value p for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.")
        ) {
            try policy.validateTarget(nil, sourceIsFifo: false, text: "p")
        }
        #expect(throws: QueueError.self) { try policy.validateTarget(standard, sourceIsFifo: true, text: "p") }
        #expect(throws: QueueError.self) { try policy.validateTarget(fifo, sourceIsFifo: false, text: "p") }
    }

    @Test("DeduplicationScope and FifoThroughputLimit: FIFO only, their words only, perMessageGroupId only with messageGroup")
    func highThroughputFifoAttributes() throws {
        let fifo = try QueueAttributes(["FifoQueue": "true"], queueName: "q.fifo")
        #expect(fifo.withDefaults["DeduplicationScope"] == "queue")
        #expect(fifo.withDefaults["FifoThroughputLimit"] == "perQueue")
        #expect(try QueueAttributes([:], queueName: "q").withDefaults["DeduplicationScope"] == nil)
        let high = ["FifoQueue": "true", "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"]
        #expect(try QueueAttributes(high, queueName: "q.fifo").values["FifoThroughputLimit"] == "perMessageGroupId")
        #expect(throws: QueueError.self) { try QueueAttributes(["FifoQueue": "true", "DeduplicationScope": "group"], queueName: "q.fifo") }
        #expect(throws: QueueError.self) {
            try QueueAttributes(["FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId"], queueName: "q.fifo")
        }
        #expect(throws: QueueError(.invalidAttributeName, "Unknown Attribute DeduplicationScope.")) {
            try QueueAttributes(["DeduplicationScope": "queue"], queueName: "q")
        }
        var changed = try QueueAttributes(high, queueName: "q.fifo")
        try changed.merge(["DeduplicationScope": "queue"])
        #expect(throws: QueueError.self) { try changed.validateCombination() }
    }
}
