import EventLog
import JSON
import LMDB
import Runtime
import StatesLanguage
import Stepline
import SteplineTesting
import TestSupport
import Testing
import Workflows

/// Every row of every `engine.*` database, by database name.
private func engineRows(_ log: EventLog) throws -> [String: [[UInt8]]] {
    var rows: [String: [[UInt8]]] = [:]
    for database in log.databases(ofIndex: "engine")!.all {
        rows[database.name ?? "?"] = try log.read { transaction in
            try transaction.withCursor(on: database) { cursor in
                var pairs: [[UInt8]] = []
                var more = try cursor.first()
                while more {
                    pairs.append(try cursor.key() + [0xFF] + (try cursor.value()))
                    more = try cursor.next()
                }
                return pairs
            }
        }
    }
    return rows
}

/// A version 2 step record written as version 1 did: each opened task's token beside it.
private func asVersionOne(_ record: Record) throws -> Record {
    guard record.header.kind == EngineRecordKind.executionStep else { return record }
    let bytes = record.payload
    let count = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
    guard case .object(var summary) = try JSONParser.parse(bytes: bytes[4..<(4 + count)]) else { throw TestFailure(error: "summary") }
    if case .array(let opened)? = summary["tasks+"] {
        summary["tasks+"] = .array(
            opened.map { open in
                guard case .object(let members) = open, let task = members["task"] else { return open }
                var old: JSONObject = ["task": task]
                if let token = task["taskToken"] { old["token"] = token }
                for key in members.keys where key != "task" { old[key] = members[key] }
                return .object(old)
            })
    }
    let encoded = JSONValue.object(summary).bytes
    let length = UInt32(encoded.count)
    let prefix = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) }
    var header = record.header
    header.version = 1
    return Record(header: header, payload: prefix + encoded + Array(bytes[(4 + count)...]))
}

@Suite("Execution step versions")
struct StepVersionTests {
    @Test("a log whose steps are version 1 replays to the same state and the same index rows, and verifies clean")
    func versionOneStepsReplay() async throws {
        let live = TemporaryDirectory()
        let old = TemporaryDirectory()
        let (records, rows) = try await withStepline(live.path, running: false) { stepline in
            let engine = stepline.engine
            let activity = try await engine.createActivity(name: "review")
            let machine = try await engine.createStateMachine(
                name: "m",
                definition: #"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "\#(activity.activityArn)", "HeartbeatSeconds": 60, "End": true}}}"#
            )
            _ = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "e")
            return (try engine.log.entries(from: .first).map(\.record), try engineRows(engine.log))
        }
        #expect(records.contains { $0.header.kind == EngineRecordKind.executionStep && $0.header.version == ExecutionStep.version })
        try await withStepline(old.path, running: false) { stepline in
            _ = try await stepline.log.append(try records.map(asVersionOne))
        }
        try await withStepline(old.path) { stepline in
            let engine = stepline.engine
            let versions = try engine.log.entries(from: .first).filter { $0.header.kind == EngineRecordKind.executionStep }.map(\.header.version)
            #expect(versions == [1])
            #expect(try engineRows(engine.log) == rows)
            #expect(try engine.log.verify().isClean)
            // The recovered state answers the token the version 1 record held.
            let waiting = try #require(try await engine.waitingTasks().first)
            try await engine.sendTaskSuccess(token: waiting.token, output: #"{"ok": true}"#)
            let done = try await engine.awaitCompletion(executionArn: waiting.executionArn)
            #expect(done.status == .succeeded)
        }
    }
}
