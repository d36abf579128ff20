import EventLog
import JSON
import Messaging
import Queues
import TestSupport
import Testing

@Suite struct QueueTagsTests {
    @Test("tags set at creation and by TagQueue, and a policy written by AddPermission, survive a reopen and verify rebuilds them")
    func tagsAndPermissionsAreDurable() async throws {
        let directory = TemporaryDirectory()
        let arn = try await withQueues(directory.path) { queues, _ in
            let queue = try await queues.createQueue(name: "tagged", attributes: [:], tags: ["team": "core", "env": "dev"])
            #expect(queue.tags == ["team": "core", "env": "dev"])
            try await queues.tagQueue(arn: queue.arn, tags: ["env": "prod", "cost": "7"])
            try await queues.untagQueue(arn: queue.arn, keys: ["team", "absent"])
            try await queues.addPermission(arn: queue.arn, label: "send", accounts: ["111122223333"], actions: ["SendMessage"])
            try await queues.addPermission(arn: queue.arn, label: "read", accounts: ["111122223333"], actions: ["ReceiveMessage"])
            try await queues.removePermission(arn: queue.arn, label: "read")
            await #expect(throws: QueueError.self) { try await queues.removePermission(arn: queue.arn, label: "read") }
            return queue.arn
        }
        try await withQueues(directory.path) { queues, _ in
            let queue = try #require(try queues.queue(arn: arn))
            #expect(queue.tags == ["env": "prod", "cost": "7"])
            let policy = try #require(queue.attributes.values["Policy"].map { try JSONParser.parse($0) })
            #expect(policy["Statement"]?.arrayValue?.compactMap { $0["Sid"]?.stringValue } == ["send"])
            try await queues.removePermission(arn: arn, label: "send")
            #expect(try queues.queue(arn: arn)?.attributes.values["Policy"] == nil)
            try await queues.untagQueue(arn: arn, keys: ["env", "cost"])
            #expect(try queues.queue(arn: arn)?.tags == [:])
            #expect(try queues.log.verify().isClean)
        }
    }

    @Test("a 51st tag is refused and leaves the queue's tags as they were")
    func tooManyTagsAreRefused() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, _ in
            let tags = Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", "v") })
            let queue = try await queues.createQueue(name: "full", attributes: [:], tags: tags)
            await #expect(throws: QueueError.self) { try await queues.tagQueue(arn: queue.arn, tags: ["one-more": "v"]) }
            try await queues.tagQueue(arn: queue.arn, tags: ["k0": "replaced"])
            #expect(try queues.queue(arn: queue.arn)?.tags.count == 50)
        }
    }
}
