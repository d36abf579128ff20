/// Encodes an `Encodable` value as a ``JSONValue`` (no text in between).
///
/// The value it builds is what a hand-written `JSONValue` literal of the same
/// members would be, so a type whose record bytes were written by hand can move
/// to `Codable` without changing a byte:
///
/// - Members keep the order they were encoded in. A synthesized `encode(to:)`
///   encodes them in the order of the type's `CodingKeys` cases (its stored
///   properties when there is no `CodingKeys`), so that order is the order of
///   the bytes: it is part of the format.
/// - Integers of every width are ``JSONValue/integer(_:)``, `Double` and `Float`
///   ``JSONValue/double(_:)``: `3` stays `3`, never `3.0`.
/// - An optional that is `nil` is left out (a synthesized `encode(to:)` calls
///   `encodeIfPresent`); `encodeNil` writes `null`.
/// - A ``JSONValue`` or ``JSONObject`` member is inserted as it is.
///
/// ```swift
/// struct Route: Codable { var versionArn: String; var weight: Int }
/// let json = try JSONValueEncoder().encode(Route(versionArn: "arn:…:1", weight: 100))
/// json.serialized  // {"versionArn":"arn:…:1","weight":100}
/// ```
///
/// Encoding fails (`EncodingError.invalidValue`, with the coding path) only for
/// an unsigned integer beyond `Int.max`, or when a type's own `encode(to:)` throws.
public struct JSONValueEncoder: Sendable {
    public init() {}

    /// The JSON value of `value`; `{}` for a type that encodes nothing.
    public func encode(_ value: some Encodable) throws(EncodingError) -> JSONValue {
        do { return try Self.node(of: value, at: []).json } catch let error as EncodingError { throw error } catch {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: [], debugDescription: "encoding failed", underlyingError: error))
        }
    }

    /// The node `value` encodes to at `codingPath`: the value itself for the JSON
    /// types and scalars, else whatever its `encode(to:)` writes. The path is
    /// built only when needed (a nested value or an error): most members are scalars.
    fileprivate static func node(of value: some Encodable, at codingPath: @autoclosure () -> [any CodingKey]) throws -> EncodedNode {
        if let scalar = try scalar(value, at: codingPath) { return .value(scalar) }
        let encoder = ValueEncoder(codingPath: codingPath())
        try value.encode(to: encoder)
        return encoder.node ?? .value(.object(JSONObject()))
    }

    /// The value of a JSON type or scalar, `nil` for anything else.
    fileprivate static func scalar(_ value: some Encodable, at codingPath: () -> [any CodingKey]) throws -> JSONValue? {
        switch value {
        case let json as JSONValue: return json
        case let object as JSONObject: return .object(object)
        case let string as String: return .string(string)
        case let bool as Bool: return .bool(bool)
        case let int as Int: return .integer(int)
        case let int as Int64: return .integer(Int(int))
        case let int as Int32: return .integer(Int(int))
        case let int as Int16: return .integer(Int(int))
        case let int as Int8: return .integer(Int(int))
        case let int as UInt8: return .integer(Int(int))
        case let int as UInt16: return .integer(Int(int))
        case let int as UInt32: return .integer(Int(int))
        case let int as UInt64: return try integer(int, at: codingPath)
        case let int as UInt: return try integer(int, at: codingPath)
        case let double as Double: return .double(double)
        case let float as Float: return .double(Double(float))
        default: return nil
        }
    }

    fileprivate static func integer(_ value: some UnsignedInteger, at codingPath: () -> [any CodingKey]) throws(EncodingError) -> JSONValue {
        guard value <= Int.max else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: codingPath(), debugDescription: "\(value) is beyond Int.max"))
        }
        return .integer(Int(value))
    }
}

/// A value under construction: nested containers write into their node after
/// their parent has placed it, so nodes are references until the end.
private enum EncodedNode {
    case value(JSONValue)
    case object(EncodedObject)
    case array(EncodedArray)

    var json: JSONValue {
        switch self {
        case .value(let value): value
        case .object(let object): object.json
        case .array(let array): array.json
        }
    }
}

private final class EncodedObject {
    /// The members; a nested container's member holds `null` here until ``json``.
    var object = JSONObject()
    /// Members whose value is a nested container, filled in by ``json``.
    var nested: [(key: String, node: EncodedNode)] = []

    func set(_ key: String, _ node: EncodedNode) {
        if case .value(let value) = node {
            object[key] = value
        } else {
            object[key] = .null
            nested.append((key, node))
        }
    }

    var json: JSONValue {
        var result = object
        for (key, node) in nested { result[key] = node.json }
        return .object(result)
    }
}

private final class EncodedArray {
    var elements: [EncodedNode] = []
    var json: JSONValue { .array(elements.map(\.json)) }
}

private final class ValueEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// What was encoded: `nil` until a container is asked for.
    var node: EncodedNode?

    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: EncodedObject
        if case .object(let existing) = node {
            object = existing
        } else {
            object = EncodedObject()
            node = .object(object)
        }
        return KeyedEncodingContainer(KeyedContainer(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: EncodedArray
        if case .array(let existing) = node {
            array = existing
        } else {
            array = EncodedArray()
            node = .array(array)
        }
        return UnkeyedContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(encoder: self) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: EncodedObject
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { object.set(key.stringValue, .value(.null)) }
    // The common scalars without a dynamic cast (synthesized code calls these).
    mutating func encode(_ value: String, forKey key: Key) throws { object.set(key.stringValue, .value(.string(value))) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { object.set(key.stringValue, .value(.bool(value))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { object.set(key.stringValue, .value(.integer(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { object.set(key.stringValue, .value(.integer(Int(value)))) }
    mutating func encode(_ value: Double, forKey key: Key) throws { object.set(key.stringValue, .value(.double(value))) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        object.set(key.stringValue, try JSONValueEncoder.node(of: value, at: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = EncodedObject()
        object.set(key.stringValue, .object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = EncodedArray()
        object.set(key.stringValue, .array(nested))
        return UnkeyedContainer(array: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: JSONCodingKey("super")) }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key) }

    private func superEncoder(named key: some CodingKey) -> any Encoder {
        let encoder = ValueEncoder(codingPath: codingPath + [key])
        let object = EncodedObject()
        encoder.node = .object(object)
        self.object.set(key.stringValue, .object(object))
        return encoder
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let array: EncodedArray
    let codingPath: [any CodingKey]
    var count: Int { array.elements.count }

    private var nextKey: JSONCodingKey { JSONCodingKey(index: count) }

    mutating func encodeNil() throws { array.elements.append(.value(.null)) }

    mutating func encode(_ value: some Encodable) throws {
        array.elements.append(try JSONValueEncoder.node(of: value, at: codingPath + [nextKey]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = EncodedObject()
        let path = codingPath + [nextKey]
        array.elements.append(.object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = EncodedArray()
        let path = codingPath + [nextKey]
        array.elements.append(.array(nested))
        return UnkeyedContainer(array: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = ValueEncoder(codingPath: codingPath + [nextKey])
        let object = EncodedObject()
        encoder.node = .object(object)
        array.elements.append(.object(object))
        return encoder
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.node = .value(.null) }

    mutating func encode(_ value: some Encodable) throws {
        encoder.node = try JSONValueEncoder.node(of: value, at: codingPath)
    }
}

/// A coding key for paths: an object member's name or an array index.
package struct JSONCodingKey: CodingKey, Sendable {
    package let stringValue: String
    package let intValue: Int?

    package init(_ name: String) {
        stringValue = name
        intValue = nil
    }

    package init(index: Int) {
        stringValue = String(index)
        intValue = index
    }

    package init?(stringValue: String) { self.init(stringValue) }
    package init?(intValue: Int) { self.init(index: intValue) }
}
