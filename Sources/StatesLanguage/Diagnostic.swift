/// One problem found in a state machine definition, shaped like an entry of
/// `ValidateStateMachineDefinition`'s `diagnostics` list.
///
/// Validation collects every problem it finds rather than stopping at the
/// first, so a user can fix a definition in one pass.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad the problem is; only `.error` makes a definition invalid.
    public enum Severity: String, Sendable, Hashable {
        case error = "ERROR"
        case warning = "WARNING"
    }

    public var severity: Severity
    /// A stable code, as AWS reports it (`SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`, …).
    public var code: String
    /// What is wrong, in a sentence that says what to do about it.
    public var message: String
    /// Where: a JSON-pointer-like path into the definition (`/States/Transcode/Next`).
    public var location: String

    public init(severity: Severity = .error, code: String, message: String, location: String) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { "\(severity.rawValue) \(code) at \(location): \(message)" }
}
