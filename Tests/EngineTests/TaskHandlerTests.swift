import EventLog
import Foundation
import JSON
import Runtime
import StatesLanguage
import TestSupport
import Testing
import Workflows

/// The repository's `tools/handlers/record-effect`, found from this file.
let recordEffectHandler: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("tools/handlers/record-effect").path
}()

/// Maps `resource` to `record-effect`, recording effects in `effects`.
func recordEffectMap(_ resource: String, effects: String) throws -> TaskHandlerMap {
    let command: JSONValue = ["command": .array([.string(recordEffectHandler), .string(effects)])]
    return try TaskHandlerMap.parse(["handlers": .object(JSONObject([(resource, command)]))], baseDirectory: "/")
}

@Suite("Task handlers")
struct TaskHandlerTests {
    static let resource = "arn:aws:lambda:us-east-1:123456789012:function:step"

    @Test("a local command gets the input on stdin and the idempotency key in its environment; its stdout is the result")
    func commandHandlerRuns() async throws {
        let directory = TemporaryDirectory()
        let effects = directory.path + "/effects"
        try await withEngine(directory.path + "/data", handlers: try recordEffectMap(Self.resource, effects: effects)) { engine in
            let definition = """
                {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "\(Self.resource)", "Next": "B"},
                  "B": {"Type": "Task", "Resource": "\(Self.resource)", "End": true}}}
                """
            let machine = try await engine.createStateMachine(name: "two", definition: definition)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "e", input: #"{"value": 1}"#)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .succeeded)
            #expect(done.output == ["value": 3])
            let applied = try String(contentsOfFile: effects + "/applied", encoding: .utf8).split(separator: "\n")
            #expect(applied == ["\(started.executionArn)/2/0", "\(started.executionArn)/6/0"])
        }
    }

    @Test("a command that exits without reading a large input fails its task instead of killing the process with SIGPIPE")
    func commandThatIgnoresItsInput() async throws {
        let directory = TemporaryDirectory()
        let command: JSONValue = ["command": ["/bin/false"]]
        let handlers = try TaskHandlerMap.parse(["handlers": .object(JSONObject([(Self.resource, command)]))], baseDirectory: "/")
        try await withEngine(directory.path + "/data", handlers: handlers) { engine in
            let definition = """
                {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "\(Self.resource)", "End": true}}}
                """
            let machine = try await engine.createStateMachine(name: "deaf", definition: definition)
            // Far more than a pipe's buffer, so the write meets the closed pipe.
            let input = JSONValue.object(["padding": .string(String(repeating: "x", count: 4 << 20))]).serialized
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "e", input: input)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .failed)
        }
    }

    @Test("a command that exits non-zero fails the task with the error and cause it printed; a retry gets a new attempt key")
    func commandFailureAndRetry() async throws {
        let directory = TemporaryDirectory()
        let effects = directory.path + "/effects"
        try await withEngine(directory.path + "/data", handlers: try recordEffectMap(Self.resource, effects: effects)) { engine in
            let definition = """
                {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "\(Self.resource)", "End": true,
                  "Retry": [{"ErrorEquals": ["Handler.Failed"], "IntervalSeconds": 1, "MaxAttempts": 1}]}}}
                """
            let machine = try await engine.createStateMachine(name: "fails", definition: definition)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "e", input: #"{"fail": true}"#)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .failed)
            #expect(done.error == "Handler.Failed")
            #expect(done.cause == "the input asked to fail")
            let applied = try String(contentsOfFile: effects + "/applied", encoding: .utf8).split(separator: "\n")
            #expect(applied.map { $0.split(separator: "/").last } == ["0", "1"])
        }
    }

    @Test("a resource without a handler fails the task and says where to configure one")
    func missingHandler() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path) { engine in
            let machine = try await engine.createStateMachine(
                name: "none",
                definition:
                    #"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:nope", "End": true}}}"#
            )
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.error == StatesError.Name.taskFailed)
            #expect(done.cause?.contains("workflows/handlers.yaml") == true)
        }
    }

    @Test("the handler map matches exact resources first, then the longest wildcard pattern, ignoring integration suffixes")
    func handlerMapMatching() throws {
        let map = try TaskHandlerMap.parse(
            [
                "handlers": [
                    "arn:aws:lambda:*": ["http": ["url": "http://a"]],
                    "arn:aws:lambda:*:*:function:thumb*": ["http": ["url": "http://b"]],
                    "arn:aws:lambda:us-east-1:1:function:thumbnail": ["command": "bin/thumb"],
                ]
            ],
            baseDirectory: "/srv"
        )
        #expect(
            map.handler(for: "arn:aws:lambda:us-east-1:1:function:thumbnail.waitForTaskToken")
                == .command(arguments: ["/srv/bin/thumb"], workingDirectory: "/srv", timeoutSeconds: nil)
        )
        #expect(map.handler(for: "arn:aws:lambda:eu-west-1:2:function:thumbs") == .http(url: "http://b", method: "POST", headers: [:]))
        #expect(map.handler(for: "arn:aws:lambda:eu-west-1:2:function:other") == .http(url: "http://a", method: "POST", headers: [:]))
        #expect(map.handler(for: "arn:aws:states:::http:invoke") == nil)
    }

    @Test("states:startExecution.sync runs a child execution and returns its output")
    func nestedSyncExecution() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path) { engine in
            let child = try await engine.createStateMachine(
                name: "child",
                definition: #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"from": "child"}, "End": true}}}"#
            )
            let parentDefinition = """
                {"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                  "Parameters": {"StateMachineArn": "\(child.stateMachineArn)", "Input": {"x": 1}}, "OutputPath": "$.Output", "End": true}}}
                """
            let parent = try await engine.createStateMachine(name: "parent", definition: parentDefinition)
            let started = try await engine.startExecution(stateMachineArn: parent.stateMachineArn)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .succeeded)
            #expect(done.output == ["from": "child"])
            let children = try engine.listExecutions(stateMachineArn: child.stateMachineArn).executions
            #expect(children.count == 1)
            #expect(children.first?.parentExecutionArn == started.executionArn)
        }
    }
}
