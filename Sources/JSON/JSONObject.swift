/// A JSON object that keeps its keys in insertion order.
///
/// Step Functions serializes objects in the order their keys were written, and
/// `States.JsonToString` exposes that order, so a plain `Dictionary` would not do.
/// Lookups scan small objects linearly (most ASL payloads have a handful of keys,
/// where a scan beats hashing) and build a hash index once an object grows past
/// ``indexThreshold`` keys.
///
/// Equality ignores key order, as JSON does: `{"a":1,"b":2} == {"b":2,"a":1}`.
public struct JSONObject: Sendable {
    /// The keys in insertion order.
    public private(set) var keys: [String] = []
    /// The values, parallel to ``keys``.
    public private(set) var values: [JSONValue] = []
    /// Key positions, built once an object grows past ``indexThreshold`` keys.
    private(set) var index: [String: Int]? = nil

    /// Objects with more keys than this get a hash index for lookups.
    public static let indexThreshold = 12

    /// An empty object.
    public init() {}

    /// Creates an object from key-value pairs; a repeated key keeps its first
    /// position and its last value.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, JSONValue) {
        for (key, value) in pairs { self[key] = value }
    }

    /// Builds an object from parallel arrays read from JSON text. A repeated key
    /// keeps its first position and its last value, as Jackson does.
    init(parsedKeys keys: [String], values: [JSONValue]) {
        if keys.count > Self.indexThreshold {
            var index = [String: Int](minimumCapacity: keys.count)
            var unique = true
            for (position, key) in keys.enumerated() where index.updateValue(position, forKey: key) != nil {
                unique = false
                break
            }
            if unique {
                self.init(keys: keys, values: values, index: index)
                return
            }
        } else if !Self.containsDuplicate(keys) {
            self.init(keys: keys, values: values, index: nil)
            return
        }
        self.init(zip(keys, values))
    }

    /// Builds an object from keys known to be distinct and, for more than
    /// ``indexThreshold`` keys, their index. The parser reuses both across objects
    /// of the same shape, which copy-on-write makes safe.
    init(keys: [String], values: [JSONValue], index: [String: Int]?) {
        self.keys = keys
        self.values = values
        self.index = index
    }

    /// Pairwise comparison: for the few keys of a small object this beats hashing.
    private static func containsDuplicate(_ keys: [String]) -> Bool {
        guard keys.count > 1 else { return false }
        for later in 1..<keys.count {
            for earlier in 0..<later where keys[earlier] == keys[later] { return true }
        }
        return false
    }

    /// The number of members.
    public var count: Int { keys.count }
    /// Whether the object has no members.
    public var isEmpty: Bool { keys.isEmpty }

    /// The key-value pairs in insertion order.
    public var entries: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }

    /// The position of `key`, or `nil`.
    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        return keys.firstIndex(of: key)
    }

    /// The value for `key`. Setting `nil` removes the key; setting a new key
    /// appends it at the end, setting an existing one keeps its position.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = position(of: key) else { return nil }
            return values[position]
        }
        set {
            if let position = position(of: key) {
                if let newValue {
                    values[position] = newValue
                } else {
                    removeValue(at: position)
                }
            } else if let newValue {
                appendUnchecked(key: key, value: newValue)
            }
        }
    }

    /// Appends a pair without checking for an existing key.
    ///
    /// Only for callers that know `key` is new (the parser checks this itself);
    /// a duplicate would shadow the earlier entry in lookups.
    public mutating func appendUnchecked(key: String, value: JSONValue) {
        keys.append(key)
        values.append(value)
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count > Self.indexThreshold {
            buildIndex()
        }
    }

    /// Removes `key` and returns its value, or `nil` if it was absent; the other
    /// members keep their order.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let position = position(of: key) else { return nil }
        let value = values[position]
        removeValue(at: position)
        return value
    }

    private mutating func removeValue(at position: Int) {
        keys.remove(at: position)
        values.remove(at: position)
        if index != nil {
            if keys.count > Self.indexThreshold { buildIndex() } else { index = nil }
        }
    }

    private mutating func buildIndex() {
        var built = [String: Int](minimumCapacity: keys.count)
        for (position, key) in keys.enumerated() { built[key] = position }
        index = built
    }
}

extension JSONObject: Equatable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (key, value) in lhs.entries {
            guard let other = rhs[key], other == value else { return false }
        }
        return true
    }
}

extension JSONObject: Hashable {
    /// Order-independent, to agree with `==`.
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for (key, value) in entries {
            var entryHasher = Hasher()
            entryHasher.combine(key)
            entryHasher.combine(value)
            combined ^= entryHasher.finalize()
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
