/// A JSON document: the value type every Stepline module passes around.
///
/// Numbers keep their kind: a number written without a fraction or exponent that
/// fits in `Int` is an ``integer(_:)``, everything else a ``double(_:)``, so
/// `{"n": 3}` round-trips as `3`, never `3.0` (Step Functions does the same).
/// Equality and hashing compare numbers by value (`integer(1) == double(1.0)`),
/// as JSON and the States Language compare them; `true` is never equal to `1`.
///
/// Objects keep the order of their keys (``JSONObject``): `States.JsonToString`
/// and every serialized output preserve the order the input had.
///
/// ## Topics
/// - ``JSONObject``
/// - ``JSONParser``
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in `Int`.
    case integer(Int)
    /// Any other number (also integers beyond `Int`, as the nearest double).
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// An object, keys in their original order.
    case object(JSONObject)
}

extension JSONValue {
    /// The JSON type name as Step Functions' error messages spell it.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { true } else { false } }
    /// Whether this is a number of either kind.
    public var isNumber: Bool {
        switch self {
        case .integer, .double: true
        default: false
        }
    }

    /// The payload when this is a boolean (never converted from numbers or strings).
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The payload when this is a string.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The elements when this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    /// The members when this is an object.
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }

    /// The number as a `Double`, for either number case.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// The number as an `Int` when it has no fractional part and fits.
    public var integerValue: Int? {
        switch self {
        case .integer(let i): i
        case .double(let d):
            // Not `Int(exactly:)`: it calls libm's `trunc`, and JSON links nothing.
            if d >= -0x1p63 && d < 0x1p63, Double(Int(d)) == d { Int(d) } else { nil }
        default: nil
        }
    }

    /// The member `key` of an object; `nil` for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { o[key] } else { nil }
    }

    /// The element at `index` of an array; `nil` when out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { a[index] } else { nil }
    }
}

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.integer(let a), .double(let b)): Double(a) == b
        case (.double(let a), .integer(let b)): a == Double(b)
        case (.double(let a), .double(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        default: false
        }
    }
}

extension JSONValue: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b):
            hasher.combine(1)
            hasher.combine(b)
        case .integer(let i):
            hasher.combine(2)
            hasher.combine(Double(i))
        case .double(let d):
            hasher.combine(2)
            hasher.combine(d)
        case .string(let s):
            hasher.combine(3)
            hasher.combine(s)
        case .array(let a):
            hasher.combine(4)
            hasher.combine(a)
        case .object(let o):
            hasher.combine(5)
            hasher.combine(o)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var object = JSONObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}
