internal import HTTPTypes
public import Workflows

/// The Step Functions API (`AWSStepFunctions.*`, awsJson 1.0) as an ``AWSOperationTable``.
///
/// Each operation reads its input with ``AWSInput``, calls the ``Engine`` and answers the
/// output structure of botocore's `stepfunctions` model: epoch-second timestamps, JSON
/// payloads as JSON text, `nextToken` pagination. Engine failures keep their AWS names
/// (``EngineError/Code`` raw values) with status 400; a log that cannot commit is a 500
/// `InternalFailure`, so SDKs retry it. Operations the runtime does not support (Map runs)
/// are not registered, so they answer `UnknownOperationException` naming
/// themselves, never an empty success.
///
/// ```swift
/// let stepline = try await Stepline.open(dataDirectory: dataDir)
/// try await runServer(buildApplication(configuration: configuration,
///                                      handlers: [StepFunctionsOperations.table(engine: stepline.engine)],
///                                      services: stepline.services,
///                                      telemetry: .bootstrapProcessWide()))
/// ```
public enum StepFunctionsOperations {
    /// The operations that need no runtime: `ValidateStateMachineDefinition`.
    public static func table() -> AWSOperationTable {
        var table = AWSOperationTable(service: .stepFunctions)
        table.register("ValidateStateMachineDefinition") { input, _ throws(AWSError) in
            try StepFunctionsValidation.validate(input)
        }
        return table
    }

    /// Every operation the runtime supports, on `engine`.
    ///
    /// - Parameter tokens: signs `nextToken`s; give a codec with a stable key to keep
    ///   tokens valid across restarts.
    public static func table(engine: Engine, tokens: PaginationTokenCodec = PaginationTokenCodec()) -> AWSOperationTable {
        var table = table()
        let api = StepFunctionsAPI(engine: engine, versions: StateMachineVersions(engine: engine), tokens: tokens)
        let operations: [(String, AWSOperationTable.Operation)] = [
            ("CreateStateMachine", api.createStateMachine),
            ("UpdateStateMachine", api.updateStateMachine),
            ("DescribeStateMachine", api.describeStateMachine),
            ("ListStateMachines", api.listStateMachines),
            ("DeleteStateMachine", api.deleteStateMachine),
            ("DescribeStateMachineForExecution", api.describeStateMachineForExecution),
            ("StartExecution", api.startExecution),
            ("StartSyncExecution", api.startSyncExecution),
            ("StopExecution", api.stopExecution),
            ("DescribeExecution", api.describeExecution),
            ("ListExecutions", api.listExecutions),
            ("GetExecutionHistory", api.getExecutionHistory),
            ("RedriveExecution", api.redriveExecution),
            ("CreateActivity", api.createActivity),
            ("DescribeActivity", api.describeActivity),
            ("ListActivities", api.listActivities),
            ("DeleteActivity", api.deleteActivity),
            ("GetActivityTask", api.getActivityTask),
            ("SendTaskSuccess", api.sendTaskSuccess),
            ("SendTaskFailure", api.sendTaskFailure),
            ("SendTaskHeartbeat", api.sendTaskHeartbeat),
            ("PublishStateMachineVersion", api.publishStateMachineVersion),
            ("ListStateMachineVersions", api.listStateMachineVersions),
            ("DeleteStateMachineVersion", api.deleteStateMachineVersion),
            ("CreateStateMachineAlias", api.createStateMachineAlias),
            ("DescribeStateMachineAlias", api.describeStateMachineAlias),
            ("UpdateStateMachineAlias", api.updateStateMachineAlias),
            ("DeleteStateMachineAlias", api.deleteStateMachineAlias),
            ("ListStateMachineAliases", api.listStateMachineAliases),
            ("TagResource", api.tagResource),
            ("UntagResource", api.untagResource),
            ("ListTagsForResource", api.listTagsForResource),
            ("TestState", api.testState),
        ]
        for (name, operation) in operations { table.register(name, operation) }
        return table
    }
}

/// The operations' implementations; one method per operation, grouped by resource in
/// `StepFunctionsAPI+<Resource>.swift`.
struct StepFunctionsAPI: Sendable {
    let engine: Engine
    let versions: StateMachineVersions
    let tokens: PaginationTokenCodec
}
