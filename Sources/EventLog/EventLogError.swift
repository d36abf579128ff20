/// A failure of the log, naming the record it concerns.
///
/// Errors are a code (match on it), the sequence number of the record concerned
/// when there is one, a message that says what is wrong, and the underlying
/// cause (usually an `LMDBError`).
public struct EventLogError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; extensible.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A stored record does not have the structure of the record format.
        public static let corruptRecord = Code(rawValue: "corruptRecord")
        /// A record's format byte is from a newer (or unknown) version of the log format.
        public static let unsupportedFormat = Code(rawValue: "unsupportedFormat")
        /// A record's kind is not in the configured ``RecordKinds``.
        public static let unknownKind = Code(rawValue: "unknownKind")
        /// A record's schema version is not one its kind registered.
        public static let unsupportedVersion = Code(rawValue: "unsupportedVersion")
        /// The log was closed; the operation did not happen.
        public static let closed = Code(rawValue: "closed")
        /// The log directory could not be created or opened.
        public static let cannotOpen = Code(rawValue: "cannotOpen")
        /// LMDB failed; see ``EventLogError/cause``.
        public static let storage = Code(rawValue: "storage")
        /// Two indexes claimed the same name or database.
        public static let indexConflict = Code(rawValue: "indexConflict")
        /// `STEPLINE_CRASH_POINT` names no ``CrashPoint`` or has a bad count.
        public static let invalidCrashPoint = Code(rawValue: "invalidCrashPoint")

        public var description: String { rawValue }
    }

    public let code: Code
    /// The record concerned, if any.
    public let sequence: SequenceNumber?
    public let message: String
    public let cause: (any Error & Sendable)?

    public init(_ code: Code, sequence: SequenceNumber? = nil, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.sequence = sequence
        self.message = message
        self.cause = cause
    }

    public var description: String {
        var text = "\(code)"
        if let sequence { text += " at record \(sequence)" }
        text += ": \(message)"
        if let cause { text += " (\(cause))" }
        return text
    }
}
