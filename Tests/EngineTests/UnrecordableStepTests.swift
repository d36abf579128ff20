import EventLog
import Foundation
import JSON
import Queues
import Runtime
import StatesLanguage
import TestSupport
import Testing
import Workflows

/// JSON text nested `depth` levels deep (arrays in arrays).
func nested(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }

/// Waits one second, then turns `$.text` (a string holding JSON) into a value.
let stringToJsonAfterWait = """
    {"StartAt": "Pause", "States": {
      "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Parse"},
      "Parse": {"Type": "Pass", "Parameters": {"value.$": "States.StringToJson($.text)"}, "End": true}
    }}
    """

@Suite struct UnrecordableStepTests {
    @Test("an input that parses but whose start record would not is InvalidExecutionInput, alone: concurrent starts and sends commit")
    func aTooDeepInputFailsAloneWithAValidationError() async throws {
        let directory = TemporaryDirectory()
        try await withIntegrations(directory.path) { engine, _, queues in
            let queue = try await queues.createQueue(name: "jobs", attributes: [:])
            let machine = try await engine.createStateMachine(name: "pass", definition: passChain)
            let deep = nested(JSONParser.maximumDepth - 2)
            _ = try JSONParser.parse(deep)  // the API accepts it: the record is what is too deep
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        _ = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "deep", input: deep)
                        Issue.record("the too-deep input was started")
                    } catch let error as EngineError {
                        #expect(error.code == .invalidExecutionInput)
                        #expect(error.message.contains("\(JSONParser.maximumDepth)"))
                    }
                }
                for index in 0..<24 {
                    group.addTask {
                        _ = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "ok-\(index)", input: #"{"go": true}"#)
                    }
                    group.addTask {
                        let sent = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "m\(index)")])
                        if case .failure(let error)? = sent.first { Issue.record("SendMessage failed: \(error)") }
                    }
                }
                try await group.waitForAll()
            }
            let executions = try engine.listExecutions(stateMachineArn: machine.stateMachineArn, maxResults: 1000).executions
            #expect(Set(executions.map(\.name)) == Set((0..<24).map { "ok-\($0)" }))
            #expect(try queues.attributes(queueArn: queue.arn)["ApproximateNumberOfMessages"] == "24")
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("a step that cannot be recorded (StringToJson after a Wait) fails its execution with States.Runtime, recorded and dead-lettered, across a restart")
    func aStepThatCannotBeRecordedFailsItsExecution() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let text = JSONValue.string(nested(JSONParser.maximumDepth - 2)).serialized
        let arn = try await withEngine(directory.path, clock: clock) { engine in
            let machine = try await engine.createStateMachine(name: "parse", definition: stringToJsonAfterWait)
            let arn = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: #"{"text": \#(text)}"#).executionArn
            clock.advance(milliseconds: 2_000)
            let done = try await engine.awaitCompletion(executionArn: arn)
            #expect(done.status == .failed)
            #expect(done.error == "States.Runtime")
            #expect(done.cause?.contains("\(JSONParser.maximumDepth)") == true)
            return arn
        }
        try await withEngine(directory.path, clock: clock) { engine in
            let row = try await engine.describeExecution(arn: arn)
            #expect(row.status == .failed)
            #expect(await engine.recoveredExecutions == 0)
            #expect(try engine.deadLetters().map(\.executionArn) == [arn])
            let history = try engine.history(executionArn: arn).events
            #expect(history.last?.type == "ExecutionFailed")
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("SendTaskSuccess with an output too deep to record is InvalidOutput and leaves the task open for a good answer")
    func aTooDeepAnswerIsRefusedAndTheTaskStaysOpen() async throws {
        let directory = TemporaryDirectory()
        try await withIntegrations(directory.path) { engine, _, queues in
            _ = try await queues.createQueue(name: "tokens", attributes: [:])
            let machine = try await engine.createStateMachine(name: "waiter", definition: tokenWaiterMachine)
            let arn = try await engine.startExecution(stateMachineArn: machine.stateMachineArn).executionArn
            let (token, _) = try await receiveToken(queues)
            await #expect {
                // It parses (512 levels); its step would hold it two levels further down.
                try await engine.sendTaskSuccess(token: token, output: nested(JSONParser.maximumDepth))
            } throws: { error in
                (error as? EngineError)?.code == .invalidOutput
            }
            #expect(try await engine.describeExecution(arn: arn).status == .running)
            try await engine.sendTaskSuccess(token: token, output: #"{"fine": true}"#)
            #expect(try await engine.awaitCompletion(executionArn: arn).status == .succeeded)
            #expect(try engine.log.verify().isClean)
        }
    }
}
