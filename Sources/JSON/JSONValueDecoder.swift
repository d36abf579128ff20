/// Decodes a `Decodable` value from a ``JSONValue`` (the reverse of ``JSONValueEncoder``).
///
/// - An integer type accepts a number with no fractional part that fits it
///   (`3` and `3.0`); `Double` and `Float` accept any number.
/// - An optional is `nil` when its member is absent or `null`.
/// - A ``JSONValue`` member that is absent decodes as ``JSONValue/null``, so an
///   absent member and a `null` one read alike, as record readers always did.
/// - A ``JSONValue`` or ``JSONObject`` member is taken as it is.
///
/// Errors are Swift's `DecodingError`s with the coding path of the member that
/// failed; ``JSONValueDecoder/describe(_:)`` spells one as a sentence that
/// names the member by its path (`/delivery/retry/min`).
public struct JSONValueDecoder: Sendable {
    public init() {}

    /// The value of type `type` that `json` holds.
    public func decode<T: Decodable>(_ type: T.Type, from json: JSONValue) throws(DecodingError) -> T {
        do { return try ValueDecoder(value: json, codingPath: []).decode(type) } catch let error as DecodingError {
            throw error
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [], debugDescription: "\(error)", underlyingError: error))
        }
    }

    /// `error` as one line: what was wrong and the path of the member
    /// (`field /parent/taskId is not an integer`, `has no field /retry/min`).
    public static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            "has no field \(path(context.codingPath + [key]))"
        case .valueNotFound(_, let context):
            "field \(path(context.codingPath)) is null"
        case .typeMismatch(_, let context), .dataCorrupted(let context):
            "field \(path(context.codingPath)) \(context.debugDescription)"
        @unknown default:
            "\(error)"
        }
    }

    /// A coding path as a slash-separated pointer, `/` for the value itself.
    public static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "/" : codingPath.map { "/\($0.intValue.map(String.init) ?? $0.stringValue)" }.joined()
    }
}

/// The scalar conversions, shared by the containers. The coding path is built
/// only for an error: most members are scalars that convert.
private enum Scalar {
    static func mismatch(_ type: Any.Type, _ description: String, at codingPath: () -> [any CodingKey]) -> DecodingError {
        .typeMismatch(type, DecodingError.Context(codingPath: codingPath(), debugDescription: description))
    }

    static func bool(_ value: JSONValue, at codingPath: () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let bool) = value else { throw mismatch(Bool.self, "is not a boolean", at: codingPath) }
        return bool
    }

    static func string(_ value: JSONValue, at codingPath: () -> [any CodingKey]) throws -> String {
        guard case .string(let string) = value else { throw mismatch(String.self, "is not a string", at: codingPath) }
        return string
    }

    static func double(_ value: JSONValue, at codingPath: () -> [any CodingKey]) throws -> Double {
        guard let number = value.doubleValue else { throw mismatch(Double.self, "is not a number", at: codingPath) }
        return number
    }

    static func integer<I: FixedWidthInteger>(_ type: I.Type, _ value: JSONValue, at codingPath: () -> [any CodingKey]) throws -> I {
        if case .integer(let integer) = value, let exact = I(exactly: integer) { return exact }
        guard let integer = value.integerValue else { throw mismatch(type, "is not an integer", at: codingPath) }
        guard let exact = I(exactly: integer) else { throw mismatch(type, "\(integer) does not fit \(type)", at: codingPath) }
        return exact
    }

    /// `value` as `type` when `type` is a JSON type or a scalar; `nil` for any other type.
    static func decode<T>(_ type: T.Type, _ value: JSONValue, at codingPath: () -> [any CodingKey]) throws -> T? {
        switch type {
        case is JSONValue.Type: return value as? T
        case is JSONObject.Type:
            guard case .object(let object) = value else { throw mismatch(type, "is not an object", at: codingPath) }
            return object as? T
        case is String.Type: return try string(value, at: codingPath) as? T
        case is Bool.Type: return try bool(value, at: codingPath) as? T
        case is Int.Type: return try integer(Int.self, value, at: codingPath) as? T
        case is Int64.Type: return try integer(Int64.self, value, at: codingPath) as? T
        case is Int32.Type: return try integer(Int32.self, value, at: codingPath) as? T
        case is Int16.Type: return try integer(Int16.self, value, at: codingPath) as? T
        case is Int8.Type: return try integer(Int8.self, value, at: codingPath) as? T
        case is UInt.Type: return try integer(UInt.self, value, at: codingPath) as? T
        case is UInt64.Type: return try integer(UInt64.self, value, at: codingPath) as? T
        case is UInt32.Type: return try integer(UInt32.self, value, at: codingPath) as? T
        case is UInt16.Type: return try integer(UInt16.self, value, at: codingPath) as? T
        case is UInt8.Type: return try integer(UInt8.self, value, at: codingPath) as? T
        case is Double.Type: return try double(value, at: codingPath) as? T
        case is Float.Type: return Float(try double(value, at: codingPath)) as? T
        default: return nil
        }
    }
}

private struct ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw Scalar.mismatch(JSONObject.self, "is not an object", at: { codingPath }) }
        return KeyedDecodingContainer(KeyedContainer(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw Scalar.mismatch([JSONValue].self, "is not an array", at: { codingPath }) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    /// The value as `type`: the JSON types and scalars directly, anything else
    /// through its `init(from:)`.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let scalar = try Scalar.decode(type, value, at: { codingPath }) { return scalar }
        return try T(from: self)
    }
}

extension ValueDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try Scalar.bool(value, at: { codingPath }) }
    func decode(_ type: String.Type) throws -> String { try Scalar.string(value, at: { codingPath }) }
    func decode(_ type: Double.Type) throws -> Double { try Scalar.double(value, at: { codingPath }) }
    func decode(_ type: Float.Type) throws -> Float { Float(try Scalar.double(value, at: { codingPath })) }
    func decode(_ type: Int.Type) throws -> Int { try Scalar.integer(type, value, at: { codingPath }) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Scalar.integer(type, value, at: { codingPath }) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Scalar.integer(type, value, at: { codingPath }) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Scalar.integer(type, value, at: { codingPath }) }
    func decode(_ type: Int64.Type) throws -> Int64 { try Scalar.integer(type, value, at: { codingPath }) }
    func decode(_ type: UInt.Type) throws -> UInt { try Scalar.integer(type, value, at: { codingPath }) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try Scalar.integer(type, value, at: { codingPath }) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try Scalar.integer(type, value, at: { codingPath }) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try Scalar.integer(type, value, at: { codingPath }) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try Scalar.integer(type, value, at: { codingPath }) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let codingPath: [any CodingKey]

    var allKeys: [Key] { object.keys.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func value(_ key: Key) throws -> JSONValue {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, DecodingError.Context(codingPath: codingPath, debugDescription: "no member \(key.stringValue)"))
        }
        return value
    }

    private func member(_ key: Key) throws -> ValueDecoder { ValueDecoder(value: try value(key), codingPath: codingPath + [key]) }

    func decodeNil(forKey key: Key) throws -> Bool { object[key.stringValue]?.isNull ?? true }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let value = object[key.stringValue] else {
            if type == JSONValue.self { return JSONValue.null as! T }  // `as!`: T is JSONValue, checked above.
            return try member(key).decode(type)  // throws keyNotFound
        }
        if let scalar = try Scalar.decode(type, value, at: { codingPath + [key] }) { return scalar }
        return try T(from: ValueDecoder(value: value, codingPath: codingPath + [key]))
    }

    /// One lookup instead of the default's three (`contains`, `decodeNil`, `decode`).
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = object[key.stringValue], !value.isNull else { return nil }
        if let scalar = try Scalar.decode(type, value, at: { codingPath + [key] }) { return scalar }
        return try T(from: ValueDecoder(value: value, codingPath: codingPath + [key]))
    }

    // The common scalars without a dynamic cast (synthesized code calls these).
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try Scalar.string(try value(key), at: { codingPath + [key] }) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Scalar.bool(try value(key), at: { codingPath + [key] }) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try Scalar.integer(type, try value(key), at: { codingPath + [key] }) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try Scalar.integer(type, try value(key), at: { codingPath + [key] }) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try Scalar.integer(type, try value(key), at: { codingPath + [key] }) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try Scalar.double(try value(key), at: { codingPath + [key] }) }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let value = object[key.stringValue], !value.isNull else { return nil }
        return try Scalar.string(value, at: { codingPath + [key] })
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let value = object[key.stringValue], !value.isNull else { return nil }
        return try Scalar.integer(type, value, at: { codingPath + [key] })
    }

    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        guard let value = object[key.stringValue], !value.isNull else { return nil }
        return try Scalar.integer(type, value, at: { codingPath + [key] })
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try member(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try member(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { try superDecoder(named: JSONCodingKey("super")) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try superDecoder(named: key) }

    private func superDecoder(named key: some CodingKey) throws -> any Decoder {
        ValueDecoder(value: object[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next(_ type: Any.Type) throws -> ValueDecoder {
        let path = codingPath + [JSONCodingKey(index: currentIndex)]
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, DecodingError.Context(codingPath: path, debugDescription: "past the end"))
        }
        defer { currentIndex += 1 }
        return ValueDecoder(value: elements[currentIndex], codingPath: path)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let path = { [codingPath, currentIndex] in codingPath + [JSONCodingKey(index: currentIndex)] }
        if !isAtEnd, let scalar = try Scalar.decode(type, elements[currentIndex], at: path) {
            currentIndex += 1
            return scalar
        }
        return try next(type).decode(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(JSONObject.self).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next([JSONValue].self).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next(JSONValue.self) }
}
