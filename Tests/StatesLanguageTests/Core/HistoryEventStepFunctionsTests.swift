import JSON
import StatesLanguage
import Testing

@Suite("GetExecutionHistory rendering")
struct HistoryEventStepFunctionsTests {
    static let t0 = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    static func event(_ details: HistoryEvent.Details) -> HistoryEvent {
        HistoryEvent(id: 5, previousEventId: 4, timestamp: t0, frame: 0, details: details)
    }

    @Test("a service integration's resource splits into resourceType and resource")
    func serviceResource() throws {
        let json = try #require(
            Self.event(.taskSucceeded(taskId: 1, resource: "arn:aws:states:::lambda:invoke.waitForTaskToken", output: ["ok": true]))
                .stepFunctionsJSON())
        #expect(json["type"] == "TaskSucceeded")
        #expect(json["timestamp"] == JSONValue.double(1_700_000_000))
        #expect(
            json["taskSucceededEventDetails"]
                == [
                    "resourceType": "lambda", "resource": "invoke.waitForTaskToken", "output": #"{"ok":true}"#,
                    "outputDetails": ["truncated": false],
                ])
    }

    @Test("an activity task reports Activity… events, with the worker and without resource fields")
    func activity() throws {
        let arn = "arn:aws:states:us-east-1:123456789012:activity:worker"
        let started = try #require(Self.event(.taskStarted(taskId: 1, resource: arn, workerName: "w1")).stepFunctionsJSON())
        #expect(started["type"] == "ActivityStarted")
        #expect(started["activityStartedEventDetails"] == ["workerName": "w1"])
        let succeeded = try #require(Self.event(.taskSucceeded(taskId: 1, resource: arn, output: [:])).stepFunctionsJSON())
        #expect(succeeded["activitySucceededEventDetails"] == ["output": "{}", "outputDetails": ["truncated": false]])
    }

    @Test("without execution data, inputs and outputs are left out and the rest stays")
    func withoutExecutionData() throws {
        let exited = try #require(
            Self.event(.stateExited(.pass, name: "P", output: ["secret": 1], assignedVariables: ["x": 1]))
                .stepFunctionsJSON(includeExecutionData: false))
        #expect(
            exited["stateExitedEventDetails"]
                == ["name": "P", "assignedVariables": ["x": "1"], "assignedVariablesDetails": ["truncated": false]])
        let succeeded = try #require(
            Self.event(.taskSucceeded(taskId: 1, resource: "arn:aws:states:::sqs:sendMessage", output: [:]))
                .stepFunctionsJSON(includeExecutionData: false))
        #expect(succeeded["taskSucceededEventDetails"] == ["resourceType": "sqs", "resource": "sendMessage"])
    }

    @Test("Stepline-internal events are not rendered")
    func internalEvents() {
        #expect(Self.event(.timerFired(timerId: 1)).stepFunctionsJSON() == nil)
    }
}
