internal import JSON
internal import Workflows

extension StepFunctionsAPI {
    /// `TestState`: one state run with an input (``StateTest``). Task states use `mock` when
    /// given, else the server's handler map. `revealSecrets` is accepted and changes nothing
    /// (Stepline's HTTP tasks add no credentials to hide).
    func testState(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let definition = try input.requiredString("definition", length: Self.definitionLength)
        _ = try input.string("roleArn", length: Self.arnLength)
        let data = try input.string("input", length: Self.dataLength) ?? "{}"
        let level = try input.enumeration("inspectionLevel", allowed: ["INFO", "DEBUG", "TRACE"]) ?? "INFO"
        _ = try input.bool("revealSecrets")
        let stateName = try input.string("stateName", length: 1...80)
        for member in ["variables", "context"] where input.value(member) != nil {
            throw AWSError(.validation, "TestState's '\(member)' is not supported by Stepline; leave it out")
        }
        var retryCount = 0
        if let configuration = try input.structure("stateConfiguration") {
            for member in ["errorCausedByState", "mapIterationFailureCount", "mapItemReaderData"] where configuration.value(member) != nil {
                throw AWSError(.validation, "TestState's 'stateConfiguration.\(member)' is not supported by Stepline; leave it out")
            }
            retryCount = try configuration.integer("retrierRetryCount", range: 0...99) ?? 0
        }
        var tasks = StateTest.TaskSource.handlers(engine.configuration.handlers)
        if let mock = try input.structure("mock") {
            _ = try mock.enumeration("fieldValidationMode", allowed: ["STRICT", "PRESENT", "NONE"])
            if let result = try mock.string("result", length: Self.dataLength) {
                do { tasks = .result(try JSONParser.parse(result)) } catch {
                    throw AWSError(.validation, "mock.result is not valid JSON: \(error)")
                }
            } else if let failure = try mock.structure("errorOutput") {
                tasks = .failure(
                    error: try failure.string("error", length: 0...256) ?? "",
                    cause: try failure.string("cause", length: 0...32_768) ?? ""
                )
            } else {
                throw AWSError(.validation, "mock must give a result or an errorOutput")
            }
        }
        let inputValue: JSONValue
        do { inputValue = try JSONParser.parse(data) } catch {
            throw AWSError("InvalidExecutionInput", "Invalid input: '\(error)'")
        }
        let outcome: StateTest.Outcome
        do {
            var test = try StateTest(definition: definition, stateName: stateName, tasks: tasks)
            test.retryCount = retryCount
            test.inspect = level != "INFO"
            outcome = try await test.run(input: inputValue)
        } catch {
            throw AWSError("InvalidDefinition", error.message)
        }
        var output: JSONObject = ["status": .string(outcome.status.rawValue)]
        if let value = outcome.output { output["output"] = .string(value.serialized) }
        if let error = outcome.error { output["error"] = .string(error) }
        if let cause = outcome.cause { output["cause"] = .string(cause) }
        if let next = outcome.nextState { output["nextState"] = .string(next) }
        if let inspection = outcome.inspection { output["inspectionData"] = .object(inspection) }
        return .object(output)
    }
}
