import EventLog
import Foundation

/// The workloads of `stepline bench log`, each run through the event log and,
/// where C has an equivalent, through the C reference.
struct LogBenchmark {
    let root: String
    let reference: CReference
    let progress: (String) -> Void

    /// The result of one append cell and where its logs are (kept when asked).
    struct AppendCell {
        let row: [String: Any]
        let cDirectory: String
        let oursDirectory: String
    }

    private func freshDirectory(_ name: String) throws -> String {
        let path = (root as NSString).appendingPathComponent(name)
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func openLog(_ directory: String) throws -> EventLog {
        var configuration = EventLog.Configuration()
        configuration.mapSize = 16 << 30  // as the C reference, so neither side grows its map
        configuration.durability = .durable
        return try EventLog(directory: directory, configuration: configuration)
    }

    /// Records of `recordSize` bytes on disk (28-byte header + payload), not in any stream.
    private func records(count: Int, recordSize: Int) -> [Record] {
        let payload = [UInt8](repeating: 0x5a, count: max(0, recordSize - 28))
        return (0..<count).map { Record(kind: RecordKind(1), timestamp: Int64($0), stream: .none, payload: payload) }
    }

    /// Durable appends of `count` records, `batch` per commit, in C and through the log.
    func appendCell(recordSize: Int, batch: Int, count: Int, keep: Bool) async throws -> AppendCell {
        progress("appends: \(recordSize) B records, \(batch) per commit, \(count) records")
        let cDirectory = try freshDirectory("c-\(recordSize)-\(batch)")
        let c = try reference.measure(["write", cDirectory, "\(recordSize)", "\(batch)", "\(count)", "durable"])
        let oursDirectory = try freshDirectory("ours-\(recordSize)-\(batch)")
        let log = try openLog(oursDirectory)
        let group = records(count: batch, recordSize: recordSize)
        let clock = ContinuousClock()
        let start = clock.now
        var appended = 0
        var commits = 0
        while appended < count {
            let take = min(batch, count - appended)
            try await log.append(take == batch ? group : Array(group.prefix(take)))
            appended += take
            commits += 1
        }
        let seconds = (clock.now - start).seconds
        await log.close()
        if !keep {
            try? FileManager.default.removeItem(atPath: cDirectory)
            try? FileManager.default.removeItem(atPath: oursDirectory)
        }
        let cRate = Double(c["rec_s"] ?? "") ?? 0
        let oursRate = Double(count) / seconds
        return AppendCell(
            row: [
                "recordBytes": recordSize,
                "perCommit": batch,
                "records": count,
                "cRecordsPerSecond": cRate.rounded(),
                "oursRecordsPerSecond": oursRate.rounded(),
                "ratio": cRate > 0 ? oursRate / cRate : 0,
                "cCommitsPerSecond": Double(c["commits_s"] ?? "") ?? 0,
                "oursCommitsPerSecond": (Double(commits) / seconds).rounded(),
            ],
            cDirectory: cDirectory,
            oursDirectory: oursDirectory
        )
    }

    /// Acknowledgement latency: `submitters` tasks each appending one 256 B record
    /// at a time until `count` were acknowledged; the writer groups them.
    func latencyCell(submitters: Int, count: Int) async throws -> [String: Any] {
        progress("ack latency: \(submitters) submitters, \(count) single-record appends")
        let directory = try freshDirectory("ours-latency")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try openLog(directory)
        let single = records(count: 1, recordSize: 256)
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for submitter in 0..<submitters {
                // Split the records evenly; the first submitters take the remainder.
                let share = count / submitters + (submitter < count % submitters ? 1 : 0)
                group.addTask {
                    var mine: [Duration] = []
                    mine.reserveCapacity(share)
                    for _ in 0..<share {
                        let submitted = clock.now
                        try await log.append(single)
                        mine.append(clock.now - submitted)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [Duration]()) { $0 += $1 }
        }.sorted()
        let seconds = (clock.now - start).seconds
        await log.close()
        let c = try reference.measure(["write", try freshDirectory("c-latency"), "256", "1", "500", "durable"])
        let cCommitsPerSecond = Double(c["commits_s"] ?? "") ?? 0
        func percentile(_ fraction: Double) -> Double {
            latencies[min(latencies.count - 1, Int(Double(latencies.count) * fraction))].milliseconds
        }
        return [
            "submitters": submitters,
            "records": latencies.count,
            "p50Milliseconds": percentile(0.50),
            "p99Milliseconds": percentile(0.99),
            "recordsPerSecond": (Double(latencies.count) / seconds).rounded(),
            "cSingleCommitMilliseconds": cCommitsPerSecond > 0 ? 1_000 / cCommitsPerSecond : 0,
        ]
    }

    /// A full scan of the log written by the 256 B / 1000-per-commit cell: the C
    /// cursor scan (touching every value word) against ours (decoding every header
    /// and touching every payload word). Each is run twice, opening the log
    /// afresh like a new process; the second, from a warm page cache, counts.
    func scanCell(cDirectory: String, oursDirectory: String) async throws -> [String: Any] {
        progress("replay scan")
        _ = try reference.measure(["scan", cDirectory])
        let c = try reference.measure(["scan", cDirectory])
        var best = (records: 0, seconds: Double.infinity, checksum: UInt64(0))
        for _ in 0..<2 {
            // A fresh open each time, like each run of the C program: the map's
            // pages are in the page cache but not yet mapped into this process.
            let log = try openLog(oursDirectory)
            var checksum: UInt64 = 0
            let clock = ContinuousClock()
            let start = clock.now
            let visited = try log.scan { sequence, header, payload in
                checksum &+= sequence.rawValue &+ UInt64(header.kind.rawValue)
                var offset = 0
                while offset + 8 <= payload.byteCount {
                    checksum &+= payload.unsafeLoadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    offset += 8
                }
            }
            best = (visited, (clock.now - start).seconds, checksum)
            await log.close()
        }
        try? FileManager.default.removeItem(atPath: cDirectory)
        try? FileManager.default.removeItem(atPath: oursDirectory)
        let cRate = Double(c["rec_s"] ?? "") ?? 0
        let oursRate = Double(best.records) / best.seconds
        return [
            "records": best.records,
            "cRecordsPerSecond": cRate.rounded(),
            "oursRecordsPerSecond": oursRate.rounded(),
            "ratio": cRate > 0 ? oursRate / cRate : 0,
        ]
    }

    /// Peak and anonymous memory while appending `count` 256 B records, 1000 per commit.
    func memoryCell(count: Int) async throws -> [String: Any] {
        progress("memory: appending \(count) records")
        let directory = try freshDirectory("ours-memory")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try openLog(directory)
        let group = records(count: 1_000, recordSize: 256)
        var samples: [[String: Any]] = [["records": 0, "rssAnonKiB": ProcessMemory.current.anonymousKiB]]
        var appended = 0
        let step = max(1_000, count / 10)
        while appended < count {
            let take = min(group.count, count - appended)
            try await log.append(take == group.count ? group : Array(group.prefix(take)))
            appended += take
            if appended % step < take || appended == count {
                samples.append(["records": appended, "rssAnonKiB": ProcessMemory.current.anonymousKiB])
            }
        }
        await log.close()
        let cDirectory = try freshDirectory("c-memory")
        defer { try? FileManager.default.removeItem(atPath: cDirectory) }
        _ = try reference.measure(["write", cDirectory, "256", "1000", "\(count)", "durable"])
        let memory = ProcessMemory.current
        return [
            "records": count,
            "samples": samples,
            "oursPeakRssKiB": memory.peakKiB,
            "cPeakRssKiB": ProcessMemory.childrenPeakKiB,
        ]
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1_000 }
}
