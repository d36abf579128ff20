/// Why and where JSON text could not be parsed.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, independent of where.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }

        public static let unexpectedEnd = Reason("unexpected end of input")
        public static let unexpectedCharacter = Reason("unexpected character")
        public static let trailingCharacters = Reason("unexpected characters after the JSON value")
        public static let invalidNumber = Reason("invalid number")
        public static let invalidEscape = Reason("invalid escape sequence in string")
        public static let invalidUnicodeEscape = Reason("invalid \\u escape in string")
        public static let controlCharacterInString = Reason("unescaped control character in string")
        public static let invalidUTF8 = Reason("invalid UTF-8")
        public static let tooDeep = Reason("nesting deeper than \(JSONParser.maximumDepth) levels")
        public static let expectedColon = Reason("expected ':' after object key")
        public static let expectedKey = Reason("expected a string key")
        public static let expectedCommaOrEnd = Reason("expected ',' or closing bracket")
    }

    /// What went wrong.
    public let reason: Reason
    /// Byte offset from the start of the input.
    public let offset: Int
    /// 1-based line of the offending byte.
    public let line: Int
    /// 1-based column (in bytes) of the offending byte.
    public let column: Int

    public var description: String { "\(reason) at line \(line), column \(column) (offset \(offset))" }
}
