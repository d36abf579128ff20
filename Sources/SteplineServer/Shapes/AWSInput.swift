public import JSON

/// An operation's input structure, read member by member with AWS's errors.
///
/// A missing required member is a `ValidationException` naming it in AWS's words
/// (`Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null`);
/// a member of the wrong JSON type is a `SerializationException` naming it and both
/// types, as AWS's deserializer reports. JSON `null` counts as absent, as in AWS.
/// Nested structures keep their path, so errors name `tags.1.key`, not `key`.
///
/// ```swift
/// let input = try AWSInput(json)
/// let arn = try input.requiredString("stateMachineArn")
/// let name = try input.string("name", length: 1...80)
/// ```
public struct AWSInput: Sendable {
    /// The members as sent.
    public let members: JSONObject
    /// Where this structure is in the request (`""` at the top, `tags.1` in a list).
    public let path: String

    /// The top-level input; anything but a JSON object is a `SerializationException`.
    public init(_ value: JSONValue) throws(AWSError) {
        try self.init(value, path: "")
    }

    init(_ value: JSONValue, path: String) throws(AWSError) {
        guard case .object(let members) = value else {
            throw AWSError.serialization(
                "Expected a JSON object\(path.isEmpty ? " as the request body" : " at '\(path)'"), got \(value.typeName)"
            )
        }
        self.members = members
        self.path = path
    }

    /// The path of a member of this structure, as errors name it.
    public func path(of member: String) -> String { path.isEmpty ? member : "\(path).\(member)" }

    /// A member's raw value; `nil` if absent or `null`.
    public func value(_ member: String) -> JSONValue? {
        guard let value = members[member], !value.isNull else { return nil }
        return value
    }

    /// A member that must be present, as its raw value.
    public func requiredValue(_ member: String) throws(AWSError) -> JSONValue {
        guard let value = value(member) else {
            throw AWSError.validation(member: path(of: member), constraint: "Member must not be null")
        }
        return value
    }

    /// An optional string member, checked against a length range if given.
    ///
    /// Length is counted in UTF-16 code units, as AWS's Java services count `String.length()`,
    /// so a name of emoji hits the limit where it would on AWS.
    public func string(_ member: String, length: ClosedRange<Int>? = nil) throws(AWSError) -> String? {
        guard let value = value(member) else { return nil }
        guard case .string(let string) = value else { throw typeMismatch(member, expected: "string", got: value) }
        if let length {
            let count = string.utf16.count
            if count < length.lowerBound {
                throw AWSError.validation(
                    member: path(of: member),
                    constraint: "Member must have length greater than or equal to \(length.lowerBound)",
                    value: "'\(string)'"
                )
            }
            if count > length.upperBound {
                throw AWSError.validation(
                    member: path(of: member),
                    constraint: "Member must have length less than or equal to \(length.upperBound)",
                    value: "'\(string.prefix(64))…'"
                )
            }
        }
        return string
    }

    /// A string member that must be present.
    public func requiredString(_ member: String, length: ClosedRange<Int>? = nil) throws(AWSError) -> String {
        _ = try requiredValue(member)
        // requiredValue proved the member present, so string(_:) returns non-nil or throws.
        return try string(member, length: length)!
    }

    /// An optional integer member, checked against a range if given.
    public func integer(_ member: String, range: ClosedRange<Int>? = nil) throws(AWSError) -> Int? {
        guard let value = value(member) else { return nil }
        guard let integer = value.integerValue else { throw typeMismatch(member, expected: "integer", got: value) }
        if let range, !range.contains(integer) {
            let constraint =
                integer < range.lowerBound
                ? "Member must have value greater than or equal to \(range.lowerBound)"
                : "Member must have value less than or equal to \(range.upperBound)"
            throw AWSError.validation(member: path(of: member), constraint: constraint, value: "'\(integer)'")
        }
        return integer
    }

    /// An integer member that must be present.
    public func requiredInteger(_ member: String, range: ClosedRange<Int>? = nil) throws(AWSError) -> Int {
        _ = try requiredValue(member)
        // requiredValue proved the member present, so integer(_:) returns non-nil or throws.
        return try integer(member, range: range)!
    }

    /// An optional boolean member.
    public func bool(_ member: String) throws(AWSError) -> Bool? {
        guard let value = value(member) else { return nil }
        guard case .bool(let bool) = value else { throw typeMismatch(member, expected: "boolean", got: value) }
        return bool
    }

    /// An optional timestamp member (epoch seconds, as the JSON protocols send them).
    public func timestamp(_ member: String) throws(AWSError) -> AWSTimestamp? {
        guard let value = value(member) else { return nil }
        guard let timestamp = AWSTimestamp(json: value) else {
            throw typeMismatch(member, expected: "timestamp (epoch seconds)", got: value)
        }
        return timestamp
    }

    /// An optional nested structure.
    public func structure(_ member: String) throws(AWSError) -> AWSInput? {
        guard let value = value(member) else { return nil }
        return try AWSInput(value, path: path(of: member))
    }

    /// A nested structure that must be present.
    public func requiredStructure(_ member: String) throws(AWSError) -> AWSInput {
        try AWSInput(requiredValue(member), path: path(of: member))
    }

    /// An optional list member, as raw values.
    public func list(_ member: String, count: ClosedRange<Int>? = nil) throws(AWSError) -> [JSONValue]? {
        guard let value = value(member) else { return nil }
        guard case .array(let elements) = value else { throw typeMismatch(member, expected: "list", got: value) }
        if let count, !count.contains(elements.count) {
            let constraint =
                elements.count < count.lowerBound
                ? "Member must have length greater than or equal to \(count.lowerBound)"
                : "Member must have length less than or equal to \(count.upperBound)"
            throw AWSError.validation(member: path(of: member), constraint: constraint, value: "[\(elements.count) items]")
        }
        return elements
    }

    /// An optional list of structures, each keeping its path (`Entries.1`, 1-based as AWS counts).
    public func structures(_ member: String, count: ClosedRange<Int>? = nil) throws(AWSError) -> [AWSInput]? {
        guard let elements = try list(member, count: count) else { return nil }
        var structures: [AWSInput] = []
        structures.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            structures.append(try AWSInput(element, path: "\(path(of: member)).\(index + 1)"))
        }
        return structures
    }

    func typeMismatch(_ member: String, expected: String, got value: JSONValue) -> AWSError {
        AWSError.serialization("Member '\(path(of: member))' must be a \(expected), got \(value.typeName)")
    }
}
