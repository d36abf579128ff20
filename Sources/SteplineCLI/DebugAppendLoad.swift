import ArgumentParser
import EventLog
import Foundation

/// `stepline debug append-load`: appends under load forever, printing each
/// acknowledged sequence number, for the crash-durability test.
///
/// Each record is self-checking: its stream is the submitter, its timestamp a
/// per-submitter counter, and its payload derived from both
/// (``DebugAppendLoad/payload(stream:counter:size:)``), so a reader after a crash can tell
/// an intact record from a torn one without knowing what was acknowledged.
struct DebugAppendLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append-load",
        abstract: "Append self-checking records from concurrent submitters until killed; print 'acked SEQ' per record."
    )

    @OptionGroup var options: DataDirectoryOptions

    @Option(help: "Concurrent submitters.")
    var submitters = 8

    @Option(help: "Records per append call.")
    var batch = 4

    @Option(help: "Payload bytes per record.")
    var size = 200

    @Option(help: "Stop after this many appends per submitter (default: run until killed).")
    var appends: Int?

    func validate() throws {
        guard submitters > 0, batch > 0, size >= 16 else {
            throw ValidationError("--submitters and --batch must be positive and --size at least 16")
        }
    }

    /// The kind of the load's records: outside the Engine's kinds, so `stepline
    /// verify` (which applies the Engine's index) passes them by.
    static let loadKind = RecordKind(0xFFF0)

    /// The payload of record `counter` of submitter `stream`.
    static func payload(stream: UInt64, counter: Int64, size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: stream &* 131 &+ UInt64(bitPattern: counter) &* 31 &+ UInt64($0)) }
    }

    func run() async throws {
        let log = try EventLog(directory: options.dataDirectory)
        let (batch, size, appends) = (batch, size, appends)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for submitter in 1...UInt64(submitters) {
                group.addTask {
                    var counter: Int64 = 0
                    var done = 0
                    while appends.map({ done < $0 }) ?? true {
                        let records = (0..<batch).map { _ in
                            counter += 1
                            return Record(
                                kind: Self.loadKind,
                                timestamp: counter,
                                stream: StreamID(submitter),
                                payload: Self.payload(stream: submitter, counter: counter, size: size)
                            )
                        }
                        let sequences = try await log.append(records)
                        printLine(sequences.map { "acked \($0.rawValue)" }.joined(separator: "\n"))
                        done += 1
                    }
                }
            }
            try await group.waitForAll()
        }
        await log.close()
    }
}
