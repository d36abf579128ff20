import EventLog
import Foundation
import TestSupport
import Testing

@Suite struct CrashDurabilityTests {
    /// The payload `stepline debug append-load` writes for record `counter` of submitter `stream`.
    private func expectedPayload(stream: UInt64, counter: Int64, size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: stream &* 131 &+ UInt64(bitPattern: counter) &* 31 &+ UInt64($0)) }
    }

    @Test(arguments: 0..<2)
    func everyAcknowledgedRecordSurvivesASigkillIntactInOrderWithoutGaps(round: Int) async throws {
        let directory = TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SteplineBinary.path)
        process.arguments = ["debug", "append-load", "--data-dir", directory.path, "--submitters", "8", "--batch", "3"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Kill at a random moment: after a random number of acknowledged records. The
        // child's output is read on a thread of its own, not on the cooperative pool.
        let killAfter = Int.random(in: 30...600)
        let acknowledged: [UInt64] = try await offPool {
            var acknowledged: [UInt64] = []
            var pending = Data()
            let reader = output.fileHandleForReading
            while acknowledged.count < killAfter {
                let chunk = reader.availableData
                if chunk.isEmpty { break }  // the child exited on its own: the checks below will say why
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    if line.hasPrefix("acked "), let sequence = UInt64(line.dropFirst(6)) { acknowledged.append(sequence) }
                }
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return acknowledged
        }
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(acknowledged.count >= killAfter)

        let log = try EventLog(directory: directory.path)
        let entries = try log.entries(from: .first)
        await log.close()
        // No gap, in order: the log is exactly 1...last.
        #expect(entries.map(\.sequence.rawValue) == Array(1...UInt64(entries.count)))
        // Every acknowledged record is there.
        let last = UInt64(entries.count)
        #expect(acknowledged.allSatisfy { $0 <= last })
        // Every record is intact: its payload is the one its stream and counter determine,
        // and each submitter's counters are consecutive (nothing torn, lost or doubled).
        var nextCounter: [UInt64: Int64] = [:]
        for entry in entries {
            let stream = entry.header.stream.rawValue
            let counter = entry.header.timestamp
            #expect(entry.payload == expectedPayload(stream: stream, counter: counter, size: 200), "record \(entry.sequence)")
            #expect(counter == nextCounter[stream, default: 1], "record \(entry.sequence)")
            nextCounter[stream] = counter + 1
        }
    }
}
