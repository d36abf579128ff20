import JSON
import Testing

@testable import ActivityWorker

@Suite struct AWSJSONCallTests {
    @Test func aCallIsAStepFunctionsJSON10Request() {
        let call = AWSJSONCall(operation: "GetActivityTask", body: ["activityArn": "arn:a", "workerName": "w"])
        #expect(
            call.headers.map { "\($0.name): \($0.value)" } == [
                "Content-Type: application/x-amz-json-1.0", "X-Amz-Target: AWSStepFunctions.GetActivityTask",
            ]
        )
        #expect(String(decoding: call.bodyBytes, as: UTF8.self) == #"{"activityArn":"arn:a","workerName":"w"}"#)
    }

    @Test func aSuccessfulAnswerIsItsJSONBody() throws {
        #expect(try AWSJSONCall.decode(status: 200, body: Array(#"{"a":1}"#.utf8)) == ["a": 1])
        #expect(try AWSJSONCall.decode(status: 200, body: []) == .object([:]))
    }

    @Test(
        "An error answer names its code without the namespace",
        arguments: [
            (#"{"__type":"com.amazonaws.states#TaskTimedOut","message":"Task Timed Out"}"#, "TaskTimedOut", "Task Timed Out"),
            (#"{"__type":"ActivityDoesNotExist","Message":"no such activity"}"#, "ActivityDoesNotExist", "no such activity"),
        ]
    )
    func errorAnswers(_ body: String, _ code: String, _ message: String) {
        #expect(throws: ActivityAPIError(code: code, message: message, status: 400)) {
            try AWSJSONCall.decode(status: 400, body: Array(body.utf8))
        }
    }

    @Test func anErrorWithoutAJSONBodyIsNamedByItsStatus() {
        #expect(throws: ActivityAPIError(code: "HTTP502", message: "Bad Gateway", status: 502)) {
            try AWSJSONCall.decode(status: 502, body: Array("Bad Gateway".utf8))
        }
    }

    @Test func goneAndTransientErrorsAreToldApart() {
        #expect(ActivityAPIError(code: "TaskTimedOut", message: "", status: 400).taskIsGone)
        #expect(ActivityAPIError(code: "InvalidToken", message: "", status: 400).taskIsGone)
        #expect(!ActivityAPIError(code: "InvalidToken", message: "", status: 400).isTransient)
        #expect(ActivityAPIError(code: "RequestFailed", message: "", status: 0).isTransient)
        #expect(ActivityAPIError(code: "InternalFailure", message: "", status: 500).isTransient)
    }

    @Test func anEmptyPollIsNoTask() throws {
        #expect(try StepFunctionsActivityClient.task(from: [:]) == nil)
        #expect(try StepFunctionsActivityClient.task(from: ["taskToken": ""]) == nil)
    }

    @Test func aPolledTaskHasItsInputParsed() throws {
        let task = try StepFunctionsActivityClient.task(from: ["taskToken": "tok", "input": #"{"height":720}"#])
        #expect(task?.input == ["height": 720])
        #expect(task?.taskToken == "tok")
    }

    @Test func aTaskWhoseInputIsNotJSONIsAnInvalidResponse() {
        #expect(throws: ActivityAPIError.self) {
            try StepFunctionsActivityClient.task(from: ["taskToken": "tok", "input": "{oops"])
        }
    }

    @Test func theIdempotencyKeyIsTheServersOrDerivedFromTheToken() throws {
        let given = try StepFunctionsActivityClient.task(from: ["taskToken": "tok", "idempotencyKey": "exec/4/1"])
        #expect(given?.idempotencyKey == "exec/4/1")
        let derived = try StepFunctionsActivityClient.task(from: ["taskToken": "abc"])
        // SHA-256("abc") begins ba7816bf…; tools/workers/activity-worker derives the same.
        #expect(derived?.idempotencyKey == "activity-ba7816bf8f01cfea414140de5dae2223")
    }

    @Test func theHostHeaderIsTheEndpointsAuthority() {
        #expect(StepFunctionsActivityClient.host(of: "http://127.0.0.1:8423") == "127.0.0.1:8423")
        #expect(StepFunctionsActivityClient.host(of: "https://states.us-east-1.amazonaws.com/") == "states.us-east-1.amazonaws.com")
    }
}
