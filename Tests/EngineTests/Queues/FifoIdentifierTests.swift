import Messaging
import Queues
import TestSupport
import Testing
import Topics

@Suite("FIFO message group and deduplication ids as SQS and SNS accept them")
struct FifoIdentifierTests {
    @Test("1 to 128 letters, digits and ASCII punctuation pass", arguments: ["a", "order-42", "A.b_c:d/e!~{}", String(repeating: "x", count: 128)])
    func validIdentifiers(value: String) {
        #expect(FifoIdentifier.problem(with: value) == nil)
    }

    @Test("empty, longer than 128, spaces, control characters and non-ASCII are refused", arguments: ["", String(repeating: "x", count: 129), "a b", "a\u{7}", "café"])
    func invalidIdentifiers(value: String) {
        #expect(FifoIdentifier.problem(with: value) != nil)
    }

    @Test("SQS refuses a FIFO send whose group or deduplication id is invalid, and stores nothing")
    func sqsRefusesInvalidIdentifiers() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, _ in
            let queue = try await queues.createQueue(name: "ids.fifo", attributes: ["FifoQueue": "true"])
            let results = try await queues.send(
                queueArn: queue.arn,
                messages: [
                    OutgoingMessage(body: "a", groupId: String(repeating: "g", count: 129), deduplicationId: "d1"),
                    OutgoingMessage(body: "b", groupId: "g", deduplicationId: "with space"),
                    OutgoingMessage(body: "c", groupId: "g", deduplicationId: "d3"),
                ])
            let codes = results.map { result -> String in
                switch result {
                case .success: "sent"
                case .failure(let error): error.code.rawValue
                }
            }
            #expect(codes == [QueueError.Code.invalidParameterValue.rawValue, QueueError.Code.invalidParameterValue.rawValue, "sent"])
            #expect(try await queues.receive(queueArn: queue.arn, maxMessages: 10, waitSeconds: 0).map(\.body) == ["c"])
        }
    }
}
