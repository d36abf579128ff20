import ArgumentParser
import EventLog
import Foundation
import Stepline
import Workflows

/// `stepline bench verify`: how fast `stepline verify` replays and compares a log of mixed records.
struct BenchVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Benchmark `stepline verify`: records replayed and compared per second on a log of mixed records.",
        discussion: """
            Fills a scratch log (without fsync) with --records records of the kinds a server \
            writes: executions of a 3-task workflow (instant in-process handlers), of a 10-Pass \
            chain and of a day-long Wait (open timers), SQS standard and FIFO sends, receives and \
            deletes, and PutEvents to a rule with a queue target. Then runs verify on it the way \
            `stepline verify` does (every index the server registers), --repeats times each with \
            one rebuild thread and with the default (one per processor), alternating, and prints \
            the medians: records replayed per second, the seconds of each phase, the CPU \
            seconds (less sensitive to a busy machine than the wall time) and how they split \
            between the indexes' `apply`. With --data-dir it verifies an existing log instead \
            of filling one, so two builds can be measured on the same log. The goal is at least \
            200,000 records/s. Exit codes: 0 after printing; 1 if verify finds a difference; 64 \
            for invalid options.
            """
    )

    @Option(help: "Records in the log to verify (about; the fill stops at the first batch past it).")
    var records = 250_000

    @Option(help: "Verify runs of each variant; each is reported on standard error, then the medians.")
    var repeats = 3

    @OptionGroup var scratch: ScratchDirectoryOptions

    @Option(
        name: .customLong("data-dir"),
        help: """
            Verify the log in this existing data directory instead of filling one (--records is then ignored), \
            so that builds can be compared on one log.
            """
    )
    var dataDirectory: String?

    @Flag(help: "Print the figures as one JSON object.")
    var json = false

    func validate() throws {
        guard records > 0, repeats > 0 else { throw ValidationError("--records and --repeats must be positive") }
    }

    func run() async throws {
        ProcessMalloc.keepFreedMemory()
        let root = try scratch.create(benchmark: "verify")
        defer { scratch.remove(root) }
        let directory = dataDirectory ?? root + "/log"

        let clock = ContinuousClock()
        let fillStart = clock.now
        let kinds =
            if dataDirectory != nil {
                try await VerifyWorkload.composition(directory: directory)
            } else {
                try await VerifyWorkload.fill(directory: directory, records: records) { printError("bench: \($0)") }
            }
        let fillSeconds = (clock.now - fillStart).seconds
        if dataDirectory == nil { printError(String(format: "bench: filled %d records in %.1f s", kinds.total, fillSeconds)) }

        // One thread (indexes rebuilt one after the other, as before verify went
        // parallel) and the default (one thread per processor), alternating.
        var runs: [String: [VerifyRun]] = [:]
        let variants: [(name: String, threads: Int?)] = [("1 thread", 1), ("parallel", nil)]
        for run in 1...repeats {
            for variant in variants {
                let figures = try await measure(directory: directory, threads: variant.threads)
                runs[variant.name, default: []].append(figures)
                printError(
                    String(
                        format: "bench: run %d, %@: %.2f s, %.0f records/s, %.2f CPU s",
                        run,
                        variant.name,
                        figures.seconds,
                        figures.recordsPerSecond,
                        figures.cpuSeconds
                    )
                )
            }
        }
        let medians = variants.map { variant in
            (name: variant.name, run: (runs[variant.name] ?? []).sorted { $0.seconds < $1.seconds }[repeats / 2])
        }
        if json {
            var object: [String: Any] = ["records": medians[0].run.records, "kinds": kinds.byKind, "fillSeconds": fillSeconds]
            for (name, run) in medians {
                object[name] = [
                    "seconds": run.seconds, "rebuildSeconds": run.rebuildSeconds, "compareSeconds": run.compareSeconds,
                    "recordsPerSecond": run.recordsPerSecond, "cpuSeconds": run.cpuSeconds, "entriesCompared": run.report.entriesCompared,
                    "runs": (runs[name] ?? []).map(\.seconds), "rebuildCPUSecondsByIndex": run.report.rebuildCPUSeconds,
                ]
            }
            printLine(jsonText(object))
        } else {
            let (records, entries) = (medians[0].run.records, medians[0].run.report.entriesCompared)
            printLine("verify of \(records) records (\(entries) index entries), median of \(repeats) runs each:")
            for (name, run) in medians {
                printLine(
                    String(
                        format: "  %@: %.2f s (rebuild %.2f s, compare %.2f s): %.0f records/s; %.2f CPU s, %.0f records per CPU second",
                        name,
                        run.seconds,
                        run.rebuildSeconds,
                        run.compareSeconds,
                        run.recordsPerSecond,
                        run.cpuSeconds,
                        run.cpuSeconds > 0 ? Double(run.records) / run.cpuSeconds : 0
                    )
                )
            }
            printLine(String(format: "  parallel / 1 thread: %.2fx (goal: 200000 records/s)", medians[0].run.seconds / medians[1].run.seconds))
            printLine(
                "  apply CPU s by index (parallel): "
                    + medians[1].run.report.rebuildCPUSeconds.sorted { $0.value > $1.value }.map { String(format: "%@ %.2f", $0.key, $0.value) }
                    .joined(separator: ", ")
            )
            printLine("  records by kind: " + kinds.byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
    }

    /// One verify of the log in `directory`, as `stepline verify` runs it, timed by phase.
    func measure(directory: String, threads: Int?) async throws -> VerifyRun {
        let clock = ContinuousClock()
        let log = try EventLog(directory: directory, indexes: Stepline.indexes)
        var phaseStart = clock.now
        var rebuildSeconds = 0.0
        var lastPhase = VerifyProgress.Phase.rebuilding
        let cpuBefore = Self.cpuSeconds()
        let started = clock.now
        let report = try log.verify(threads: threads) { progress in
            if progress.phase != lastPhase {
                rebuildSeconds = (clock.now - phaseStart).seconds
                phaseStart = clock.now
                lastPhase = progress.phase
            }
        }
        let total = (clock.now - started).seconds
        let cpu = Self.cpuSeconds() - cpuBefore
        await log.close()
        guard report.isClean else {
            printError("stepline bench verify: verify found a difference: \(report.firstDifference.map { "\($0)" } ?? "")")
            throw ExitCode(1)
        }
        return VerifyRun(report: report, seconds: total, rebuildSeconds: rebuildSeconds, cpuSeconds: cpu)
    }

    /// User and system CPU time of this process so far (`getrusage`): on a shared
    /// machine the wall time depends on the neighbours, the CPU time much less.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// One verify's report with the wall and CPU seconds it took.
    struct VerifyRun {
        var report: VerifyReport
        var seconds: Double
        var rebuildSeconds: Double
        var cpuSeconds: Double
        var compareSeconds: Double { seconds - rebuildSeconds }
        var records: Int { report.recordsReplayed }
        var recordsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
    }
}
