import Foundation
import TestSupport
import Testing

/// `stepline validate` and `stepline run`: the commands that need no server and no data directory.
@Suite struct EmbeddedCommandTests {
    static let chain = """
        {"StartAt": "Greet", "States": {
          "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('hello {}', $.who)"}, "Next": "Wait"},
          "Wait": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
          "Done": {"Type": "Succeed"}}}
        """

    static let broken = """
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}
        """

    private func write(_ text: String, named name: String, in directory: borrowing TemporaryDirectory) throws -> String {
        let path = directory.path + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func validateAcceptsAValidDefinitionAndExitsZero() async throws {
        let directory = TemporaryDirectory()
        let file = try write(Self.chain, named: "chain.json", in: directory)
        let result = try await SteplineBinary.run(["validate", file])
        #expect(result.status == 0)
        #expect(result.output.contains("OK (3 top-level states)"))
    }

    @Test func validateNamesTheCodeAndLocationOfAMissingTargetAndExitsOne() async throws {
        let directory = TemporaryDirectory()
        let file = try write(Self.broken, named: "broken.json", in: directory)
        let result = try await SteplineBinary.run(["validate", file])
        #expect(result.status == 1)
        #expect(result.output.contains("ERROR MISSING_TRANSITION_TARGET at /States/A/Next"))
        let report = try json(try await SteplineBinary.run(["validate", file, "--json"]).output)
        #expect(report["result"] as? String == "FAIL")
        let diagnostics = try #require(report["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.contains { $0["code"] as? String == "MISSING_TRANSITION_TARGET" && $0["severity"] as? String == "ERROR" })
    }

    @Test func validateReportsTextThatIsNotJSON() async throws {
        let directory = TemporaryDirectory()
        let file = try write("{\"StartAt\": ", named: "cut.json", in: directory)
        let result = try await SteplineBinary.run(["validate", file])
        #expect(result.status == 1)
        #expect(result.output.contains("INVALID_JSON_DESCRIPTION"))
    }

    @Test func validateOfAMissingFileExitsTwoAndNamesIt() async throws {
        let result = try await SteplineBinary.run(["validate", "/nonexistent/definition.json"])
        #expect(result.status == 2)
        #expect(result.error.contains("cannot read /nonexistent/definition.json"))
    }

    @Test func runPrintsTheOutputAndATimelineOnVirtualTime() async throws {
        let directory = TemporaryDirectory()
        let file = try write(Self.chain, named: "chain.json", in: directory)
        let result = try await SteplineBinary.run(["run", file, "--input", #"{"who": "world"}"#])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("SUCCEEDED after 3600.000s of virtual time"))
        #expect(result.output.contains(#"output: {"greeting":"hello world"}"#))
        #expect(result.output.contains("WaitStateEntered"))
        #expect(result.output.contains("+3600.000s"))
    }

    @Test func runWithJSONGivesGetExecutionHistoryShapedEvents() async throws {
        let directory = TemporaryDirectory()
        let file = try write(Self.chain, named: "chain.json", in: directory)
        let report = try json(try await SteplineBinary.run(["run", file, "--input", #"{"who": "you"}"#, "--json"]).output)
        #expect(report["status"] as? String == "SUCCEEDED")
        #expect((report["output"] as? [String: Any])?["greeting"] as? String == "hello you")
        let history = try #require(report["history"] as? [[String: Any]])
        #expect(history.map { $0["type"] as? String } == [
            "ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited",
            "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
        ])
        let started = try #require(history.first?["executionStartedEventDetails"] as? [String: Any])
        #expect(started["input"] as? String == #"{"who":"you"}"#)
        #expect(history.map { $0["id"] as? Int } == Array(1...8))
    }

    @Test func runOfATaskWithoutHandlersFailsNamingTheResource() async throws {
        let directory = TemporaryDirectory()
        let file = try write(
            #"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true}}}"#,
            named: "task.json", in: directory)
        let result = try await SteplineBinary.run(["run", file])
        #expect(result.status == 1)
        #expect(result.output.contains("error: States.TaskFailed"))
        #expect(result.output.contains("arn:aws:lambda:us-east-1:1:function:f"))
    }

    @Test func runRefusesInputThatIsNotJSONWithExitCode64() async throws {
        let result = try await SteplineBinary.run(["run", "whatever.json", "--input", "{x"])
        #expect(result.status == 64)
        #expect(result.error.contains("--input must be JSON"))
    }

    @Test func runOfAnInvalidDefinitionExitsTwoWithItsDiagnostics() async throws {
        let directory = TemporaryDirectory()
        let file = try write(Self.broken, named: "broken.json", in: directory)
        let result = try await SteplineBinary.run(["run", file])
        #expect(result.status == 2)
        #expect(result.error.contains("MISSING_TRANSITION_TARGET"))
    }

    static let echoTask = """
        {"StartAt": "Echo", "States": {"Echo": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:echo",
          "Parameters": {"v.$": "$.x"}, "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1, "IntervalSeconds": 60}],
          "End": true}}}
        """

    @Test func runRunsTasksOnTheHandlerMapBesideTheDefinition() async throws {
        let directory = TemporaryDirectory()
        let file = try write(Self.echoTask, named: "echo.asl.json", in: directory)
        _ = try write(#"handlers: {"arn:aws:lambda:*:*:function:echo": {command: [/bin/cat]}}"#, named: "handlers.yaml", in: directory)
        let result = try await SteplineBinary.run(["run", file, "--input", #"{"x": 7}"#, "--json"])
        #expect(result.status == 0)
        let report = try json(result.output)
        #expect(report["status"] as? String == "SUCCEEDED")
        #expect((report["output"] as? [String: Any])?["v"] as? Int == 7)
    }

    @Test func runUsesTheHandlersOptionAndRetriesAFailingHandlerOnVirtualTime() async throws {
        let directory = TemporaryDirectory()
        let file = try write(Self.echoTask, named: "echo.asl.json", in: directory)
        let map = try write(#"handlers: {"arn:aws:lambda:*:*:function:echo": {command: [/bin/sh, -c, "cat > /dev/null; exit 1"]}}"#, named: "failing.yaml", in: directory)
        let result = try await SteplineBinary.run(["run", file, "--handlers", map, "--input", #"{"x": 1}"#])
        #expect(result.status == 1)
        #expect(result.output.contains("FAILED after 60.000s of virtual time"))
        #expect(result.output.contains("TaskFailed"))
    }

    @Test func runOfAnUnreadableHandlerMapExitsTwoAndNamesIt() async throws {
        let directory = TemporaryDirectory()
        let file = try write(Self.echoTask, named: "echo.asl.json", in: directory)
        let result = try await SteplineBinary.run(["run", file, "--handlers", directory.path + "/missing.yaml"])
        #expect(result.status == 2)
        #expect(result.error.contains("missing.yaml"))
    }

    @Test func validateAndRunAcceptAYAMLDefinition() async throws {
        let directory = TemporaryDirectory()
        let yaml = """
            StartAt: Greet
            States:
              Greet:
                Type: Pass
                Parameters:
                  greeting.$: States.Format('hello {}', $.who)
                End: true
            """
        let file = try write(yaml, named: "greet.asl.yaml", in: directory)
        #expect(try await SteplineBinary.run(["validate", file]).status == 0)
        let report = try json(try await SteplineBinary.run(["run", file, "--input", #"{"who": "yaml"}"#, "--json"]).output)
        #expect((report["output"] as? [String: Any])?["greeting"] as? String == "hello yaml")
        let broken = try write("StartAt: [unclosed", named: "broken.yml", in: directory)
        #expect(try await SteplineBinary.run(["validate", broken]).status == 2)
    }
}
