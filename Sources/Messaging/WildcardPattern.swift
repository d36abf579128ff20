/// A `wildcard` pattern: `*` matches any run of characters, `\*` and `\\` are a
/// literal star and backslash.
///
/// Matching works on UTF-8 bytes, the way event-ruler's byte machine does. The
/// segments between stars are matched greedily left to right, which is exact for
/// patterns whose only wildcard is `*`.
struct WildcardPattern: Hashable, Sendable {
    /// The literal runs between stars; a pattern `a*b` has `["a", "b"]`, `*a` has `["", "a"]`.
    let segments: [[UInt8]]

    /// AWS refuses a field whose wildcard patterns can keep more than this many
    /// partial matches alive at once ("Rule is too complex").
    static let complexityLimit = 10

    /// Parses pattern text, refusing what event-ruler refuses. Positions in the
    /// messages count the opening quote event-ruler adds, so they are one more
    /// than the byte offset in the text, as AWS reports them.
    init(parsing text: String) throws(EventBridgeError) {
        let bytes = Array(text.utf8)
        var segments: [[UInt8]] = [[]]
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "*") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                    throw .invalidPattern("Consecutive wildcard characters at pos \(index + 1)")
                }
                segments.append([])
            } else if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") || bytes[index + 1] == UInt8(ascii: "\\") else {
                    throw .invalidPattern("Invalid escape character at pos \(index + 1)")
                }
                segments[segments.count - 1].append(bytes[index + 1])
                index += 1
            } else {
                segments[segments.count - 1].append(byte)
            }
            index += 1
        }
        self.segments = segments
    }

    /// Whether `text` matches the whole pattern.
    func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches(bytes: $0) }
    }

    func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard segments.count > 1 else { return bytes.elementsEqual(segments[0]) }
        let first = segments[0]
        let last = segments[segments.count - 1]
        guard bytes.count >= first.count + last.count, bytes.starts(with: first) else { return false }
        var cursor = first.count
        let end = bytes.count - last.count
        for segment in segments[1..<segments.count - 1] where !segment.isEmpty {
            guard let found = Self.find(segment, in: bytes, from: cursor, before: end) else { return false }
            cursor = found + segment.count
        }
        return bytes[end...].elementsEqual(last)
    }

    private static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from start: Int, before end: Int) -> Int? {
        guard end - start >= needle.count else { return nil }
        var index = start
        while index + needle.count <= end {
            if haystack[index] == needle[0] {
                var offset = 1
                while offset < needle.count, haystack[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }

    /// The most partial matches one input can keep alive at once across these
    /// patterns, counted on the byte automaton of each pattern (its quotes
    /// included, as event-ruler builds it). Repeated separators after stars
    /// (`*:*:*:`) make it grow; a wide literal prefix does not.
    static func complexity(of patterns: [WildcardPattern]) -> Int {
        patterns.reduce(0) { $0 + $1.automatonWidth(limit: complexityLimit + 1) }
    }

    /// The largest set of simultaneously active automaton states, explored up to `limit`.
    private func automatonWidth(limit: Int) -> Int {
        // Tokens: the quote, the pattern's bytes and stars (-1), the closing quote.
        var tokens: [Int] = [Int(UInt8(ascii: "\""))]
        for (index, segment) in segments.enumerated() {
            if index > 0 { tokens.append(-1) }
            tokens.append(contentsOf: segment.map(Int.init))
        }
        tokens.append(Int(UInt8(ascii: "\"")))
        let count = tokens.count
        func closure(_ states: Set<Int>) -> Set<Int> {
            var result = states
            var pending = Array(states)
            while let state = pending.popLast() {
                if state < count, tokens[state] == -1, result.insert(state + 1).inserted { pending.append(state + 1) }
            }
            return result
        }
        let alphabet = Set(tokens.filter { $0 >= 0 }).union([256])
        let start = closure([0])
        var seen: Set<Set<Int>> = [start]
        var pending = [start]
        var widest = start.count
        while let states = pending.popLast(), seen.count < 4096 {
            for byte in alphabet {
                var next = Set<Int>()
                for state in states where state < count {
                    if tokens[state] == -1 { next.insert(state) } else if tokens[state] == byte { next.insert(state + 1) }
                }
                next = closure(next)
                guard !next.isEmpty, seen.insert(next).inserted else { continue }
                widest = max(widest, next.count)
                if widest >= limit { return widest }
                pending.append(next)
            }
        }
        return widest
    }
}
