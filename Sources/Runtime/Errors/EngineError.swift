/// A failure of a service operation, named as the AWS API names it (Step Functions,
/// EventBridge): the codes every service shares.
///
/// The ``Code`` raw values are AWS error names (`ExecutionDoesNotExist`,
/// `TaskDoesNotExist`, …) so the HTTP layer maps each one to its `__type`
/// one-to-one and only chooses the status code. The message says what is wrong
/// and with which resource, as AWS's messages do.
public struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The AWS error name; extensible.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let stateMachineDoesNotExist = Code(rawValue: "StateMachineDoesNotExist")
        public static let stateMachineAlreadyExists = Code(rawValue: "StateMachineAlreadyExists")
        public static let stateMachineDeleting = Code(rawValue: "StateMachineDeleting")
        public static let invalidDefinition = Code(rawValue: "InvalidDefinition")
        public static let invalidName = Code(rawValue: "InvalidName")
        public static let invalidArn = Code(rawValue: "InvalidArn")
        public static let invalidExecutionInput = Code(rawValue: "InvalidExecutionInput")
        public static let invalidOutput = Code(rawValue: "InvalidOutput")
        public static let invalidToken = Code(rawValue: "InvalidToken")
        public static let executionDoesNotExist = Code(rawValue: "ExecutionDoesNotExist")
        public static let executionAlreadyExists = Code(rawValue: "ExecutionAlreadyExists")
        public static let executionNotRedrivable = Code(rawValue: "ExecutionNotRedrivable")
        public static let activityDoesNotExist = Code(rawValue: "ActivityDoesNotExist")
        public static let activityAlreadyExists = Code(rawValue: "ActivityAlreadyExists")
        public static let taskDoesNotExist = Code(rawValue: "TaskDoesNotExist")
        public static let taskTimedOut = Code(rawValue: "TaskTimedOut")
        public static let validation = Code(rawValue: "ValidationException")
        /// Not an AWS name: a step that cannot be recorded and has no state to fail from
        /// (the HTTP layer answers 500 `InternalFailure`). A failure of the log itself is a
        /// ``ServiceError`` of kind ``ServiceError/Kind/storage``.
        public static let storage = Code(rawValue: "InternalStorageFailure")
        /// Not an AWS name: a manual-review item that does not exist.
        public static let reviewItemDoesNotExist = Code(rawValue: "ResourceNotFound")

        /// EventBridge: the bus, rule or target does not exist.
        public static let resourceNotFound = Self(rawValue: "ResourceNotFoundException")
        /// EventBridge: a bus of that name exists.
        public static let resourceAlreadyExists = Self(rawValue: "ResourceAlreadyExistsException")
        /// EventBridge: the event pattern is not valid.
        public static let invalidEventPattern = Self(rawValue: "InvalidEventPatternException")
        /// EventBridge: the replay is not in a state that allows the operation.
        public static let illegalStatus = Self(rawValue: "IllegalStatusException")
        /// The request conflicts with the resource as it is (an alias still routes to a version, …).
        public static let conflict = Self(rawValue: "ConflictException")
        /// Step Functions: a version, alias or taggable resource that does not exist
        /// (EventBridge's ``resourceNotFound`` is named differently).
        public static let statesResourceNotFound = Self(rawValue: "ResourceNotFound")
        /// More tags than a resource may have.
        public static let tooManyTags = Self(rawValue: "TooManyTags")

        public var description: String { rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func == (lhs: EngineError, rhs: EngineError) -> Bool { lhs.code == rhs.code && lhs.message == rhs.message }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
