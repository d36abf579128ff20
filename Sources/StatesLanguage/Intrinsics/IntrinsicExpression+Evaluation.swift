internal import Crypto
public import JSON

extension IntrinsicExpression {
    /// Evaluates the call, nested calls first, and returns its value.
    ///
    /// - Parameters:
    ///   - resolve: returns the value of a path argument, or throws the error the
    ///     state should fail with when the path is not there (the caller knows
    ///     the field name and input that AWS quotes in that message).
    ///   - random: the only source of randomness, used by `States.UUID` and
    ///     `States.MathRandom` without a seed.
    /// - Throws: the error of `resolve`, or `States.Runtime` with the cause
    ///   `Invalid arguments in States.Name` when an argument count, type or value
    ///   is not what the function accepts, as Step Functions reports it. The
    ///   caller adds AWS's "An error occurred while executing the state …" prefix.
    public func evaluate(
        resolve: (JSONPath) throws(StatesError) -> JSONValue,
        random: inout some RandomNumberGenerator
    ) throws(StatesError) -> JSONValue {
        var values: [JSONValue] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments {
            switch argument {
            case .literal(let value): values.append(value)
            case .string(let value, _): values.append(.string(value))
            case .path(let path): values.append(try resolve(path))
            case .call(let call): values.append(try call.evaluate(resolve: resolve, random: &random))
            }
        }
        guard function.arity.contains(values.count) else { throw invalidArguments }
        return try apply(to: values, random: &random)
    }

    private var invalidArguments: StatesError { .runtime("Invalid arguments in \(function.name)") }

    // Each function's checks follow what Step Functions does, including where it
    // truncates a fractional argument (ArrayPartition, ArrayRange, ArrayGetItem,
    // MathRandom, like Java's `(int)` cast) and where it rounds (MathAdd, like
    // `Math.round`).
    private func apply(to values: [JSONValue], random: inout some RandomNumberGenerator) throws(StatesError) -> JSONValue {
        switch function {
        case .format:
            return .string(try format(values))

        case .stringToJson:
            guard let text = values[0].stringValue else { throw invalidArguments }
            // Blank text parses to null, as it does in Step Functions.
            if text.allSatisfy(\.isWhitespace) { return .null }
            guard let parsed = try? JSONParser.parse(text) else { throw invalidArguments }
            return parsed

        case .jsonToString:
            return .string(values[0].serialized)

        case .array:
            return .array(values)

        case .arrayPartition:
            guard let array = values[0].arrayValue, let size = Self.truncated(values[1]), size > 0 else { throw invalidArguments }
            return .array(stride(from: 0, to: array.count, by: size).map { .array(Array(array[$0..<min($0 + size, array.count)])) })

        case .arrayContains:
            guard let array = values[0].arrayValue else { throw invalidArguments }
            return .bool(array.contains(values[1]))

        case .arrayRange:
            guard let first = Self.truncated(values[0]), let last = Self.truncated(values[1]), let step = Self.truncated(values[2]), step != 0,
                Self.isInt32(first), Self.isInt32(last), Self.isInt32(step)
            else { throw invalidArguments }
            let count = (last - first) / step >= 0 ? (last - first) / step + 1 : 0
            guard count <= Self.maximumArrayRangeCount else { throw invalidArguments }
            return .array(stride(from: first, through: last, by: step).map { .integer($0) })

        case .arrayGetItem:
            guard let array = values[0].arrayValue, let index = Self.truncated(values[1]), index >= 0 else { throw invalidArguments }
            if array.indices.contains(index) { return array[index] }
            // Observed on AWS: an index past the end of an empty array gives null,
            // while past the end of a non-empty one fails.
            guard array.isEmpty else { throw invalidArguments }
            return .null

        case .arrayLength:
            guard let array = values[0].arrayValue else { throw invalidArguments }
            return .integer(array.count)

        case .arrayUnique:
            guard let array = values[0].arrayValue else { throw invalidArguments }
            var seen = Set<JSONValue>()
            return .array(array.filter { seen.insert($0).inserted })

        case .base64Encode:
            guard let text = values[0].stringValue, text.utf16.count <= Self.maximumEncodingInputLength else { throw invalidArguments }
            return .string(Base64.encode(Array(text.utf8)))

        case .base64Decode:
            guard let text = values[0].stringValue, text.utf16.count <= Self.maximumEncodingInputLength,
                let bytes = Base64.decode(text)
            else { throw invalidArguments }
            return .string(String(decoding: bytes, as: UTF8.self))

        case .hash:
            // Step Functions hashes a non-string value's JSON text.
            let data = values[0].stringValue ?? values[0].serialized
            guard data.utf16.count <= Self.maximumEncodingInputLength, let algorithm = values[1].stringValue,
                let digest = Self.hexDigest(of: Array(data.utf8), algorithm: algorithm)
            else { throw invalidArguments }
            return .string(digest)

        case .jsonMerge:
            // Only the shallow merge exists; AWS requires the deep-merge flag to be false.
            guard var merged = values[0].objectValue, let other = values[1].objectValue, values[2] == .bool(false) else {
                throw invalidArguments
            }
            for (key, value) in other.entries { merged[key] = value }
            return .object(merged)

        case .mathRandom:
            guard let start = Self.truncated(values[0]), let end = Self.truncated(values[1]), start < end,
                Self.isInt32(start), Self.isInt32(end)
            else { throw invalidArguments }
            if values.count == 3 {
                guard let seed = Self.truncated(values[2]) else { throw invalidArguments }
                var seeded = JavaRandom(seed: Int64(seed))
                return .integer(start + seeded.nextInt(bound: end - start))
            }
            return .integer(Int.random(in: start..<end, using: &random))

        case .mathAdd:
            guard let a = Self.rounded(values[0]), let b = Self.rounded(values[1]), Self.isInt32(a), Self.isInt32(b) else {
                throw invalidArguments
            }
            return .integer(a + b)

        case .stringSplit:
            guard let text = values[0].stringValue, let separators = values[1].stringValue else { throw invalidArguments }
            return .array(Self.tokens(of: text, separatedByAnyOf: Set(separators.unicodeScalars)).map { .string($0) })

        case .uuid:
            return .string(Self.uuidV4(using: &random))
        }
    }

    static let maximumArrayRangeCount = 1000
    static let maximumEncodingInputLength = 10_000

    /// A number argument as Java's `(int)` cast sees it: the fraction dropped.
    static func truncated(_ value: JSONValue) -> Int? {
        switch value {
        case .integer(let i): return i
        case .double(let d):
            guard d.isFinite, abs(d) < 9.0e18 else { return nil }
            return Int(d)
        default: return nil
        }
    }

    /// A number argument as Java's `Math.round` sees it: halves go up.
    static func rounded(_ value: JSONValue) -> Int? {
        switch value {
        case .integer(let i): return i
        case .double(let d):
            let r = (d + 0.5).rounded(.down)
            guard r.isFinite, abs(r) < 9.0e18 else { return nil }
            return Int(r)
        default: return nil
        }
    }

    static func isInt32(_ value: Int) -> Bool { Int(Int32.min)...Int(Int32.max) ~= value }

    // MARK: States.Format

    private func format(_ values: [JSONValue]) throws(StatesError) -> String {
        let template: String
        switch (arguments.first, values[0]) {
        case (.string(_, let source)?, _): template = source
        case (_, .string(let text)): template = text
        default: throw invalidArguments
        }
        var result = ""
        var next = 1
        var characters = template.makeIterator()
        while let c = characters.next() {
            switch c {
            case "\\":
                guard let escaped = characters.next() else {
                    result.append(c)
                    continue
                }
                if IntrinsicParser.escapable.contains(escaped) {
                    result.append(escaped)
                } else {
                    result.append(c)
                    result.append(escaped)
                }
            case "{":
                guard characters.next() == "}", next < values.count else { throw invalidArguments }
                result += Self.formatted(values[next])
                next += 1
            case "}":
                throw invalidArguments
            default:
                result.append(c)
            }
        }
        guard next == values.count else { throw invalidArguments }
        return result
    }

    /// How `States.Format` writes a value: strings as they are, other scalars as
    /// JSON, and collections the way Java prints a `List` or `Map`
    /// (`[a, b]`, `{key=value, other=1}`), which is what Step Functions produces.
    static func formatted(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): s
        case .array(let elements): "[" + elements.map(formatted).joined(separator: ", ") + "]"
        case .object(let object): "{" + object.entries.map { "\($0)=\(formatted($1))" }.joined(separator: ", ") + "}"
        default: value.serialized
        }
    }

    // MARK: States.StringSplit, States.Hash, States.UUID

    /// Splits like Java's `StringTokenizer`: every character of the separator
    /// string is a delimiter and empty tokens are dropped, so `",,a,"` gives `["a"]`.
    static func tokens(of text: String, separatedByAnyOf separators: Set<Unicode.Scalar>) -> [String] {
        var tokens: [String] = []
        var token = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if separators.contains(scalar) {
                if !token.isEmpty { tokens.append(String(token)) }
                token = String.UnicodeScalarView()
            } else {
                token.append(scalar)
            }
        }
        if !token.isEmpty { tokens.append(String(token)) }
        return tokens
    }

    static func hexDigest(of bytes: [UInt8], algorithm: String) -> String? {
        switch algorithm {
        case "MD5": Insecure.MD5.hash(data: bytes).hexEncoded
        case "SHA-1": Insecure.SHA1.hash(data: bytes).hexEncoded
        case "SHA-256": SHA256.hash(data: bytes).hexEncoded
        case "SHA-384": SHA384.hash(data: bytes).hexEncoded
        case "SHA-512": SHA512.hash(data: bytes).hexEncoded
        default: nil
        }
    }

    /// A random (version 4, RFC 9562) UUID in lower-case text form.
    static func uuidV4(using random: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        for _ in 0..<2 {
            let word = random.next()
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = Array(bytes.hexEncoded)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
    }
}
