/// Any JSON through any `Encoder` or `Decoder`. ``JSONValueEncoder`` and
/// ``JSONValueDecoder`` take a ``JSONValue`` as it is and never call these;
/// they serve other coders and let a `Codable` type hold a ``JSONValue`` member.
extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: JSONCodingKey.self) {
            var members = JSONObject()
            for key in object.allKeys { members[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(members)
        } else if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !array.isAtEnd { elements.append(try array.decode(JSONValue.self)) }
            self = .array(elements)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let bool = try? single.decode(Bool.self) {
                self = .bool(bool)
            } else if let integer = try? single.decode(Int.self) {
                self = .integer(integer)
            } else if let double = try? single.decode(Double.self) {
                self = .double(double)
            } else {
                self = .string(try single.decode(String.self))
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if case .object(let object) = self { return try object.encode(to: encoder) }
        if case .array(let elements) = self {
            var array = encoder.unkeyedContainer()
            for element in elements { try array.encode(element) }
            return
        }
        var single = encoder.singleValueContainer()
        switch self {
        case .bool(let bool): try single.encode(bool)
        case .integer(let integer): try single.encode(integer)
        case .double(let double): try single.encode(double)
        case .string(let string): try single.encode(string)
        case .null, .object, .array: try single.encodeNil()  // objects and arrays returned above
        }
    }
}

extension JSONObject: Codable {
    public init(from decoder: any Decoder) throws {
        guard case .object(let object) = try JSONValue(from: decoder) else {
            throw DecodingError.typeMismatch(
                JSONObject.self, DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "is not an object"))
        }
        self = object
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONCodingKey.self)
        for (key, value) in entries { try container.encode(value, forKey: JSONCodingKey(key)) }
    }
}
