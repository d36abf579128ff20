package import JSON

/// A record payload that does not have the structure its kind and version define.
public struct RecordDecodingError: Error, Sendable, CustomStringConvertible {
    public let message: String
    package init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Typed access to the fields of a JSON record payload, with errors that name the field.
///
/// Built from bytes in one of two ways: every member built (``init(bytes:what:)``),
/// or members kept as bytes and built when asked for (``init(raw:what:)``), for
/// index appliers that copy large members (a message, an execution row) unchanged.
package struct RecordFields {
    private enum Members {
        case built(JSONObject)
        case raw(RawJSONObject)
    }

    private let members: Members
    package let what: String

    package init(_ json: JSONValue, what: String) throws(RecordDecodingError) {
        guard case .object(let object) = json else { throw RecordDecodingError("\(what) is not a JSON object") }
        members = .built(object)
        self.what = what
    }

    package init(bytes: some Collection<UInt8>, what: String) throws(RecordDecodingError) {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes: bytes) } catch {
            throw RecordDecodingError("\(what) is not valid JSON: \(error)")
        }
        try self.init(json, what: what)
    }

    /// Reads only the members named in `keys` (the others are checked but not built).
    package init(bytes: some Collection<UInt8>, what: String, keeping keys: [String]) throws(RecordDecodingError) {
        do { members = .built(try JSONParser.parse(bytes: bytes, keeping: keys)) } catch {
            throw RecordDecodingError("\(what) is not a valid JSON object: \(error)")
        }
        self.what = what
    }

    /// Checks the whole object but builds a member only when it is read; ``raw(_:)``
    /// gives a member's bytes without building it.
    package init(raw bytes: ArraySlice<UInt8>, what: String) throws(RecordDecodingError) {
        do { members = .raw(try RawJSONObject(slice: bytes)) } catch {
            throw RecordDecodingError("\(what) is not a valid JSON object: \(error)")
        }
        self.what = what
    }

    /// Members of an object read as bytes (a member of another record, say).
    package init(_ object: RawJSONObject, what: String) {
        members = .raw(object)
        self.what = what
    }

    /// The object member `key`, its members left as bytes.
    package func object(_ key: String) throws(RecordDecodingError) -> RawJSONObject {
        guard case .raw(let object) = members else { return try Self.rawObject(try raw(key), what: "\(what) field \(key)") }
        let member: RawJSONObject?
        do { member = try object.object(key) } catch {
            throw RecordDecodingError("\(what) field \(key) is not an object: \(error)")
        }
        guard let member else { throw RecordDecodingError("\(what) has no field \(key)") }
        return member
    }

    /// The objects of the array member `key` (none when it is absent), their members left as bytes.
    package func objects(inArray key: String) throws(RecordDecodingError) -> [RawJSONObject] {
        guard case .raw(let object) = members else {
            guard let bytes = try? raw(key) else { return [] }
            do {
                return try RawJSONObject.elements(ofArray: bytes).map { element throws(RecordDecodingError) in
                    try Self.rawObject(element, what: "\(what) field \(key)")
                }
            } catch {
                throw RecordDecodingError("\(what) field \(key) is not an array of objects: \(error)")
            }
        }
        do { return try object.objects(inArray: key) ?? [] } catch {
            throw RecordDecodingError("\(what) field \(key) is not an array of objects: \(error)")
        }
    }

    private static func rawObject(_ bytes: ArraySlice<UInt8>, what: String) throws(RecordDecodingError) -> RawJSONObject {
        do { return try RawJSONObject(slice: bytes) } catch {
            throw RecordDecodingError("\(what) is not an object: \(error)")
        }
    }

    private func member(_ key: String) -> JSONValue? {
        switch members {
        case .built(let object): object[key]
        // The bytes were checked when the object was read, so building one cannot fail.
        case .raw(let object): try? object.value(key)
        }
    }

    /// The compact JSON bytes of `key`'s value.
    package func raw(_ key: String) throws(RecordDecodingError) -> ArraySlice<UInt8> {
        switch members {
        case .built(let object):
            guard let value = object[key] else { throw RecordDecodingError("\(what) has no field \(key)") }
            return value.serializedBytes[...]
        case .raw(let object):
            guard let bytes = object[raw: key] else { throw RecordDecodingError("\(what) has no field \(key)") }
            return bytes
        }
    }

    package func value(_ key: String) throws(RecordDecodingError) -> JSONValue {
        guard let value = member(key) else { throw RecordDecodingError("\(what) has no field \(key)") }
        return value
    }

    package func optional(_ key: String) -> JSONValue? {
        guard let value = member(key), value != .null else { return nil }
        return value
    }

    package func string(_ key: String) throws(RecordDecodingError) -> String {
        if case .raw(let object) = members, let text = object.string(key) { return text }
        guard let text = try value(key).stringValue else { throw RecordDecodingError("\(what) field \(key) is not a string") }
        return text
    }

    package func optionalString(_ key: String) -> String? { optional(key)?.stringValue }

    package func integer(_ key: String) throws(RecordDecodingError) -> Int {
        if case .raw(let object) = members, let number = object.integer(key) { return number }
        guard let number = try value(key).integerValue else {
            throw RecordDecodingError("\(what) field \(key) is not an integer")
        }
        return number
    }
}

extension JSONValue {
    /// The compact serialization as UTF-8 bytes, for record payloads and index values.
    package var bytes: [UInt8] { serializedBytes }
}
