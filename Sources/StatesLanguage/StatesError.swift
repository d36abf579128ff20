/// A runtime failure inside a state machine, as Step Functions names it: an
/// error name (`States.Runtime`, `States.TaskFailed`, a custom name) and a cause.
///
/// This is what `Retry` and `Catch` match on and what a failed execution reports
/// as its `error` and `cause`. The texts of `States.*` causes follow AWS's wording,
/// which users and the conformance corpus compare verbatim.
public struct StatesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error name, for example `States.Runtime`.
    public var error: String
    /// The human-readable cause; may be empty.
    public var cause: String

    public init(_ error: String, cause: String = "") {
        self.error = error
        self.cause = cause
    }

    public var description: String { cause.isEmpty ? error : "\(error): \(cause)" }
}

extension StatesError {
    /// The predefined error names of the States Language.
    public enum Name {
        public static let all = "States.ALL"
        public static let runtime = "States.Runtime"
        public static let timeout = "States.Timeout"
        public static let heartbeatTimeout = "States.HeartbeatTimeout"
        public static let taskFailed = "States.TaskFailed"
        public static let permissions = "States.Permissions"
        public static let resultPathMatchFailure = "States.ResultPathMatchFailure"
        public static let parameterPathFailure = "States.ParameterPathFailure"
        public static let queryEvaluationError = "States.QueryEvaluationError"
        public static let branchFailed = "States.BranchFailed"
        public static let noChoiceMatched = "States.NoChoiceMatched"
        public static let intrinsicFailure = "States.IntrinsicFailure"
        public static let exceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
        public static let itemReaderFailed = "States.ItemReaderFailed"
        public static let resultWriterFailed = "States.ResultWriterFailed"
        public static let dataLimitExceeded = "States.DataLimitExceeded"
    }

    public static func runtime(_ cause: String) -> StatesError { StatesError(Name.runtime, cause: cause) }
}
