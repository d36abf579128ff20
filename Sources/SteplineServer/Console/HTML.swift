import Foundation
internal import JSON

/// Text that is already HTML: pages are built by appending escaped values to it, so
/// every value that came from a payload, a definition or a form is escaped exactly
/// once, where it enters.
struct HTML: Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    private(set) var text: String

    init() { text = "" }
    init(stringLiteral value: String) { text = value }
    init(raw: String) { text = raw }

    var description: String { text }

    /// The five characters that can open markup or end an attribute.
    static let entities = MarkupEntities(["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"])

    /// `value` escaped for element content and double- or single-quoted attributes.
    static func escape(_ value: String) -> String { entities.escape(value) }

    /// Appends trusted markup.
    mutating func raw(_ markup: String) { text += markup }
    /// Appends other HTML.
    mutating func append(_ html: HTML) { text += html.text }
    /// Appends `value`, escaped.
    mutating func text(_ value: String) { text += Self.escape(value) }

    /// The opening of a table with a header row of `columns` (escaped), up to its
    /// `<tbody>`: the rows and `</tbody></table>` follow.
    static func tableStart(id: String, columns: [String]) -> HTML {
        var html = HTML(raw: "<table id=\"\(escape(id))\"><thead><tr>")
        for column in columns { html.raw("<th>" + escape(column) + "</th>") }
        html.raw("</tr></thead><tbody>")
        return html
    }

    /// Appends `value`, escaped, as a muted line under what precedes it in a cell
    /// (`<div class="muted">`); `style` adds classes (`mono`, `worker`).
    mutating func note(_ value: String, style: String? = nil) {
        text += "<div class=\"muted" + (style.map { " " + Self.escape($0) } ?? "") + "\">" + Self.escape(value) + "</div>"
    }

    /// `value` percent-encoded for a query string or a path segment.
    static func queryEscape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A JSON value pretty-printed in a `<pre>`, escaped.
    static func json(_ value: JSONValue) -> HTML {
        HTML(raw: "<pre class=\"json\">" + escape(ConsoleFormat.pretty(value)) + "</pre>")
    }

    /// A form that POSTs `fields` (plus the CSRF token) to `action` with one button.
    static func postButton(
        action: String,
        label: String,
        csrf: String,
        fields: [(String, String)] = [],
        style: String = "",
        id: String? = nil
    ) -> HTML {
        var html = HTML(raw: "<form method=\"post\" class=\"inline\" action=\"\(escape(action))\">")
        html.raw(hidden("csrf", csrf))
        for (name, value) in fields { html.raw(hidden(name, value)) }
        let idAttribute = id.map { " id=\"\(escape($0))\"" } ?? ""
        html.raw("<button type=\"submit\" class=\"\(escape(style))\"\(idAttribute)>\(escape(label))</button></form>")
        return html
    }

    /// A hidden input.
    static func hidden(_ name: String, _ value: String) -> String {
        "<input type=\"hidden\" name=\"\(escape(name))\" value=\"\(escape(value))\">"
    }
}

/// How the console writes times, durations and JSON.
enum ConsoleFormat {
    /// `2026-11-25 17:03:12 UTC`.
    static func time(_ milliseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 1970)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) UTC"
    }

    /// `3d 4h`, `2h 5m`, `4m 10s`, `12s`: the two largest units, for "waiting for".
    static func duration(milliseconds: Int64) -> String {
        var rest = max(0, milliseconds / 1000)
        var parts: [String] = []
        for (size, name) in [(Int64(86_400), "d"), (3600, "h"), (60, "m"), (1, "s")] where parts.count < 2 {
            let count = rest / size
            rest %= size
            if count > 0 || !parts.isEmpty { parts.append("\(count)\(name)") }
        }
        return parts.isEmpty ? "0s" : parts.joined(separator: " ")
    }

    /// JSON with two-space indentation, keys in their order.
    static func pretty(_ value: JSONValue, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case .object(let object):
            if object.keys.isEmpty { return "{}" }
            let lines = object.entries.map { inner + JSONValue.string($0.0).serialized + ": " + pretty($0.1, indent: inner) }
            return "{\n" + lines.joined(separator: ",\n") + "\n" + indent + "}"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + pretty($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        default:
            return value.serialized
        }
    }
}
