/// A compiled JSONata regular expression (`/pattern/flags`).
///
/// Uses the standard library's `Regex`, whose syntax covers the JavaScript
/// features JSONata users write (classes, groups, anchors, quantifiers,
/// escapes). Immutable once built, so it is shared freely.
final class JSONataRegex: Sendable {
    let pattern: String
    let flags: String
    nonisolated(unsafe) private let regex: Regex<AnyRegexOutput>

    init(pattern: String, flags: String, position: Int) throws(JSONataError) {
        self.pattern = pattern
        self.flags = flags
        do {
            var regex = try Regex(pattern)
            if flags.contains("i") { regex = regex.ignoresCase() }
            if flags.contains("m") { regex = regex.anchorsMatchLineEndings() }
            self.regex = regex
        } catch {
            throw JSONataError("S0303", "Invalid regular expression: /\(pattern)/", position: position)
        }
    }

    /// One match, as `$match` reports it.
    struct Match {
        var text: String
        var offset: Int
        var groups: [String]
        var range: Range<String.Index>

        var object: JSONataValue {
            var object = JSONataObject()
            object["match"] = .string(text)
            object["index"] = .number(Double(offset))
            object["groups"] = .plainArray(groups.map { .string($0) })
            return .object(object)
        }
    }

    /// Every non-overlapping match, in order; empty matches advance by one character.
    func matches(in text: String) -> [Match] {
        var found: [Match] = []
        for match in text.matches(of: regex) {
            let range = match.range
            var groups: [String] = []
            for index in 1..<max(1, match.output.count) {
                groups.append(match.output[index].substring.map(String.init) ?? "")
            }
            found.append(
                Match(
                    text: String(text[range]),
                    offset: text.distance(from: text.startIndex, to: range.lowerBound),
                    groups: groups,
                    range: range
                )
            )
        }
        return found
    }
}
