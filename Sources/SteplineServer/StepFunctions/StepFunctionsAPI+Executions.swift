internal import JSON
internal import StatesLanguage
internal import Workflows

extension StepFunctionsAPI {
    /// The `SensitiveData` limit of execution inputs and outputs (256 KiB).
    static let dataLength = 0...262_144
    static let statuses = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]

    func startExecution(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let (machine, name, data) = try startArguments(input)
        let started = try await AWSService.stepFunctions.call { try await start(machine, name: name, input: data) }
        return ["executionArn": .string(started.executionArn), "startDate": Self.date(started.startDate)]
    }

    /// `StartSyncExecution`: for `EXPRESS` state machines, as in AWS; it answers when the
    /// execution has finished, with its result.
    func startSyncExecution(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let (machine, name, data) = try startArguments(input)
        let description = try await AWSService.stepFunctions.call { try engine.describeStateMachine(arn: try versions.resolve(machine).stateMachineArn) }
        guard description.type == "EXPRESS" else {
            throw AWSError(
                "StateMachineTypeNotSupported",
                "This operation is not supported by this type of state machine: '\(machine)' is STANDARD; "
                    + "use StartExecution, or create the state machine with type EXPRESS"
            )
        }
        let finished = try await AWSService.stepFunctions.call {
            let started = try await start(machine, name: name, input: data)
            return try await engine.awaitCompletion(executionArn: started.executionArn)
        }
        var output = Self.executionJSON(finished)
        output["status"] = .string(finished.status == .aborted ? "FAILED" : finished.status.rawValue)
        output["billingDetails"] = [
            "billedMemoryUsedInMB": 64,
            "billedDurationInMilliseconds": .integer(Int((finished.stopDate ?? finished.startDate) - finished.startDate)),
        ]
        for member in ["redriveCount", "redriveDate", "redriveStatus", "redriveStatusReason"] { output[member] = nil }
        return .object(output)
    }

    /// Starts `machine`, which may be a state machine, version or alias ARN.
    private func start(_ machine: String, name: String?, input: String?) async throws -> StartedExecution {
        let target = try versions.resolve(machine)
        return try await engine.startExecution(
            stateMachineArn: target.stateMachineArn,
            name: name,
            input: input,
            revisionId: target.revisionId,
            versionArn: target.versionArn,
            aliasArn: target.aliasArn
        )
    }

    private func startArguments(_ input: AWSInput) throws(AWSError) -> (machine: String, name: String?, input: String?) {
        let machine = try input.requiredARN("stateMachineArn", service: "states", resourceTypes: ["stateMachine"])
        let name = try input.string("name", length: 1...80)
        let data = try input.string("input", length: Self.dataLength)
        // Not used (there is no X-Ray here), but checked as AWS does: a string of 0 to 256 ASCII characters.
        if let trace = try input.string("traceHeader", length: 0...256), !trace.unicodeScalars.allSatisfy(\.isASCII) {
            throw AWSError.validation(member: "traceHeader", constraint: "Member must satisfy regular expression pattern: \\p{ASCII}*", value: "'\(trace)'")
        }
        return (machine.description, name, data)
    }

    func stopExecution(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("executionArn", service: "states", resourceTypes: ["execution"])
        let error = try input.string("error", length: 0...256)
        let cause = try input.string("cause", length: 0...32_768)
        let stopped = try await AWSService.stepFunctions.call { try await engine.stopExecution(arn: arn.description, error: error, cause: cause) }
        return ["stopDate": Self.date(stopped.stopDate ?? stopped.startDate)]
    }

    func describeExecution(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("executionArn", service: "states", resourceTypes: ["execution"])
        let execution = try await AWSService.stepFunctions.call { try await engine.describeExecution(arn: arn.description) }
        return .object(Self.executionJSON(execution))
    }

    func listExecutions(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        guard input.value("stateMachineArn") != nil || input.value("mapRunArn") == nil else {
            throw AWSError(.validation, "Listing the executions of a Map Run is not supported by Stepline; give a stateMachineArn")
        }
        guard input.value("stateMachineArn") != nil else {
            throw AWSError(.validation, "Must provide a StateMachine ARN or a MapRun ARN")
        }
        let machine = try input.requiredARN("stateMachineArn", service: "states", resourceTypes: ["stateMachine"])
        let filter = try input.enumeration("statusFilter", allowed: Self.statuses)
        _ = try input.enumeration("redriveFilter", allowed: ["REDRIVEN", "NOT_REDRIVEN"])
        let page = try PageRequest(input, codec: tokens, scope: "ListExecutions \(machine) \(filter ?? "")")
        let status = filter.flatMap(ExecutionStatus.init(rawValue:))
        if filter != nil && status == nil {
            // PENDING_REDRIVE: a redriven execution is RUNNING again as soon as its redrive commits.
            return ["executions": []]
        }
        let result = try await AWSService.stepFunctions.call { try executionsPage(machine, status: status, page: page) }
        var output: JSONObject = [
            "executions": .array(
                result.executions.map { execution in
                    var item: JSONObject = [
                        "executionArn": .string(execution.executionArn), "stateMachineArn": .string(execution.stateMachineArn),
                        "name": .string(execution.name), "status": .string(execution.status.rawValue),
                        "startDate": Self.date(execution.startDate),
                    ]
                    if let stopDate = execution.stopDate { item["stopDate"] = Self.date(stopDate) }
                    if execution.redriveCount > 0 { item["redriveCount"] = .integer(execution.redriveCount) }
                    if let redriveDate = execution.redriveDate { item["redriveDate"] = Self.date(redriveDate) }
                    if let version = execution.stateMachineVersionArn { item["stateMachineVersionArn"] = .string(version) }
                    if let alias = execution.stateMachineAliasArn { item["stateMachineAliasArn"] = .string(alias) }
                    return .object(item)
                })
        ]
        if let next = result.nextToken { output["nextToken"] = .string(page.nextToken(after: .string(next))) }
        return .object(output)
    }

    /// One page of a machine's executions; a version or alias ARN keeps those started with it,
    /// reading the machine's pages until this one is full or they run out.
    private func executionsPage(_ machine: AWSARN, status: ExecutionStatus?, page: PageRequest) throws
        -> (executions: [ExecutionDescription], nextToken: String?)
    {
        let parts = machine.resourceParts
        guard parts.count == 3 else {
            let result = try engine.listExecutions(
                stateMachineArn: machine.description, status: status, maxResults: page.limit, nextToken: page.position?.stringValue)
            return (result.executions, result.nextToken)
        }
        let base = parts[0..<2].joined(separator: ":")
        let machineArn = AWSARN(partition: machine.partition, service: machine.service, region: machine.region, accountID: machine.accountID, resource: base)
        let qualified = machine.description
        let isVersion = Int(parts[2]) != nil
        var kept: [ExecutionDescription] = []
        var token = page.position?.stringValue
        repeat {
            let chunk = try engine.listExecutions(
                stateMachineArn: machineArn.description, status: status, maxResults: page.limit - kept.count, nextToken: token)
            kept += chunk.executions.filter {
                (isVersion ? $0.stateMachineVersionArn : $0.stateMachineAliasArn) == qualified
            }
            token = chunk.nextToken
        } while token != nil && kept.count < page.limit
        return (kept, token)
    }

    func getExecutionHistory(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("executionArn", service: "states", resourceTypes: ["execution"])
        let reverse = try input.bool("reverseOrder") ?? false
        let includeData = try input.bool("includeExecutionData") ?? true
        let page = try PageRequest(input, codec: tokens, scope: "GetExecutionHistory \(arn) \(reverse)")
        let history = try await AWSService.stepFunctions.call {
            try engine.history(
                executionArn: arn.description, reverseOrder: reverse, maxResults: page.limit, nextToken: page.position?.stringValue)
        }
        var output: JSONObject = [
            "events": .array(history.events.compactMap { $0.stepFunctionsJSON(includeExecutionData: includeData) })
        ]
        if let next = history.nextToken { output["nextToken"] = .string(page.nextToken(after: .string(next))) }
        return .object(output)
    }

    func redriveExecution(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("executionArn", service: "states", resourceTypes: ["execution"])
        _ = try input.string("clientToken", length: 1...64)
        let redriven = try await AWSService.stepFunctions.call { try await engine.redriveExecution(arn: arn.description) }
        return ["redriveDate": Self.date(redriven.redriveDate ?? redriven.startDate)]
    }

    // MARK: Shapes

    /// `DescribeExecution`'s output for `execution`.
    static func executionJSON(_ execution: ExecutionDescription) -> JSONObject {
        var object: JSONObject = [
            "executionArn": .string(execution.executionArn), "stateMachineArn": .string(execution.stateMachineArn),
            "name": .string(execution.name), "status": .string(execution.status.rawValue),
            "startDate": date(execution.startDate),
            "input": .string(execution.input.serialized), "inputDetails": ["included": true],
        ]
        if let stopDate = execution.stopDate { object["stopDate"] = date(stopDate) }
        if let output = execution.output {
            object["output"] = .string(output.serialized)
            object["outputDetails"] = ["included": true]
        }
        if let error = execution.error { object["error"] = .string(error) }
        if let cause = execution.cause { object["cause"] = .string(cause) }
        object["redriveCount"] = .integer(execution.redriveCount)
        if let redriveDate = execution.redriveDate { object["redriveDate"] = date(redriveDate) }
        object["redriveStatus"] = .string(execution.redriveStatus)
        if let version = execution.stateMachineVersionArn { object["stateMachineVersionArn"] = .string(version) }
        if let alias = execution.stateMachineAliasArn { object["stateMachineAliasArn"] = .string(alias) }
        if let reason = execution.redriveStatusReason { object["redriveStatusReason"] = .string(reason) }
        return object
    }
}
