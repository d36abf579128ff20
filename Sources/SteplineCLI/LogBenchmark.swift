import EventLog
import Foundation

/// The workloads of `stepline bench log`, each run through the event log and,
/// where C has an equivalent, through the C reference.
struct LogBenchmark {
    let root: String
    let reference: CReference
    let progress: (String) -> Void

    private func freshDirectory(_ name: String) throws -> String {
        let path = (root as NSString).appendingPathComponent(name)
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func openLog(_ directory: String, durable: Bool = true) throws -> EventLog {
        var configuration = EventLog.Configuration()
        configuration.mapSize = 16 << 30  // as the C reference, so neither side grows its map
        configuration.durability = durable ? .durable : .unsafeNoSync
        return try EventLog(directory: directory, configuration: configuration)
    }

    /// Records of `recordSize` bytes on disk (28-byte header + payload), not in any stream.
    private func records(count: Int, recordSize: Int) -> [Record] {
        let payload = [UInt8](repeating: 0x5a, count: max(0, recordSize - 28))
        return (0..<count).map { Record(kind: RecordKind(1), timestamp: Int64($0), stream: .none, payload: payload) }
    }

    /// Appends of `count` records, `batch` per commit, in C and through the log,
    /// `repeats` times alternating the two (a shared disk's fsync rate drifts);
    /// the medians count. `durable` flushes every commit; otherwise both skip
    /// the flush (`MDB_NOSYNC`), which shows the CPU cost of each side.
    func appendCell(
        recordSize: Int,
        batch: Int,
        count: Int,
        durable: Bool,
        repeats: Int
    ) async throws -> [String: Any] {
        let mode = durable ? "durable" : "nosync"
        progress("appends: \(recordSize) B records, \(batch) per commit, \(count) records, \(mode), \(repeats) runs")
        let cDirectory = try freshDirectory("c-\(recordSize)-\(batch)-\(mode)")
        let oursDirectory = try freshDirectory("ours-\(recordSize)-\(batch)-\(mode)")
        let group = records(count: batch, recordSize: recordSize)
        var cRates: [Double] = []
        var oursRates: [Double] = []
        for _ in 0..<repeats {
            let c = try reference.measure(["write", cDirectory, "\(recordSize)", "\(batch)", "\(count)", mode])
            cRates.append(Double(c["rec_s"] ?? "") ?? 0)
            try? FileManager.default.removeItem(atPath: oursDirectory)
            try FileManager.default.createDirectory(atPath: oursDirectory, withIntermediateDirectories: true)
            let log = try openLog(oursDirectory, durable: durable)
            let clock = ContinuousClock()
            let start = clock.now
            var appended = 0
            while appended < count {
                let take = min(batch, count - appended)
                try await log.append(take == batch ? group : Array(group.prefix(take)))
                appended += take
            }
            oursRates.append(Double(count) / (clock.now - start).seconds)
            await log.close()
        }
        try? FileManager.default.removeItem(atPath: cDirectory)
        try? FileManager.default.removeItem(atPath: oursDirectory)
        let cRate = cRates.sorted()[cRates.count / 2]
        let oursRate = oursRates.sorted()[oursRates.count / 2]
        let commitsPerRecord = 1 / Double(batch)
        return [
            "mode": mode,
            "recordBytes": recordSize,
            "perCommit": batch,
            "records": count,
            "runs": repeats,
            "cRecordsPerSecond": cRate.rounded(),
            "oursRecordsPerSecond": oursRate.rounded(),
            "ratio": cRate > 0 ? oursRate / cRate : 0,
            "cCommitsPerSecond": (cRate * commitsPerRecord).rounded(),
            "oursCommitsPerSecond": (oursRate * commitsPerRecord).rounded(),
        ]
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

    /// A full scan of a log of `records` 256 B records, written (untimed) by each
    /// side without fsync: the C cursor scan (touching every value word) against
    /// ours (decoding every header and touching every payload word). Each run
    /// maps the file afresh (C is a new process; ours reopens the log) from a
    /// warm page cache; runs alternate and the medians count.
    func scanCell(records count: Int, repeats: Int) async throws -> [String: Any] {
        progress("replay scan: \(count) records, \(repeats) runs")
        let cDirectory = try freshDirectory("c-scan")
        let oursDirectory = try freshDirectory("ours-scan")
        defer {
            try? FileManager.default.removeItem(atPath: cDirectory)
            try? FileManager.default.removeItem(atPath: oursDirectory)
        }
        _ = try reference.measure(["write", cDirectory, "256", "1000", "\(count)", "nosync"])
        let writer = try openLog(oursDirectory, durable: false)
        let group = records(count: 1_000, recordSize: 256)
        var appended = 0
        while appended < count {
            let take = min(group.count, count - appended)
            try await writer.append(take == group.count ? group : Array(group.prefix(take)))
            appended += take
        }
        await writer.close()
        var cRates: [Double] = []
        var oursRates: [Double] = []
        var visitedRecords = 0
        for _ in 0..<repeats {
            let c = try reference.measure(["scan", cDirectory])
            cRates.append(Double(c["rec_s"] ?? "") ?? 0)
            let log = try openLog(oursDirectory, durable: false)
            var checksum: UInt64 = 0
            let clock = ContinuousClock()
            let start = clock.now
            visitedRecords = try log.scan { sequence, header, payload in
                checksum &+= sequence.rawValue &+ UInt64(header.kind.rawValue)
                var offset = 0
                while offset + 8 <= payload.byteCount {
                    checksum &+= payload.unsafeLoadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    offset += 8
                }
            }
            oursRates.append(Double(visitedRecords) / (clock.now - start).seconds)
            await log.close()
            // Keeps the checksum alive so the payload reads are not optimised away.
            if checksum == 42 { progress("checksum \(checksum)") }
        }
        let cRate = cRates.sorted()[cRates.count / 2]
        let oursRate = oursRates.sorted()[oursRates.count / 2]
        return [
            "records": visitedRecords,
            "runs": repeats,
            "cRecordsPerSecond": cRate.rounded(),
            "oursRecordsPerSecond": oursRate.rounded(),
            "ratio": cRate > 0 ? oursRate / cRate : 0,
        ]
    }

    /// Anonymous memory while appending `count` 256 B records, 1000 per commit,
    /// and this process's peak resident set. (No C figure: Linux reports an
    /// exec'd child's peak as at least its parent's, so it would be ours.)
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
        return ["records": count, "samples": samples, "oursPeakRssKiB": ProcessMemory.current.peakKiB]
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1_000 }
}
