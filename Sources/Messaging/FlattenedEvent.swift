public import JSON

/// An event seen as patterns see it: its leaf values, each with its dotted path.
///
/// `{"detail": {"tags": ["a", "b"], "state.name": "up"}}` has the leaves
/// `detail.tags = "a"`, `detail.tags = "b"` and `detail.state.name = "up"`: array
/// elements share the array's path, and a key with a dot in it is the same path as
/// the nested keys it spells, as in EventBridge. Flatten an event once to test it
/// against many patterns.
public struct FlattenedEvent: Sendable {
    struct Leaf: Sendable {
        let value: EventValue
        /// Which element of which array the leaf came from, outermost first.
        let steps: ArraySteps
    }

    private var leavesByPath: [String: [Leaf]] = [:]
    /// Whether some array holds objects or arrays, so that array consistency matters.
    private(set) var hasObjectArrays = false
    private var nextArray: Int32 = 0

    /// Flattens a JSON value (normally an object; anything else has no fields).
    public init(_ event: JSONValue) {
        if case .object(let object) = event { add(object, prefix: "", steps: ArraySteps()) }
    }

    func leaves(at path: String) -> [Leaf] { leavesByPath[path] ?? [] }

    /// The number of leaves.
    public var leafCount: Int { leavesByPath.values.reduce(0) { $0 + $1.count } }

    private mutating func add(_ object: JSONObject, prefix: String, steps: ArraySteps) {
        for (key, value) in object.entries {
            add(value, path: prefix.isEmpty ? key : prefix + "." + key, steps: steps)
        }
    }

    private mutating func add(_ value: JSONValue, path: String, steps: ArraySteps) {
        switch value {
        case .object(let object): add(object, prefix: path, steps: steps)
        case .array(let elements):
            let array = nextArray
            nextArray += 1
            for (index, element) in elements.enumerated() {
                switch element {
                case .object, .array: hasObjectArrays = true
                default: break
                }
                add(element, path: path, steps: steps.appending(array: array, index: Int32(index)))
            }
        case .string(let text): leavesByPath[path, default: []].append(Leaf(value: .string(text), steps: steps))
        case .integer(let number): leavesByPath[path, default: []].append(Leaf(value: .number(Double(number)), steps: steps))
        case .double(let number): leavesByPath[path, default: []].append(Leaf(value: .number(number), steps: steps))
        case .bool(let flag): leavesByPath[path, default: []].append(Leaf(value: .bool(flag), steps: steps))
        case .null: leavesByPath[path, default: []].append(Leaf(value: .null, steps: steps))
        }
    }
}

/// The array elements a leaf sits in: pairs of (array, element index).
///
/// Two leaves can be used together by one pattern branch only if they agree on
/// every array they share.
struct ArraySteps: Sendable, Hashable {
    private(set) var steps: [UInt64] = []

    func appending(array: Int32, index: Int32) -> ArraySteps {
        var copy = self
        copy.steps.append(UInt64(UInt32(bitPattern: array)) << 32 | UInt64(UInt32(bitPattern: index)))
        return copy
    }

    func isCompatible(with other: ArraySteps) -> Bool {
        if steps.isEmpty || other.steps.isEmpty { return true }
        for step in steps {
            for theirs in other.steps where theirs >> 32 == step >> 32 && theirs != step { return false }
        }
        return true
    }
}
