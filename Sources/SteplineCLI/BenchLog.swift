import ArgumentParser
import EventLog
import Foundation

/// `stepline bench log`: the log against LMDB driven directly from C, in one invocation.
struct BenchLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Benchmark the event log against the C reference (shared/bench/lmdb_append.c).",
        discussion: """
            Compiles the C reference with `cc -O2` and pkg-config's lmdb flags into a temporary \
            directory, then runs the same workloads through both and prints figures and ratios \
            (ours / C): durable appends of 256 B and 1 KiB records (on disk: our 28-byte header \
            plus payload) at 1, 100 and 1000 records per commit, and the same at 1000 without \
            fsync (the CPU cost); acknowledgement latency with many \
            concurrent submitters; a full replay scan with decoding against the C cursor scan; and \
            peak memory while appending --memory-records records. Needs a C compiler and \
            liblmdb-dev. Exit codes: 0 after printing; 1 if the reference cannot be found, built or \
            run; 64 for invalid options.
            """
    )

    @Option(help: "Path of lmdb_append.c (default: ../shared/bench/lmdb_append.c from the repository root).")
    var reference: String?

    @Option(help: "Records per cell at 100 and 1000 records per commit.")
    var records = 100_000

    @Option(help: "Records per cell at 1 record per commit (each is one fsync).")
    var singleRecords = 500

    @Option(help: "Runs of each append cell, alternating C and ours; the medians are reported.")
    var repeats = 3

    @Option(help: "Concurrent submitters for the latency run.")
    var submitters = 64

    @Option(help: "Records appended in the latency run.")
    var latencyRecords = 10_000

    @Option(help: "Records of 256 B in the log that the replay scan reads.")
    var scanRecords = 1_000_000

    @Option(help: "Records appended while measuring memory (the issue's case is 10000000).")
    var memoryRecords = 1_000_000

    @OptionGroup var scratch: ScratchDirectoryOptions

    @Flag(help: "Print the figures as one JSON object.")
    var json = false

    func validate() throws {
        guard records > 0, singleRecords > 0, repeats > 0, scanRecords > 0, submitters > 0, latencyRecords > 0, memoryRecords > 0 else {
            throw ValidationError("record counts and --submitters must be positive")
        }
    }

    func run() async throws {
        let scratchRoot = try scratch.create(benchmark: "log")
        defer { scratch.remove(scratchRoot) }
        let referenceProgram: CReference
        do {
            referenceProgram = try CReference.build(source: try CReference.locateSource(reference), into: scratchRoot)
        } catch {
            printError("stepline bench log: \(error)")
            throw ExitCode(1)
        }
        let bench = LogBenchmark(root: scratchRoot, reference: referenceProgram, progress: { printError("bench: \($0)") })
        var report: [String: Any] = [:]

        var appendRows: [[String: Any]] = []
        for size in [256, 1_024] {
            for batch in [1, 100, 1_000] {
                let count = batch == 1 ? singleRecords : records
                let row = try await bench.appendCell(
                    recordSize: size,
                    batch: batch,
                    count: count,
                    durable: true,
                    repeats: repeats
                )
                appendRows.append(row)
            }
        }
        // The same at 1000 per commit without fsync: what each side costs in CPU.
        for size in [256, 1_024] {
            let row = try await bench.appendCell(
                recordSize: size,
                batch: 1_000,
                count: records,
                durable: false,
                repeats: repeats
            )
            appendRows.append(row)
        }
        report["appends"] = appendRows
        let latency = try await bench.latencyCell(submitters: submitters, count: latencyRecords)
        report["ackLatency"] = latency
        report["replay"] = try await bench.scanCell(records: scanRecords, repeats: max(repeats, 5))
        report["memory"] = try await bench.memoryCell(count: memoryRecords)

        if json {
            printLine(jsonText(report))
        } else {
            printLine(BenchReportText(report: report).text)
        }
    }
}
