public import JSON

/// One SNS message attribute: its `DataType` and its value.
///
/// Attributes travel with a message to every subscriber: in the JSON envelope as
/// `{"Type": …, "Value": …}`, as SQS message attributes with raw delivery, and to
/// filter policies as ``FilterPolicy/AttributeValue``.
public struct MessageAttribute: Sendable, Hashable {
    /// `String`, `String.Array`, `Number` or `Binary`, optionally with a custom suffix (`String.uuid`).
    public var dataType: String
    /// The value of a `String`, `String.Array` or `Number` attribute.
    public var stringValue: String?
    /// The base64 text of a `Binary` attribute, as the query protocol sends it.
    public var binaryValue: String?

    public init(dataType: String, stringValue: String? = nil, binaryValue: String? = nil) {
        self.dataType = dataType
        self.stringValue = stringValue
        self.binaryValue = binaryValue
    }

    /// The basic type the data type starts with.
    public var baseType: String {
        dataType == "String.Array" ? dataType : String(dataType.prefix { $0 != "." })
    }

    /// The value a filter policy compares.
    public var policyValue: FilterPolicy.AttributeValue {
        switch baseType {
        case "Number": .number(stringValue ?? "")
        case "String.Array": .stringArray(stringValue ?? "")
        case "Binary": .binary
        default: .string(stringValue ?? "")
        }
    }

    /// `{"Type": …, "Value": …}`: the attribute in an SNS JSON envelope.
    public var envelopeValue: JSONValue {
        ["Type": .string(dataType), "Value": .string(stringValue ?? binaryValue ?? "")]
    }

    /// `{"DataType": …, "StringValue" | "BinaryValue": …}`: the attribute as an SQS message attribute.
    public var queueValue: JSONValue {
        if baseType == "Binary" { return ["DataType": .string(dataType), "BinaryValue": .string(binaryValue ?? "")] }
        return ["DataType": .string(dataType), "StringValue": .string(stringValue ?? "")]
    }

    /// The attribute as stored in records: the queue form.
    public init(stored value: JSONValue) {
        self.init(
            dataType: value["DataType"]?.stringValue ?? "String", stringValue: value["StringValue"]?.stringValue,
            binaryValue: value["BinaryValue"]?.stringValue)
    }

    /// The largest number of attributes one message may carry.
    public static let maximumCount = 10

    /// Checks a message's attributes as SNS does before accepting a publish.
    /// - Throws: ``TopicError`` `InvalidParameterValue` naming the attribute and what is wrong with it.
    public static func validate(_ attributes: [(name: String, value: MessageAttribute)]) throws(TopicError) {
        func invalid(_ reason: String) -> TopicError { TopicError(.invalidParameterValue, reason) }
        guard attributes.count <= maximumCount else {
            throw invalid("Number of message attributes [\(attributes.count)] exceeds the allowed maximum [\(maximumCount)].")
        }
        var seen = Set<String>()
        for (name, attribute) in attributes {
            guard !name.isEmpty, name.utf8.count <= 256,
                name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }),
                !name.hasPrefix("."), !name.hasSuffix("."), !name.contains(".."),
                !name.lowercased().hasPrefix("aws."), !name.lowercased().hasPrefix("amazon.")
            else {
                throw invalid("The message attribute name '\(name)' is invalid: use letters, digits, '-', '_' and '.', at most 256 characters, not starting with AWS. or Amazon.")
            }
            guard seen.insert(name).inserted else { throw invalid("The message attribute '\(name)' is given twice.") }
            switch attribute.baseType {
            case "String", "Number", "String.Array":
                guard let value = attribute.stringValue else {
                    throw invalid("The message attribute '\(name)' with type '\(attribute.dataType)' must contain a non-empty message attribute value.")
                }
                if attribute.baseType == "Number", Double(value) == nil {
                    throw invalid("Could not cast message attribute '\(name)' value to number.")
                }
                if attribute.baseType == "String.Array" {
                    guard let parsed = try? JSONParser.parse(value), case .array(let items) = parsed,
                        items.allSatisfy({ if case .array = $0 { false } else if case .object = $0 { false } else { true } })
                    else {
                        throw invalid("The message attribute '\(name)' has an invalid String.Array value: it must be a JSON array of strings, numbers, booleans or nulls.")
                    }
                }
            case "Binary":
                guard attribute.binaryValue != nil else {
                    throw invalid("The message attribute '\(name)' with type 'Binary' must contain a non-empty message attribute value.")
                }
            default:
                throw invalid("The message attribute '\(name)' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.")
            }
        }
    }
}
