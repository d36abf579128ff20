import Foundation

/// The human-readable table of `stepline bench log`.
struct BenchReportText {
    let report: [String: Any]

    var text: String {
        var lines: [String] = []
        func format(_ value: Any?, _ decimals: Int = 0) -> String {
            guard let number = value as? Double else { return "\(value ?? "-")" }
            return String(format: "%.\(decimals)f", number)
        }
        lines.append("Appends (MDB_APPEND; durable = fsync per commit); medians of alternating runs; ratio = ours / C")
        lines.append(
            "mode     record  per-commit  records      C rec/s   ours rec/s  ratio   C commits/s  ours commits/s"
        )
        for row in report["appends"] as? [[String: Any]] ?? [] {
            lines.append(
                [
                    "\(row["mode"] ?? "")".padding(8),
                    "\(row["recordBytes"] ?? "") B".padding(7),
                    "\(row["perCommit"] ?? "")".padding(11),
                    "\(row["records"] ?? "")".padding(11),
                    format(row["cRecordsPerSecond"]).padding(12),
                    format(row["oursRecordsPerSecond"]).padding(11),
                    format(row["ratio"], 2).padding(7),
                    format(row["cCommitsPerSecond"]).padding(12),
                    format(row["oursCommitsPerSecond"]),
                ].joined(separator: " ")
            )
        }
        if let latency = report["ackLatency"] as? [String: Any] {
            lines.append("")
            lines.append(
                "Ack latency, \(latency["submitters"] ?? "") concurrent submitters of single 256 B records "
                    + "(\(latency["records"] ?? "") records): p50 \(format(latency["p50Milliseconds"], 2)) ms, "
                    + "p99 \(format(latency["p99Milliseconds"], 2)) ms, \(format(latency["recordsPerSecond"])) rec/s "
                    + "(C: one durable commit takes \(format(latency["cSingleCommitMilliseconds"], 2)) ms)"
            )
        }
        if let replay = report["replay"] as? [String: Any] {
            lines.append("")
            lines.append(
                "Replay scan with decoding, \(replay["records"] ?? "") records of 256 B, medians of \(replay["runs"] ?? "") runs: C \(format(replay["cRecordsPerSecond"])) rec/s, "
                    + "ours \(format(replay["oursRecordsPerSecond"])) rec/s, ratio \(format(replay["ratio"], 2))"
            )
        }
        if let memory = report["memory"] as? [String: Any] {
            lines.append("")
            let samples = (memory["samples"] as? [[String: Any]] ?? [])
                .map { "\($0["records"] ?? ""): \($0["rssAnonKiB"] ?? "") KiB" }
                .joined(separator: ", ")
            lines.append("Memory while appending \(memory["records"] ?? "") records of 256 B, 1000 per commit:")
            lines.append("  anonymous RSS by records appended: \(samples)")
            lines.append(
                "  peak RSS of the whole benchmark process, mapped log pages included: \(memory["oursPeakRssKiB"] ?? "") KiB"
            )
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
