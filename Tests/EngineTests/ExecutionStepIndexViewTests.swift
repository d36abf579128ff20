import JSON
import StatesLanguage
import Testing

@testable import Workflows
@testable import Runtime

/// `ExecutionStep.IndexView` copies a step's row and opened tasks as bytes; the
/// index values must be the ones decoding and encoding them gives (what the
/// index wrote before, and what live indexes of older data directories hold).
@Suite struct ExecutionStepIndexViewTests {
    private static func step(output: JSONValue?, credentials: JSONValue?, outcome: JSONValue?) -> ExecutionStep {
        var row = ExecutionDescription(
            executionArn: "arn:aws:states:us-east-1:123456789012:execution:m:e\u{e9}\"1",
            stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:m",
            name: "e\u{e9}\"1",
            status: .failed,
            startDate: 1_700_000_000_123,
            input: ["list": [1, 2.5, "x\ny", .null], "nested": ["a": ["b": true]]],
            revisionId: "r1",
            stream: 42,
            parentExecutionArn: nil
        )
        row.output = output
        row.error = "States.TaskFailed"
        row.cause = "it broke"
        row.stopDate = 1_700_000_000_999
        var task = ExecutionStep.OpenTask(
            task: ScheduledTask(
                taskId: 7,
                stateName: "Work",
                resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                parameters: ["QueueUrl": "q", "MessageBody": ["token": "t"]],
                timeoutSeconds: 30,
                heartbeatSeconds: nil,
                attempt: 1,
                enteredEventId: 5,
                credentials: credentials,
                taskToken: "token-7"
            ),
            token: "token-7",
            heartbeatDue: 1_700_000_010_000
        )
        task.outcome = outcome
        var step = ExecutionStep(row: row, started: true)
        step.timersArmed = [.init(due: 1_700_000_001_000, timerId: 3)]
        step.timersCleared = [.init(due: 1_700_000_000_500, timerId: 2)]
        step.tasksOpened = [task]
        step.tasksClosed = [4, -2]
        return step
    }

    /// (output, credentials, outcome): absent, null, and values.
    static let optionalMembers: [(JSONValue?, JSONValue?, JSONValue?)] = [
        (nil, nil, nil),
        (.null, .null, .null),
        (["out": [1]] as JSONValue, ["RoleArn": "r"] as JSONValue, ["MessageId": "m"] as JSONValue),
    ]

    @Test(
        "the row and the opened tasks are the bytes decoding and encoding give, nulls in optional members included",
        arguments: Self.optionalMembers
    )
    func matchesDecodedAndEncoded(output: JSONValue?, credentials: JSONValue?, outcome: JSONValue?) throws {
        let payload = Self.step(output: output, credentials: credentials, outcome: outcome).payload
        let decoded = try ExecutionStep.decodeSummary(payload, version: ExecutionStep.version)
        let view = try ExecutionStep.IndexView(payload: payload, version: ExecutionStep.version)
        #expect(view.row.bytes == decoded.row.recordJSON.bytes)
        #expect(try view.description == decoded.row)
        #expect(view.tasksOpened.map(\.value) == decoded.tasksOpened.map(\.recordJSON.bytes))
        #expect(view.tasksOpened.map(\.taskId) == [7])
        #expect(view.tasksOpened.map(\.token) == ["token-7"])
        #expect(view.executionArn == decoded.row.executionArn)
        #expect(view.stateMachineArn == decoded.row.stateMachineArn)
        #expect(view.startDate == decoded.row.startDate)
        #expect(view.status == decoded.row.status)
        #expect(view.stream == decoded.row.stream)
        #expect(view.redriveCount == decoded.row.redriveCount)
        #expect(view.started == decoded.started && view.redriven == decoded.redriven)
        #expect(view.timersArmed == decoded.timersArmed && view.timersCleared == decoded.timersCleared)
        #expect(view.tasksClosed == decoded.tasksClosed)
    }
}
