/// A failure of a service operation, by what it means rather than how a protocol spells it.
///
/// Every service (executions, queues, topics, buses) reports its failures to the
/// HTTP layer as this one type, and the HTTP layer maps it to each protocol's error
/// shape in one place (`AWSErrorDialect.swift` in SteplineServer). The
/// service says *what* happened — the state machine does not exist, the name is
/// taken, a field is invalid, the log failed — and the protocol decides the code,
/// status and shape, so the same meaning is answered the same way by every service:
/// a storage failure is a server fault (500) everywhere, never a leaked internal name.
///
/// ```swift
/// throw ServiceError(.notFound, resource: .queue, "The specified queue does not exist.")
/// throw ServiceError.validation(field: "Name", "Queue names are at most 80 characters.")
/// ```
///
/// The type depends on nothing but the standard library, so it can move into the
/// shared runtime with the storage mapper (`ServiceError+Storage.swift`).
///
/// ## Topics
/// - ``Kind``
/// - ``Resource``
/// - ``Reason``
/// - ``storage(_:about:)``
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; decides who is at fault and the generic answer.
    ///
    /// A closed set on purpose: every protocol must answer every kind, and an
    /// exhaustive `switch` makes the compiler check that each one does.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The resource the request names does not exist.
        case notFound
        /// A resource of that name exists already (and differs from the one asked for).
        case alreadyExists
        /// The request conflicts with another resource (an alias still routes to a version).
        case conflict
        /// The resource exists but its state does not allow the operation (a replay that finished).
        case invalidState
        /// The request is malformed or breaks a constraint; ``ServiceError/field`` names the member.
        case validation
        /// The request asks for more than a limit allows (tags, batch entries, filter policies).
        case limitExceeded
        /// Too many requests; the client should retry later.
        case throttled
        /// The caller may not do this.
        case unauthorized
        /// The operation is not supported by this server.
        case unsupported
        /// The log could not read or commit; ``ServiceError/cause`` holds the underlying error.
        case storage
        /// The service failed in a way it did not name; ``ServiceError/cause`` holds the error.
        case `internal`

        /// Whether the server (not the client) is at fault, so a client may retry unchanged.
        public var isServerFault: Bool { self == .storage || self == .internal }
    }

    /// The kind of resource an error concerns: protocols name "does not exist" per resource.
    public struct Resource: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let stateMachine = Resource(rawValue: "stateMachine")
        public static let execution = Resource(rawValue: "execution")
        public static let activity = Resource(rawValue: "activity")
        public static let task = Resource(rawValue: "task")
        public static let queue = Resource(rawValue: "queue")
    }

    /// The service's own name for a condition its API tells apart within a kind.
    ///
    /// Step Functions distinguishes `InvalidDefinition` from `InvalidArn`, SQS
    /// `ReceiptHandleIsInvalid` from `InvalidAttributeName`; their SDKs raise one
    /// exception per name and clients catch them, so the name is part of the
    /// service's vocabulary, the same in every protocol that speaks it. `nil` when the
    /// kind (and resource) say everything, as for "the queue does not exist".
    public struct Reason: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// The kind of resource it concerns, for ``Kind/notFound`` and ``Kind/alreadyExists``.
    public var resource: Resource?
    /// The service's name for the condition, when its API tells it apart within ``kind``.
    public var reason: Reason?
    /// The request member at fault (`Name`, `Entries.1.Detail`), for ``Kind/validation``.
    public var field: String?
    /// What went wrong and with which resource, for people.
    public var message: String
    /// The error this one was made from (an `LMDBError` for ``Kind/storage``).
    public var cause: (any Error)?

    /// A failure of `kind` with a message that says what went wrong and where.
    public init(
        _ kind: Kind,
        resource: Resource? = nil,
        reason: Reason? = nil,
        field: String? = nil,
        _ message: String,
        cause: (any Error)? = nil
    ) {
        self.kind = kind
        self.resource = resource
        self.reason = reason
        self.field = field
        self.message = message
        self.cause = cause
    }

    /// A request member breaks a constraint: `field` names it, `message` says how.
    public static func validation(field: String?, _ message: String) -> ServiceError {
        ServiceError(.validation, field: field, message)
    }

    /// The message, followed by the cause when there is one: what a log line or a server fault shows.
    public var description: String {
        guard let cause else { return message }
        return "\(message) (\(cause))"
    }
}
