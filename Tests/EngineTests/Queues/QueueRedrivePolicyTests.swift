import Messaging
import Queues
import TestSupport
import Testing

@Suite struct QueueRedrivePolicyTests {
    @Test("a RedrivePolicy naming a missing dead-letter queue, or one of the other type, is refused at create and set")
    func deadLetterQueueMustExistAndMatchItsSource() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, _ in
            let standard = try await queues.createQueue(name: "dlq", attributes: [:])
            let fifo = try await queues.createQueue(name: "dlq.fifo", attributes: ["FifoQueue": "true"])
            func policy(_ arn: String) -> String { #"{"deadLetterTargetArn": "\#(arn)", "maxReceiveCount": 3}"# }
            let missing = policy(queues.arn(ofQueue: "nowhere"))
            await #expect(
                throws: QueueError(
                    .invalidParameterValue,
                    "Value \(missing) for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist."
                )
            ) {
                try await queues.createQueue(name: "src", attributes: ["RedrivePolicy": missing])
            }
            await #expect(throws: QueueError.self) {
                try await queues.createQueue(name: "src.fifo", attributes: ["FifoQueue": "true", "RedrivePolicy": policy(standard.arn)])
            }
            await #expect(throws: QueueError.self) { try await queues.createQueue(name: "src", attributes: ["RedrivePolicy": policy(fifo.arn)]) }
            let source = try await queues.createQueue(name: "src.fifo", attributes: ["FifoQueue": "true", "RedrivePolicy": policy(fifo.arn)])
            #expect(source.attributes.redrivePolicy?.maxReceiveCount == 3)
            // The same create again, the count now a string, is the same queue.
            let again = #"{"deadLetterTargetArn": "\#(fifo.arn)", "maxReceiveCount": "3"}"#
            #expect(try await queues.createQueue(name: "src.fifo", attributes: ["FifoQueue": "true", "RedrivePolicy": again]) == source)
            await #expect(throws: QueueError.self) { try await queues.setAttributes(arn: source.arn, ["RedrivePolicy": policy(standard.arn)]) }
            await #expect(throws: QueueError.self) { try await queues.setAttributes(arn: source.arn, ["RedrivePolicy": missing]) }
            try await queues.setAttributes(arn: source.arn, ["RedrivePolicy": ""])
            #expect(try queues.queue(arn: source.arn)?.attributes.redrivePolicy == nil)
        }
    }
}
