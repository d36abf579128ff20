/// An error EventBridge reports to a caller, with the code and message AWS uses.
///
/// The HTTP layer renders it as `{"__type": code, "message": message}`, so the
/// message text is part of the contract: it is AWS's text, word for word, because
/// clients and tests compare it.
///
/// ```swift
/// do { _ = try EventPattern(parsing: #"{"a": 1}"#) }
/// catch { print(error.code, error.message) }
/// // InvalidEventPatternException Event pattern is not valid. Reason: "a" must be an object or an array
/// ```
public struct EventBridgeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The AWS error code (`__type`); an extensible set of names.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The name as AWS writes it in `__type`.
        public let rawValue: String
        /// A code by its AWS name.
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A pattern AWS refuses (`PutRule`, `TestEventPattern`).
        public static let invalidEventPattern = Code(rawValue: "InvalidEventPatternException")
        /// A request parameter AWS refuses (an event that is not a valid envelope, a bad target input).
        public static let validation = Code(rawValue: "ValidationException")
    }

    /// Which kind of failure this is.
    public let code: Code
    /// AWS's message text, first line only (AWS appends parser positions after a newline).
    public let message: String
    /// Byte offset in the pattern text where the problem was found, when there is one.
    public let offset: Int?

    /// An error with AWS's code and message; `offset` locates a problem in pattern text.
    public init(code: Code, message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// An invalid pattern: AWS prefixes every reason with "Event pattern is not valid. Reason: ".
    public static func invalidPattern(_ reason: String, at offset: Int? = nil) -> EventBridgeError {
        EventBridgeError(code: .invalidEventPattern, message: "Event pattern is not valid. Reason: \(reason)", offset: offset)
    }

    /// A parameter AWS refuses with a `ValidationException`.
    public static func validation(_ message: String) -> EventBridgeError {
        EventBridgeError(code: .validation, message: message)
    }

    public var description: String {
        if let offset { return "\(code): \(message) (at byte \(offset))" }
        return "\(code): \(message)"
    }
}
