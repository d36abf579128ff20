import JSON

/// The parameters of an AWS query-protocol request (`Action=Publish&TopicArn=…`),
/// decoded from `application/x-www-form-urlencoded` and read as the protocol nests them.
///
/// The query protocol flattens structures into dotted names: a map is
/// `Attributes.entry.1.key` / `Attributes.entry.1.value`, a list of structures
/// `Tags.member.1.Key`, a list of strings `TagKeys.member.1`, and a map of
/// structures `MessageAttributes.entry.1.Name` / `MessageAttributes.entry.1.Value.DataType`.
/// Indexes start at 1 and are read in numeric order, whatever order the body sent them in.
///
/// ```swift
/// let query = try QueryParameters(formEncoded: Array("Action=CreateTopic&Name=orders".utf8))
/// query["Action"]  // "CreateTopic"
/// ```
public struct QueryParameters: Sendable, Hashable {
    /// Every parameter by its full dotted name.
    public let values: [String: String]

    /// The most parameters one request may carry. The largest legitimate SNS request, a
    /// `PublishBatch` of 10 entries with 10 attributes each, needs about 450; a bound keeps
    /// a body of thousands of made-up names from costing every lookup a scan of them all.
    public static let maximumCount = 1_000

    public init(_ values: [String: String]) { self.values = values }

    /// Decodes a form body (or a URL's query string): `&`-separated `name=value`
    /// pairs, `+` for space and `%XX` escapes of UTF-8 bytes.
    /// - Throws: ``TopicError`` `InvalidParameter` for a broken `%` escape or bytes that are not UTF-8,
    ///   naming the offending pair; for a name given twice (which value was meant is not
    ///   for the server to guess); for more than ``maximumCount`` parameters.
    public init(formEncoded bytes: some Collection<UInt8>) throws(TopicError) {
        var values: [String: String] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = try Self.decode(equals.map { pair[pair.startIndex..<$0] } ?? pair[...])
            var value = ""
            if let equals { value = try Self.decode(pair[pair.index(after: equals)...]) }
            guard values.updateValue(value, forKey: name) == nil else {
                throw TopicError(.invalidParameter, "Invalid parameter: \(name.prefix(256)) is given more than once")
            }
            guard values.count <= Self.maximumCount else {
                throw TopicError(.invalidParameter, "Invalid parameter: the request has more than \(Self.maximumCount) parameters")
            }
        }
        self.values = values
    }

    static func decode(_ bytes: some Collection<UInt8>) throws(TopicError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): output.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(Hex.value), let low = iterator.next().flatMap(Hex.value) else {
                    throw TopicError(.invalidParameter, "Invalid parameter: the form body has a '%' not followed by two hexadecimal digits")
                }
                output.append(high << 4 | low)
            default: output.append(byte)
            }
        }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw TopicError(.invalidParameter, "Invalid parameter: the form body is not UTF-8 once decoded")
        }
        return text
    }

    /// The parameter called exactly `name`.
    public subscript(_ name: String) -> String? { values[name] }

    /// The parameters under `prefix.`, with the prefix removed: one nested structure.
    public func nested(_ prefix: String) -> QueryParameters {
        let start = prefix + "."
        var inner: [String: String] = [:]
        for (name, value) in values where name.hasPrefix(start) { inner[String(name.dropFirst(start.count))] = value }
        return QueryParameters(inner)
    }

    /// The elements of `member.<separator>.N…`, ordered by N: each the nested structure
    /// under `member.<separator>.N` (its own value, for a list of strings, is under `""`).
    func indexed(_ member: String, separator: String) -> [(index: Int, element: QueryParameters, value: String?)] {
        let start = "\(member).\(separator)."
        var elements: [Int: [String: String]] = [:]
        var plain: [Int: String] = [:]
        for (name, value) in values where name.hasPrefix(start) {
            let rest = name.dropFirst(start.count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let index = Int(digits) else { continue }
            let tail = rest.dropFirst(digits.count)
            if tail.isEmpty {
                plain[index] = value
            } else if tail.first == "." {
                elements[index, default: [:]][String(tail.dropFirst())] = value
            }
        }
        return Set(elements.keys).union(plain.keys).sorted().map { index in
            (index, QueryParameters(elements[index] ?? [:]), plain[index])
        }
    }

    /// A list of strings, `member.member.N`, in index order.
    public func strings(_ member: String) -> [String] {
        indexed(member, separator: "member").compactMap(\.value)
    }

    /// Whether the request names `member` at all (as a value or as a nested list or map).
    public func contains(_ member: String) -> Bool {
        values[member] != nil || values.keys.contains { $0.hasPrefix(member + ".") }
    }

    /// A list of structures, `member.member.N.Field`, in index order.
    public func structures(_ member: String) -> [QueryParameters] {
        indexed(member, separator: "member").map(\.element)
    }

    /// A map of strings, `member.entry.N.key` / `member.entry.N.value`, in index order.
    /// - Throws: ``TopicError`` `InvalidParameter` for an entry without a key.
    public func stringMap(_ member: String, key: String = "key", value: String = "value") throws(TopicError) -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        for entry in indexed(member, separator: "entry") {
            guard let name = entry.element[key] else {
                throw TopicError(.invalidParameter, "Invalid parameter: \(member).entry.\(entry.index).\(key) is missing")
            }
            pairs.append((name, entry.element[value] ?? ""))
        }
        return pairs
    }

    /// A map of structures, `member.entry.N.<key>` / `member.entry.N.<value>.Field`, in index order.
    /// - Throws: ``TopicError`` `InvalidParameter` for an entry without a key.
    public func structureMap(_ member: String, key: String = "Name", value: String = "Value") throws(TopicError) -> [(key: String, value: QueryParameters)] {
        var pairs: [(key: String, value: QueryParameters)] = []
        for entry in indexed(member, separator: "entry") {
            guard let name = entry.element[key] else {
                throw TopicError(.invalidParameter, "Invalid parameter: \(member).entry.\(entry.index).\(key) is missing")
            }
            pairs.append((name, entry.element.nested(value)))
        }
        return pairs
    }
}
