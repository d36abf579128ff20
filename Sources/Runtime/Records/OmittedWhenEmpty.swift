public import JSON

/// A record member left out of the bytes while it is empty, and empty when absent.
///
/// For a ``RecordPayload`` whose hand-written encoder wrote a list or an object
/// only when it had something in it (a delivery's `history`): the synthesized
/// `Codable` would write `"history":[]`, which changes the bytes. The
/// `KeyedEncodingContainer` and `KeyedDecodingContainer` overloads below are the
/// ones synthesized code picks for a wrapped member.
///
/// ```swift
/// @OmittedWhenEmpty public var history: [Int] = []
/// ```
@propertyWrapper
public struct OmittedWhenEmpty<Value: Codable & EmptyRepresentable>: Codable {
    public var wrappedValue: Value

    public init(wrappedValue: Value) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws { wrappedValue = try Value(from: decoder) }

    public func encode(to encoder: any Encoder) throws { try wrappedValue.encode(to: encoder) }
}

extension OmittedWhenEmpty: Sendable where Value: Sendable {}
extension OmittedWhenEmpty: Equatable where Value: Equatable {}
extension OmittedWhenEmpty: Hashable where Value: Hashable {}

/// A value with an empty state: what `init()` makes, and ``OmittedWhenEmpty``
/// leaves out of a record.
public protocol EmptyRepresentable {
    init()
    var isEmpty: Bool { get }
}

extension Array: EmptyRepresentable {}
extension JSONObject: EmptyRepresentable {}

extension KeyedEncodingContainer {
    public mutating func encode<Value>(_ value: OmittedWhenEmpty<Value>, forKey key: Key) throws {
        if !value.wrappedValue.isEmpty { try encode(value.wrappedValue, forKey: key) }
    }
}

extension KeyedDecodingContainer {
    public func decode<Value>(_ type: OmittedWhenEmpty<Value>.Type, forKey key: Key) throws -> OmittedWhenEmpty<Value> {
        OmittedWhenEmpty(wrappedValue: try decodeIfPresent(Value.self, forKey: key) ?? Value())
    }
}
