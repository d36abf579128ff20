import EventLog
import JSON
import LMDB
import Queues
import TestSupport
import Testing

/// `QueueIndex` keeps a record's items as bytes and copies their members into
/// the message rows it changes. Each row must be the bytes that building the
/// values, changing them as a `JSONObject` and serializing give: what the index
/// wrote before, and what the live indexes of older data directories hold.
@Suite struct QueueIndexTests {
    private static let standard = "arn:aws:sqs:us-east-1:123456789012:jobs"
    private static let fifo = "arn:aws:sqs:us-east-1:123456789012:jobs.fifo"
    private static let dead = "arn:aws:sqs:us-east-1:123456789012:dead"

    /// A log holding only the queue index, and the message rows it should hold,
    /// changed as `JSONObject`s.
    private final class Model {
        let log: EventLog
        var rows: [[UInt8]: JSONObject] = [:]

        init(_ directory: String) throws { log = try EventLog(directory: directory, indexes: [QueueIndex()]) }

        @discardableResult
        func append(_ kind: RecordKind, _ payload: JSONValue) async throws -> Int {
            let written = try await log.append([Record(kind: kind, timestamp: 0, payload: payload.serializedBytes)])
            return Int(written.lowerBound.rawValue)
        }

        func key(_ arn: String, _ sequence: Int, _ position: Int) -> [UInt8] {
            QueueKeys.message(arn, sequence: sequence, position: position)
        }

        func entries(_ which: QueueIndex.DB) throws -> [[UInt8]: [UInt8]] {
            let database = try #require(log.databases(ofIndex: "queues.v2"))[which.rawValue]
            return try log.read { transaction in
                var found: [[UInt8]: [UInt8]] = [:]
                try transaction.forEach(in: database) { key, value in
                    found[key.copiedBytes()] = value.copiedBytes()
                    return true
                }
                return found
            }
        }

        /// Checks the message rows byte for byte, and that `visible` and `groups` order exactly them.
        func expectIndexMatches(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let stored = try entries(.messages)
            #expect(stored == rows.mapValues { JSONValue.object($0).serializedBytes }, sourceLocation: sourceLocation)
            var visible: Set<[UInt8]> = []
            var groups: Set<[UInt8]> = []
            for (key, row) in rows {
                let arn = String(decoding: key.prefix(key.count - 17), as: UTF8.self)
                let location = QueueKeys.location(key)
                visible.insert(QueueKeys.visible(arn, at: row["visible"]?.integerValue ?? 0, location))
                if let group = MessageStore.fifoGroup(row) { groups.insert(QueueKeys.group(arn, group, location)) }
            }
            #expect(Set(try entries(.visible).keys) == visible, sourceLocation: sourceLocation)
            #expect(Set(try entries(.groups).keys) == groups, sourceLocation: sourceLocation)
        }
    }

    @Test("sent, received, visibility-changed, deleted and moved messages' rows are the bytes the built values give")
    func rowsAreTheBytesOfTheBuiltValues() async throws {
        let directory = TemporaryDirectory()
        let model = try Model(directory.path)
        let queues: [(String, JSONObject)] = [(Self.standard, [:]), (Self.fifo, ["FifoQueue": "true"]), (Self.dead, [:])]
        for (arn, attributes) in queues {
            let name = String(arn.split(separator: ":").last ?? "")
            try await model.append(
                QueueRecordKind.created, ["arn": .string(arn), "name": .string(name), "attributes": .object(attributes), "time": 1_000])
        }

        let plain: JSONObject = [
            "id": "m-1", "body": #"{"job": 1, "text": "caf\u{e9} \"quoted\"\n"}"#, "md5": "abc", "sent": 2_000,
            "visible": 2_000, "count": 0,
        ]
        var withAttributes: JSONObject = ["id": "m-2", "body": "x", "md5": "def", "sent": 2_000, "visible": 32_000, "count": 0]
        withAttributes["md5a"] = "123"
        withAttributes["attrs"] = ["Colour": ["DataType": "String", "StringValue": "blue"]]
        let sent = try await model.append(
            QueueRecordKind.sent,
            ["arn": .string(Self.standard), "time": 2_000, "messages": [.object(plain), .object(withAttributes)]])
        model.rows[model.key(Self.standard, sent, 0)] = plain
        model.rows[model.key(Self.standard, sent, 1)] = withAttributes

        let ordered: [JSONObject] = (0..<2).map { position in
            [
                "id": .string("f-\(position)"), "body": "fifo", "md5": "0", "sent": 2_500, "visible": 2_500, "count": 0,
                "group": "g\u{e9}", "seqno": .string("0000000000000000000\(position)"), "dedup": .string("d-\(position)"),
            ]
        }
        let fifoSent = try await model.append(
            QueueRecordKind.sent, ["arn": .string(Self.fifo), "time": 2_500, "messages": .array(ordered.map { .object($0) })])
        for (position, row) in ordered.enumerated() { model.rows[model.key(Self.fifo, fifoSent, position)] = row }
        try model.expectIndexMatches()
        let dedup = try model.entries(.dedup)
        #expect(dedup[QueueKeys.dedup(Self.fifo, "d-1")] == (["id": "f-1", "time": 2_500] as JSONValue).serializedBytes)

        // A receive sets count, visible and handle, and `first` once.
        func receive(_ arn: String, _ sequence: Int, _ position: Int, count: Int, visible: Int, time: Int) -> JSONValue {
            let key = model.key(arn, sequence, position)
            let handle = JSONValue.string("h-\(sequence)-\(position)-\(count) \"\u{e9}")
            model.rows[key]?["count"] = .integer(count)
            model.rows[key]?["visible"] = .integer(visible)
            model.rows[key]?["handle"] = handle
            if model.rows[key]?["first"] == nil { model.rows[key]?["first"] = .integer(time) }
            return ["s": .integer(sequence), "i": .integer(position), "count": .integer(count), "visible": .integer(visible), "handle": handle]
        }
        let received: [JSONValue] = [
            receive(Self.standard, sent, 0, count: 1, visible: 33_000, time: 3_000),
            receive(Self.standard, sent, 1, count: 1, visible: 33_000, time: 3_000),
        ]
        try await model.append(
            QueueRecordKind.received, ["arn": .string(Self.standard), "time": 3_000, "received": .array(received), "moved": []])
        let fifoReceived = [receive(Self.fifo, fifoSent, 0, count: 1, visible: 40_000, time: 3_100)]
        try await model.append(
            QueueRecordKind.received, ["arn": .string(Self.fifo), "time": 3_100, "received": .array(fifoReceived), "moved": []])
        try model.expectIndexMatches()

        // A visibility change sets visible alone.
        model.rows[model.key(Self.standard, sent, 1)]?["visible"] = 9_000
        try await model.append(
            QueueRecordKind.visibilityChanged,
            ["arn": .string(Self.standard), "time": 4_000, "changes": [["s": .integer(sent), "i": 1, "visible": 9_000]]])
        try model.expectIndexMatches()

        // Received again: `first` stays; the other message moves to the dead-letter queue.
        let again = [receive(Self.standard, sent, 1, count: 2, visible: 40_000, time: 10_000)]
        let movingKey = model.key(Self.standard, sent, 0)
        let moving = try #require(model.rows[movingKey])
        model.rows[movingKey] = nil
        let receivedAgain = try await model.append(
            QueueRecordKind.received,
            [
                "arn": .string(Self.standard), "time": 10_000, "received": .array(again),
                "moved": [["s": .integer(sent), "i": 0, "to": .string(Self.dead)]],
            ])
        var moved = moving
        moved["source"] = .string(Self.standard)
        moved["visible"] = 10_000
        moved["handle"] = nil
        model.rows[model.key(Self.dead, receivedAgain, 0)] = moved
        try model.expectIndexMatches()

        // Deleting takes a FIFO message out of its group too.
        model.rows[model.key(Self.fifo, fifoSent, 0)] = nil
        try await model.append(
            QueueRecordKind.messagesDeleted,
            ["arn": .string(Self.fifo), "time": 11_000, "messages": [["s": .integer(fifoSent), "i": 0]]])
        try model.expectIndexMatches()

        // A move task's step moves the dead letter back to its source, reset.
        let task: JSONValue = ["TaskHandle": "task-1", "Status": "RUNNING", "SourceArn": .string(Self.dead)]
        model.rows[model.key(Self.dead, receivedAgain, 0)] = nil
        let redriven = try await model.append(
            QueueRecordKind.moveTask,
            [
                "time": 12_000, "task": task, "upTo": .integer(receivedAgain),
                "moves": [
                    [
                        "from": .string(Self.dead), "s": .integer(receivedAgain), "i": 0, "to": .string(Self.standard),
                        "toSource": true, "reset": true,
                    ]
                ],
            ])
        moved["source"] = nil
        moved["visible"] = 12_000
        moved["count"] = 0
        moved["first"] = nil
        model.rows[model.key(Self.standard, redriven, 0)] = moved
        try model.expectIndexMatches()
        var taskRow = try #require(task.objectValue)
        taskRow[MoveTaskRow.upToKey] = .integer(receivedAgain)
        #expect(try model.entries(.moveTasks)[QueueKeys.text("task-1")] == JSONValue.object(taskRow).serializedBytes)

        #expect(try model.log.verify().isClean)
        await model.log.close()
    }
}
