/// How deep JSON text nests, measured on the bytes without parsing them.
///
/// Why it exists: a value that parses (at most ``JSONParser/maximumDepth``
/// levels) can still produce a record that does not, because the record wraps
/// it in a few more levels (an execution's input sits in the row, in the
/// `ExecutionStarted` event, in the events array). Such a record would fail
/// when its index parses it, inside the group commit, and take the other
/// appends of the group with it. Measuring the encoded record before it is
/// queued lets it fail alone, with an error that says why.
public enum JSONNesting {
    /// The deepest nesting of arrays and objects in `bytes`, one or more JSON
    /// texts one after another (0 for scalars). Brackets inside strings do not count.
    ///
    /// Generic for its callers' convenience (an array slice, a string's UTF-8), but
    /// the scan runs on contiguous bytes: called across modules, the generic loop
    /// was not specialized and stepped through the collection by witness calls, a
    /// tenth of the engine's CPU time (it measures every execution step's record).
    public static func depth(of bytes: some Collection<UInt8>) -> Int {
        if let depth = bytes.withContiguousStorageIfAvailable({ depth(in: $0) }) { return depth }
        return Array(bytes).withUnsafeBufferPointer { depth(in: $0) }
    }

    /// ``depth(of:)`` of contiguous bytes.
    public static func depth(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                continue
            }
        }
        return deepest
    }

    /// Whether JSON text this deep can be parsed back by the log's readers.
    public static func isReadable(depth: Int) -> Bool { depth <= JSONParser.maximumDepth }
}
