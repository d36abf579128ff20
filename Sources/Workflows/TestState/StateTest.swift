public import JSON
public import Runtime
import StatesLanguage

/// One state run on its own with an input: Step Functions' `TestState`.
///
/// The state is run by the same core as an execution, inside a wrapper machine in
/// which every state it can go to is a `Succeed` stub, so the stub entered names the
/// next state. `Retry` and `Catch` are taken off for the run, as AWS's TestState does
/// not retry or move on: an error a retrier would retry is `RETRIABLE`, one a catcher
/// takes is `CAUGHT_ERROR` with the catcher's output and next state. Task states get
/// their result from `mock` when given, else from the handler map as a real run would
/// (one attempt). Waits take no time (the clock is virtual).
///
/// At `DEBUG` and `TRACE` the data-flow stages (`afterInputPath`, `afterParameters`,
/// `result`, `afterResultSelector`, `afterResultPath`) are computed by running the
/// state's own paths and templates through `Pass` states, so they follow the core's
/// semantics exactly.
public struct StateTest: Sendable {
    /// How a Task state gets its result.
    public enum TaskSource: Sendable {
        /// `mock.result`: the task succeeds with this output.
        case result(JSONValue)
        /// `mock.errorOutput`: the task fails.
        case failure(error: String, cause: String)
        /// The handler the map gives the resource.
        case handlers(TaskHandlerMap)
    }

    /// `TestExecutionStatus`.
    public enum Status: String, Sendable {
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"
        case retriable = "RETRIABLE"
        case caughtError = "CAUGHT_ERROR"
    }

    /// What the test found.
    public struct Outcome: Sendable {
        public var status: Status
        public var output: JSONValue?
        public var error: String?
        public var cause: String?
        public var nextState: String?
        /// The data-flow stages, by `InspectionData` member name (DEBUG and TRACE only).
        public var inspection: JSONObject?
    }

    /// A definition `TestState` cannot run, with the reason.
    public struct InvalidDefinition: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public var stateName: String
    public var state: JSONObject
    public var tasks: TaskSource
    /// How many retries the state already had (`stateConfiguration.retrierRetryCount`).
    public var retryCount = 0
    public var inspect = false

    /// Reads the state to test: `definition` is one state, or a whole machine with
    /// `stateName` choosing one (default its `StartAt`).
    /// - Throws: ``InvalidDefinition``.
    public init(definition: String, stateName: String?, tasks: TaskSource) throws(InvalidDefinition) {
        let json: JSONValue
        do { json = try JSONParser.parse(definition) } catch {
            throw InvalidDefinition(message: "The definition is not valid JSON: \(error)")
        }
        guard case .object(let object) = json else { throw InvalidDefinition(message: "The definition must be a JSON object") }
        if case .object(let states)? = object["States"] {
            guard let name = stateName ?? object["StartAt"]?.stringValue else {
                throw InvalidDefinition(message: "The state machine has no StartAt; give stateName")
            }
            guard case .object(let state)? = states[name] else {
                throw InvalidDefinition(message: "The state machine has no state '\(name)' at /States")
            }
            self.stateName = name
            self.state = state
        } else {
            self.stateName = stateName ?? "TestState"
            self.state = object
        }
        self.tasks = tasks
    }

    /// Runs the state on `input`.
    /// - Throws: ``InvalidDefinition`` when the state is not valid States Language.
    public func run(input: JSONValue) async throws(InvalidDefinition) -> Outcome {
        let stub = Self.stubName(for: stateName)
        var runnable = state
        runnable["Retry"] = nil
        runnable["Catch"] = nil
        var stubs: [String: String] = [:]
        func target(_ name: String) -> String {
            let wrapped = name == stateName ? stub : name
            stubs[wrapped] = name
            return wrapped
        }
        if let next = runnable["Next"]?.stringValue { runnable["Next"] = .string(target(next)) }
        if let next = runnable["Default"]?.stringValue { runnable["Default"] = .string(target(next)) }
        if case .array(var choices)? = runnable["Choices"] {
            for index in choices.indices {
                guard case .object(var choice) = choices[index], let next = choice["Next"]?.stringValue else { continue }
                choice["Next"] = .string(target(next))
                choices[index] = .object(choice)
            }
            runnable["Choices"] = .array(choices)
        }
        var states: JSONObject = [stateName: .object(runnable)]
        for name in stubs.keys.sorted() { states[name] = ["Type": "Succeed"] }
        let result = try await Self.execute(["StartAt": .string(stateName), "States": .object(states)], input: input, tasks: tasks)

        var outcome: Outcome
        let failure = result.status == .succeeded ? nil : (error: result.error ?? "States.Runtime", cause: result.cause ?? "")
        if let failure {
            outcome = Outcome(status: .failed, error: failure.error, cause: failure.cause)
            if retriable(failure.error) {
                outcome.status = .retriable
            } else if let catcher = catcher(for: failure.error) {
                let errorOutput: JSONValue = ["Error": .string(failure.error), "Cause": .string(failure.cause)]
                outcome.status = .caughtError
                outcome.nextState = catcher["Next"]?.stringValue
                outcome.output = try await Self.pass(["Result": errorOutput, "ResultPath": catcher["ResultPath"] ?? "$"], input: input)
            }
        } else {
            outcome = Outcome(status: .succeeded)
            for event in result.events {
                switch event.details {
                case .stateExited(_, let name, let output, _) where name == stateName && outcome.output == nil:
                    outcome.output = output
                case .stateEntered(_, let name, _) where stubs[name] != nil && outcome.nextState == nil:
                    outcome.nextState = stubs[name]
                default:
                    break
                }
            }
        }
        if inspect { outcome.inspection = try await inspection(input: input, events: result.events) }
        return outcome
    }

    /// The data-flow stages of a Pass or Task state.
    private func inspection(input: JSONValue, events: [HistoryEvent]) async throws(InvalidDefinition) -> JSONObject {
        var data: JSONObject = ["input": .string(input.serialized)]
        let type = state["Type"]?.stringValue ?? ""
        guard type == "Pass" || type == "Task" else { return data }
        let afterInputPath = try await Self.pass(["InputPath": state["InputPath"] ?? "$"], input: input)
        data["afterInputPath"] = .string(afterInputPath.serialized)
        var afterParameters = afterInputPath
        if let parameters = state["Parameters"] {
            afterParameters = try await Self.pass(["Parameters": parameters], input: afterInputPath)
            data["afterParameters"] = .string(afterParameters.serialized)
        }
        var result: JSONValue? = type == "Pass" ? (state["Result"] ?? afterParameters) : nil
        for event in events {
            if case .taskSucceeded(_, _, let output) = event.details { result = output }
        }
        guard let result else { return data }
        data["result"] = .string(result.serialized)
        var selected = result
        if let selector = state["ResultSelector"] {
            selected = try await Self.pass(["Parameters": selector], input: result)
            data["afterResultSelector"] = .string(selected.serialized)
        }
        let afterResultPath = try await Self.pass(["Result": selected, "ResultPath": state["ResultPath"] ?? "$"], input: input)
        data["afterResultPath"] = .string(afterResultPath.serialized)
        return data
    }

    /// Whether a retrier of the state matches `error` and has attempts left.
    private func retriable(_ error: String) -> Bool {
        guard case .array(let retriers)? = state["Retry"] else { return false }
        guard let retrier = retriers.first(where: { Self.matches($0, error) }) else { return false }
        return retryCount < (retrier["MaxAttempts"]?.integerValue ?? 3)
    }

    private func catcher(for error: String) -> JSONValue? {
        guard case .array(let catchers)? = state["Catch"] else { return nil }
        return catchers.first { Self.matches($0, error) }
    }

    /// A retrier's or catcher's `ErrorEquals` names `error`, or `States.ALL` (which
    /// leaves out `States.Runtime` and `States.DataLimitExceeded`, as in AWS).
    private static func matches(_ rule: JSONValue, _ error: String) -> Bool {
        let names = (rule["ErrorEquals"]?.arrayValue ?? []).compactMap(\.stringValue)
        if names.contains(error) { return true }
        if error == "States.Runtime" || error == "States.DataLimitExceeded" { return false }
        return names.contains("States.ALL") || (names.contains("States.TaskFailed") && !error.hasPrefix("States."))
    }

    /// A name no state has: the stub for a state that goes to itself.
    private static func stubName(for name: String) -> String {
        String((name + " (next)").prefix(80))
    }

    /// Runs `Pass` with `fields` on `input` and returns its output.
    private static func pass(_ fields: JSONObject, input: JSONValue) async throws(InvalidDefinition) -> JSONValue {
        var state = fields
        state["Type"] = "Pass"
        state["End"] = true
        let result = try await execute(["StartAt": "P", "States": ["P": .object(state)]], input: input, tasks: .result(.null))
        guard result.status == .succeeded, let output = result.output else {
            throw InvalidDefinition(message: "\(result.error ?? "States.Runtime"): \(result.cause ?? "the data flow failed")")
        }
        return output
    }

    private static func execute(_ machine: JSONValue, input: JSONValue, tasks: TaskSource) async throws(InvalidDefinition)
        -> EmbeddedRunner.Result
    {
        let parsed = StateMachineDefinition.parse(json: machine)
        guard let definition = parsed.definition else {
            let problems = parsed.diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "; ")
            throw InvalidDefinition(message: "Invalid State Machine Definition: '\(problems)'")
        }
        var runner = EmbeddedRunner(definition: definition)
        runner.stateMachineName = "TestState"
        return await runner.run(input: input) { task in
            switch tasks {
            case .result(let output): return .succeeded(output)
            case .failure(let error, let cause): return .failed(error: error, cause: cause)
            case .handlers(let map):
                let key = "\(runner.executionName)/\(task.stateName)/\(task.taskId)"
                let executionArn = "arn:aws:states:us-east-1:123456789012:execution:TestState:test"
                switch await Invoker(handlers: map).run(task, executionArn: executionArn, idempotencyKey: key).taskOutcome {
                case .succeeded(let output): return .succeeded(output)
                case .failed(let error, let cause): return .failed(error: error, cause: cause)
                }
            }
        }
    }
}
