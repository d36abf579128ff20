import Foundation
import JSON

/// A readable timeline of Step Functions history events, one line each:
/// time since the first event, id, type, state name and the event's data.
///
/// It reads the events in the shape `GetExecutionHistory` returns, so `stepline run`
/// (embedded) and `stepline history` (over HTTP) print the same thing:
///
/// ```
///   +0.000s    1  ExecutionStarted          input {"x":1}
///   +0.000s    2  PassStateEntered  Greet   input {"x":1}
/// ```
struct HistoryTimeline {
    /// The longest data excerpt shown per line; the rest is elided with `…`.
    var maximumDataLength = 100

    /// Times are counted from the earliest event, so a history read newest first
    /// (`--reverse`) shows the same elapsed times, in reverse.
    func render(_ events: [JSONValue]) -> String {
        let first = events.compactMap { Self.seconds($0["timestamp"]) }.min() ?? 0
        let typeWidth = events.map { ($0["type"]?.stringValue ?? "").count }.max() ?? 0
        let nameWidth = events.map { (Self.stateName($0) ?? "").count }.max() ?? 0
        return events.map { event in
            let elapsed = (Self.seconds(event["timestamp"]) ?? first) - first
            let id = String(event["id"]?.integerValue ?? 0)
            var line = "  +" + Self.format(elapsed) + "s " + String(repeating: " ", count: max(0, 4 - id.count)) + id + "  "
            line += Self.pad(event["type"]?.stringValue ?? "?", typeWidth)
            if nameWidth > 0 { line += "  " + Self.pad(Self.stateName(event) ?? "", nameWidth) }
            let data = summary(event)
            if !data.isEmpty { line += "  " + data }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// The interesting members of the event's details: input, output, error and cause.
    func summary(_ event: JSONValue) -> String {
        guard let details = Self.details(event) else { return "" }
        var parts: [String] = []
        for key in ["input", "parameters", "output", "error", "cause"] {
            if let value = details[key]?.stringValue { parts.append("\(key) \(excerpt(value))") }
        }
        if let length = details["length"]?.integerValue { parts.append("items \(length)") }
        if let index = details["index"]?.integerValue { parts.append("index \(index)") }
        return parts.joined(separator: "  ")
    }

    private func excerpt(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count <= maximumDataLength ? flat : String(flat.prefix(maximumDataLength)) + "…"
    }

    static func details(_ event: JSONValue) -> JSONObject? {
        guard case .object(let object) = event else { return nil }
        for (key, value) in object.entries where key.hasSuffix("EventDetails") { return value.objectValue }
        return nil
    }

    static func stateName(_ event: JSONValue) -> String? {
        guard let type = event["type"]?.stringValue, type.hasSuffix("StateEntered") || type.hasSuffix("StateExited") else {
            return nil
        }
        return details(event)?["name"]?.stringValue
    }

    static func seconds(_ value: JSONValue?) -> Double? {
        switch value {
        case .integer(let seconds): Double(seconds)
        case .double(let seconds): seconds
        default: nil
        }
    }

    /// Seconds with three decimals; a negative time (an event stamped before the
    /// earliest, which no history has) gets a minus sign rather than a crash.
    static func format(_ seconds: Double) -> String {
        let milliseconds = Int((seconds * 1000).rounded())
        let sign = milliseconds < 0 ? "-" : ""
        let fraction = String(milliseconds.magnitude % 1000)
        return sign + "\(milliseconds.magnitude / 1000)." + String(repeating: "0", count: max(0, 3 - fraction.count)) + fraction
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
