import JSON

/// A compiled JSONata regular expression (`/pattern/flags`), with the JavaScript syntax
/// JSONata users write, matched by ``BoundedRegex`` (a backtracking search with a step
/// budget, so a catastrophic pattern such as `/^(a+)+$/` fails with `U1001` instead of
/// holding a server thread). Immutable once built, so it is shared freely.
final class JSONataRegex: Sendable {
    let pattern: String
    let flags: String
    private let regex: BoundedRegex

    init(pattern: String, flags: String, position: Int) throws(JSONataError) {
        self.pattern = pattern
        self.flags = flags
        do {
            regex = try BoundedRegex(pattern: pattern, flags: flags)
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

    /// The first match, or `nil`.
    func firstMatch(in text: String) throws(JSONataError) -> Match? {
        try matches(in: text, limit: 1).first
    }

    /// Every non-overlapping match, in order, up to `limit`.
    ///
    /// - Throws: `D1004` when the pattern matches an empty string before the
    ///   end of the text (the search would never advance, as in jsonata-js),
    ///   `U1001` when the step budget runs out.
    func matches(in text: String, limit: Int = Int.max) throws(JSONataError) -> [Match] {
        let characters = Array(text)
        var indices = Array(text.indices)
        indices.append(text.endIndex)
        do {
            return try regex.matches(in: characters, limit: limit).map { match in
                Match(
                    text: String(characters[match.from..<match.to]),
                    offset: match.from,
                    groups: match.groups,
                    range: indices[match.from]..<indices[match.to]
                )
            }
        } catch .emptyMatch {
            throw JSONataError("D1004", "Regular expression matches zero length string")
        } catch {
            throw JSONataError("U1001", "Regular expression /\(pattern)/ needs too many steps: check for nested quantifiers")
        }
    }
}
