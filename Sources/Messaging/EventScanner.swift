import JSON

/// Reads an event's JSON bytes once and reports the leaves of the fields some rule
/// looks at, skipping everything else without decoding it.
///
/// It is a matcher's fast path: no ``JSON/JSONValue`` tree is built, and a skipped
/// value costs only a scan for its end. It checks structure as it goes and
/// reports `false` for text that is not JSON where it notices (it does not
/// validate skipped numbers and literals letter by letter).
struct EventScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let paths: PathTrie
    private var position = 0
    private var steps = ArraySteps()
    private var nextArray: Int32 = 0
    private var keyBuffer: [UInt8] = []
    /// The known keys read so far in each open object: the node reached and the
    /// leaves its value produced, so that a repeated key can replace them.
    private var seenKeys: [(node: Int32, firstLeaf: Int, endLeaf: Int)] = []
    /// Set when an array holds an object or array: leaves may then come from different elements.
    private(set) var hasObjectArrays = false

    init(bytes: UnsafeBufferPointer<UInt8>, paths: PathTrie) {
        self.bytes = bytes
        self.paths = paths
    }

    /// Scans the event, appending each leaf of a known field to `leaves`; returns
    /// whether the text was well formed.
    mutating func scan(into leaves: inout [ScannedLeaf]) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else { return false }
        guard scanObject(node: PathTrie.root, &leaves) else { return false }
        skipWhitespace()
        return position == bytes.count
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < bytes.count {
            let byte = bytes[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    /// At `{`; consumes through `}`.
    ///
    /// A key that appears twice keeps only its last value, as ``JSON/JSONParser``
    /// (and Jackson's tree, which event-ruler flattens) does.
    private mutating func scanObject(node: Int32, _ leaves: inout [ScannedLeaf]) -> Bool {
        let seenBase = seenKeys.count
        defer { seenKeys.removeSubrange(seenBase...) }
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return true
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return false }
            guard let (start, end, escaped) = stringBounds() else { return false }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return false }
            position += 1
            skipWhitespace()
            let child: Int32?
            if escaped {
                keyBuffer = Array(decodeString(start, end).utf8)
                child = keyBuffer.withUnsafeBufferPointer { paths.descend(from: node, key: $0) }
            } else {
                child = paths.descend(from: node, key: UnsafeBufferPointer(rebasing: bytes[start..<end]))
            }
            if let child {
                for index in seenBase..<seenKeys.count where seenKeys[index].node == child {
                    for leaf in seenKeys[index].firstLeaf..<seenKeys[index].endLeaf { leaves[leaf].field = -1 }
                }
                let firstLeaf = leaves.count
                guard scanValue(node: child, &leaves) else { return false }
                seenKeys.append((child, firstLeaf, leaves.count))
            } else {
                guard skipValue() else { return false }
            }
            guard let another = passSeparator(closing: UInt8(ascii: "}")) else { return false }
            if !another { return true }
        }
    }

    private mutating func scanValue(node: Int32, _ leaves: inout [ScannedLeaf]) -> Bool {
        guard position < bytes.count else { return false }
        let field = paths.field(node)
        switch bytes[position] {
        case UInt8(ascii: "{"):
            return paths.hasChildren(node) ? scanObject(node: node, &leaves) : skipValue()
        case UInt8(ascii: "["):
            return scanArray(node: node, &leaves)
        case UInt8(ascii: "\""):
            guard let (start, end, escaped) = stringBounds() else { return false }
            if field >= 0 {
                let text = escaped ? decodeString(start, end) : String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                leaves.append(ScannedLeaf(field: field, value: .string(text), steps: steps))
            }
            return true
        case UInt8(ascii: "t"):
            guard literal("true") else { return false }
            if field >= 0 { leaves.append(ScannedLeaf(field: field, value: .bool(true), steps: steps)) }
            return true
        case UInt8(ascii: "f"):
            guard literal("false") else { return false }
            if field >= 0 { leaves.append(ScannedLeaf(field: field, value: .bool(false), steps: steps)) }
            return true
        case UInt8(ascii: "n"):
            guard literal("null") else { return false }
            if field >= 0 { leaves.append(ScannedLeaf(field: field, value: .null, steps: steps)) }
            return true
        default:
            guard let number = readNumber() else { return false }
            if field >= 0 { leaves.append(ScannedLeaf(field: field, value: .number(number), steps: steps)) }
            return true
        }
    }

    private mutating func scanArray(node: Int32, _ leaves: inout [ScannedLeaf]) -> Bool {
        position += 1
        let array = nextArray
        nextArray += 1
        let saved = steps
        defer { steps = saved }
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return true
        }
        var index: Int32 = 0
        while true {
            skipWhitespace()
            guard position < bytes.count else { return false }
            if bytes[position] == UInt8(ascii: "{") || bytes[position] == UInt8(ascii: "[") { hasObjectArrays = true }
            steps = saved.appending(array: array, index: index)
            guard scanValue(node: node, &leaves) else { return false }
            index += 1
            guard let another = passSeparator(closing: UInt8(ascii: "]")) else { return false }
            if !another { return true }
        }
    }

    /// After a member of an object or array: past a `,` gives `true` (another
    /// member follows), past `close` `false` (the container ends); `nil` at
    /// anything else.
    @inline(__always)
    private mutating func passSeparator(closing close: UInt8) -> Bool? {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ",") || bytes[position] == close else { return nil }
        position += 1
        return bytes[position - 1] == UInt8(ascii: ",")
    }

    /// At `"`: moves past the closing quote; returns the content's bounds and whether it has escapes.
    @inline(__always)
    private mutating func stringBounds() -> (Int, Int, Bool)? {
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return (start, position - 1, escaped)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 1
            }
            position += 1
        }
        return nil
    }

    /// Decodes a string with escapes through the strict parser (rare: events seldom escape).
    private func decodeString(_ start: Int, _ end: Int) -> String {
        let quoted = UnsafeBufferPointer(rebasing: bytes[(start - 1)...end])
        return (try? JSONParser.parse(bytes: quoted))?.stringValue ?? String(decoding: quoted, as: UTF8.self)
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] { return false }
        position += count
        return true
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Reads a JSON number. Up to 15 significant digits and 22 decimals, `digits / 10^k`
    /// is correctly rounded; anything longer goes through the standard library's parser.
    private mutating func readNumber() -> Double? {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        var mantissa: Int64 = 0
        var digits = 0
        var decimals = 0
        var simple = true
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            mantissa = mantissa &* 10 &+ Int64(bytes[position] &- UInt8(ascii: "0"))
            digits += 1
            position += 1
        }
        guard digits > 0 else { return nil }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                mantissa = mantissa &* 10 &+ Int64(bytes[position] &- UInt8(ascii: "0"))
                digits += 1
                decimals += 1
                position += 1
            }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            simple = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
        }
        if simple, digits <= 15, decimals <= 22 {
            let value = Double(mantissa) / Self.powersOfTen[decimals]
            return negative ? -value : value
        }
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
    }

    /// Skips one value of any kind.
    private mutating func skipValue() -> Bool {
        guard position < bytes.count else { return false }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return stringBounds() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\""):
                    guard stringBounds() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        position += 1
                        return true
                    }
                default: break
                }
                position += 1
            }
            return false
        default:
            let start = position
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09:
                    return position > start
                default: position += 1
                }
            }
            return position > start
        }
    }
}

/// The same walk over a parsed ``JSON/JSONValue``, for callers that have one.
struct EventWalker {
    let paths: PathTrie
    private var nextArray: Int32 = 0
    private(set) var hasObjectArrays = false

    init(paths: PathTrie) { self.paths = paths }

    mutating func walk(_ event: JSONValue, into leaves: inout [ScannedLeaf]) {
        if case .object(let object) = event { walk(object, node: PathTrie.root, steps: ArraySteps(), &leaves) }
    }

    private mutating func walk(_ object: JSONObject, node: Int32, steps: ArraySteps, _ leaves: inout [ScannedLeaf]) {
        for (key, value) in object.entries {
            guard let child = paths.descend(from: node, key: key) else { continue }
            walk(value, node: child, steps: steps, &leaves)
        }
    }

    private mutating func walk(_ value: JSONValue, node: Int32, steps: ArraySteps, _ leaves: inout [ScannedLeaf]) {
        let field = paths.field(node)
        switch value {
        case .object(let object): walk(object, node: node, steps: steps, &leaves)
        case .array(let elements):
            let array = nextArray
            nextArray += 1
            for (index, element) in elements.enumerated() {
                if case .object = element { hasObjectArrays = true }
                if case .array = element { hasObjectArrays = true }
                walk(element, node: node, steps: steps.appending(array: array, index: Int32(index)), &leaves)
            }
        case .string(let text): if field >= 0 { leaves.append(ScannedLeaf(field: field, value: .string(text), steps: steps)) }
        case .integer(let number): if field >= 0 { leaves.append(ScannedLeaf(field: field, value: .number(Double(number)), steps: steps)) }
        case .double(let number): if field >= 0 { leaves.append(ScannedLeaf(field: field, value: .number(number), steps: steps)) }
        case .bool(let flag): if field >= 0 { leaves.append(ScannedLeaf(field: field, value: .bool(flag), steps: steps)) }
        case .null: if field >= 0 { leaves.append(ScannedLeaf(field: field, value: .null, steps: steps)) }
        }
    }
}

/// A leaf of a field some rule tests, as a scan reports it.
struct ScannedLeaf: Sendable {
    /// -1 once a later duplicate key in the same object replaced the leaf.
    var field: Int
    let value: EventValue
    let steps: ArraySteps
}
