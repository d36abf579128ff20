import ArgumentParser
import EventLog
import Foundation
import Stepline

/// `stepline verify`: rebuild every index from the log and compare it byte for byte.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild every index from the log in a scratch directory and compare it with the live one.",
        discussion: """
            Replays the whole log (decoding every record header) into fresh indexes in a temporary \
            directory, then walks each live index database beside its rebuild. Prints progress on \
            standard error and the first difference (database and key) if there is one. Opening the \
            log first catches up an index that is behind the log, as every open does.

            Exit codes: 0 when every index matches; 1 when an index differs, a record is corrupt, \
            or there is no log in the data directory; 64 for invalid options.
            """
    )

    @OptionGroup var options: DataDirectoryOptions

    func run() async throws {
        ProcessMalloc.keepFreedMemory()
        guard options.holdsLog else {
            printError("stepline verify: no log in \(options.dataDirectory) (no data.mdb); nothing to verify")
            throw ExitCode(1)
        }
        // Every index `stepline serve` keeps (Stepline.open registers the same list), so the services'
        // views are rebuilt and checked too. No record-kind list: verify reads any kind.
        let log = try EventLog(directory: options.dataDirectory, indexes: Stepline.indexes)
        let report: VerifyReport
        do {
            report = try log.verify { progress in
                printError("verify: \(progress.phase.rawValue) \(progress.completed)/\(progress.total)")
            }
        } catch {
            await log.close()
            if options.json {
                printLine(jsonText(["clean": false, "error": "\(error)"]))
            } else {
                printError("stepline verify: \(error)")
            }
            throw ExitCode(1)
        }
        await log.close()
        if options.json {
            var object: [String: Any] = [
                "clean": report.isClean,
                "lastSequence": report.lastSequence.rawValue,
                "recordsReplayed": report.recordsReplayed,
                "entriesCompared": report.entriesCompared,
                "indexes": report.indexes,
            ]
            if let difference = report.firstDifference {
                object["firstDifference"] = [
                    "index": difference.index,
                    "database": difference.database,
                    "kind": difference.kind.rawValue,
                    "key": difference.key.map { String(format: "%02x", $0) }.joined(),
                    "description": difference.description,
                ]
            }
            printLine(jsonText(object))
        } else if let difference = report.firstDifference {
            printLine("DIFFERENT: \(difference)")
        } else {
            printLine(
                "clean: \(report.recordsReplayed) records replayed, \(report.entriesCompared) index entries "
                    + "in \(report.indexes.joined(separator: ", ")) match their rebuild"
            )
        }
        if !report.isClean { throw ExitCode(1) }
    }
}
