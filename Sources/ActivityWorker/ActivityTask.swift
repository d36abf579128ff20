public import JSON

/// One unit of work handed out by `GetActivityTask`.
public struct ActivityTask: Sendable, Hashable {
    /// Answers the task: `SendTaskSuccess`, `SendTaskFailure`, `SendTaskHeartbeat`.
    public var taskToken: String
    /// The task's input, parsed.
    public var input: JSONValue
    /// A key that is the same for every delivery of this attempt, to make side
    /// effects idempotent: Stepline's own key when the server sends one
    /// (`idempotencyKey`), otherwise `activity-` and the first 32 hex digits of
    /// SHA-256 of the token (a re-delivered task keeps its token in Stepline).
    /// `tools/workers/activity-worker` derives the same key.
    public var idempotencyKey: String

    public init(taskToken: String, input: JSONValue, idempotencyKey: String? = nil) {
        self.taskToken = taskToken
        self.input = input
        self.idempotencyKey = idempotencyKey ?? Self.derivedKey(taskToken)
    }

    static func derivedKey(_ token: String) -> String {
        "activity-" + String(SHA256Digest.hash(Array(token.utf8)).hexEncoded.prefix(32))
    }
}

/// What a handler throws to fail its task with a chosen error name and cause,
/// which a `Retry` or `Catch` in the workflow can match.
///
/// Any other error thrown by a handler fails the task with the error
/// `ActivityWorker.HandlerError` and the error's description as cause.
public struct ActivityFailure: Error, Sendable, Hashable {
    /// Up to 256 characters (longer names are cut, as AWS would refuse them).
    public var error: String
    /// Up to 32768 characters.
    public var cause: String

    public init(error: String, cause: String) {
        self.error = error
        self.cause = cause
    }
}
