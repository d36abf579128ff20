import Foundation
import JSON

/// How the CLI prints a `DescribeExecution` answer for people.
enum ExecutionText {
    static func print(_ execution: JSONValue, brief: Bool = false) {
        var rows: [(String, String)] = []
        if !brief {
            rows.append(("execution", execution["executionArn"]?.stringValue ?? ""))
            rows.append(("state machine", execution["stateMachineArn"]?.stringValue ?? ""))
        }
        rows.append(("status", execution["status"]?.stringValue ?? ""))
        if !brief {
            if let started = date(execution["startDate"]) { rows.append(("started", started)) }
            if let stopped = date(execution["stopDate"]) { rows.append(("stopped", stopped)) }
            if let input = execution["input"]?.stringValue { rows.append(("input", input)) }
        }
        for key in ["output", "error", "cause"] {
            if let value = execution[key]?.stringValue { rows.append((key, value)) }
        }
        if let count = execution["redriveCount"]?.integerValue, count > 0 { rows.append(("redriven", "\(count) times")) }
        let width = rows.map(\.0.count).max() ?? 0
        for (label, value) in rows {
            printLine(label + String(repeating: " ", count: width - label.count) + "  " + value)
        }
    }

    /// An epoch-seconds timestamp as ISO 8601 UTC with milliseconds.
    static func date(_ value: JSONValue?) -> String? {
        guard let seconds = HistoryTimeline.seconds(value) else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }
}
