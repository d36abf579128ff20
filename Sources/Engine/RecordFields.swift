import JSON

/// A record payload that does not have the structure its kind and version define.
public struct RecordDecodingError: Error, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Typed access to the fields of a JSON record payload, with errors that name the field.
struct RecordFields {
    let object: JSONObject
    let what: String

    init(_ json: JSONValue, what: String) throws(RecordDecodingError) {
        guard case .object(let object) = json else { throw RecordDecodingError("\(what) is not a JSON object") }
        self.object = object
        self.what = what
    }

    init(bytes: some Collection<UInt8>, what: String) throws(RecordDecodingError) {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes: bytes) } catch {
            throw RecordDecodingError("\(what) is not valid JSON: \(error)")
        }
        try self.init(json, what: what)
    }

    /// Reads only the members named in `keys` (the others are checked but not built).
    init(bytes: some Collection<UInt8>, what: String, keeping keys: [String]) throws(RecordDecodingError) {
        do { object = try JSONParser.parse(bytes: bytes, keeping: keys) } catch {
            throw RecordDecodingError("\(what) is not a valid JSON object: \(error)")
        }
        self.what = what
    }

    func value(_ key: String) throws(RecordDecodingError) -> JSONValue {
        guard let value = object[key] else { throw RecordDecodingError("\(what) has no field \(key)") }
        return value
    }

    func optional(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws(RecordDecodingError) -> String {
        guard let text = try value(key).stringValue else { throw RecordDecodingError("\(what) field \(key) is not a string") }
        return text
    }

    func optionalString(_ key: String) -> String? { optional(key)?.stringValue }

    func integer(_ key: String) throws(RecordDecodingError) -> Int {
        guard let number = try value(key).integerValue else {
            throw RecordDecodingError("\(what) field \(key) is not an integer")
        }
        return number
    }
}

extension JSONValue {
    /// The compact serialization as UTF-8 bytes, for record payloads and index values.
    var bytes: [UInt8] { serializedBytes }
}
