import EventBuses
import EventLog
import JSON
import Messaging
import Runtime
import StatesLanguage
import Testing
import Topics
import Workflows

/// A record payload or index value with its one encoding.
private protocol RecordShape: Hashable {
    var recordJSON: JSONValue { get }
    init(recordJSON json: JSONValue) throws(RecordDecodingError)
}

extension StartCommand: RecordShape {}
extension StartApplied: RecordShape {}
extension StateMachineDescription: RecordShape {}
extension ActivityDescription: RecordShape {}
extension FailedExecutionItem: RecordShape {}
extension ExecutionDescription: RecordShape {}
extension StateMachineVersion: RecordShape {}
extension StateMachineAlias: RecordShape {}
extension RecordedTaskDecision: RecordShape {}
extension EventDelivery: RecordShape {}
extension DeadLetter: RecordShape {}
extension ReviewItem: RecordShape where Letter: RecordPayload {}
extension TopicDelivery: RecordShape {}
extension TopicDeadLetter: RecordShape {}
extension HistoryEvent: RecordShape {}
extension StateMachineDeletion: RecordShape {}
extension ActivityDeletion: RecordShape {}
extension TaskHeartbeat: RecordShape {}
extension ReviewResolution: RecordShape {}
extension VersionDeletion: RecordShape {}
extension AliasDeletion: RecordShape {}
extension TagsAdded: RecordShape {}
extension TagsRemoved: RecordShape {}
extension Array: RecordShape where Element == ResourceTag {}

/// `bytes` decode, and encode back to exactly `bytes`: for values a test cannot
/// build (their initializers are the module's own).
private func decodedFrom<Value: RecordShape>(
    _ bytes: String, as type: Value.Type, sourceLocation: SourceLocation = #_sourceLocation
) throws -> Value {
    let value = try Value(recordJSON: try JSONParser.parse(bytes: Array(bytes.utf8)))
    #expect(String(decoding: value.recordJSON.bytes, as: UTF8.self) == bytes, sourceLocation: sourceLocation)
    return value
}

/// `value` encodes to exactly `bytes` (the bytes the hand-written encoders wrote
/// before the payload types became `Codable`: member order and number formats are
/// part of the log's format), and those bytes decode to `value`.
private func expectBytes<Value: RecordShape>(
    _ value: Value, _ bytes: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(String(decoding: value.recordJSON.bytes, as: UTF8.self) == bytes, sourceLocation: sourceLocation)
    #expect(try Value(recordJSON: try JSONParser.parse(bytes: Array(bytes.utf8))) == value, sourceLocation: sourceLocation)
}

private let machineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
private let executionArn = "arn:aws:states:us-east-1:123456789012:execution:orders:e1"

private let task = ScheduledTask(
    taskId: 4, stateName: "Charge", resource: "arn:aws:states:::lambda:invoke", parameters: ["amount": 12.5],
    timeoutSeconds: 30, heartbeatSeconds: 10, attempt: 1, enteredEventId: 3, credentials: ["RoleArn": "arn:role"],
    taskToken: "tok")

private func event(_ details: HistoryEvent.Details) -> HistoryEvent {
    HistoryEvent(id: 5, previousEventId: 4, timestamp: Timestamp(millisecondsSinceEpoch: 1_700_000_000_123), frame: 0, details: details)
}

@Suite("Record payload bytes")
struct RecordPayloadBytesTests {
    @Test("start commands and their applied marks keep their bytes")
    func startCommands() throws {
        try expectBytes(
            StartCommand(stateMachineArn: machineArn, name: "child", input: #"{"n":1}"#, time: 1_000),
            #"{"stateMachineArn":"\#(machineArn)","name":"child","input":"{\"n\":1}","time":1000}"#)
        let child = try decodedFrom(
            #"{"stateMachineArn":"\#(machineArn)","name":"child","input":"{}","time":1000,"parent":{"executionArn":"\#(executionArn)","taskId":7,"resource":"arn:aws:states:::states:startExecution.sync:2"}}"#,
            as: StartCommand.self)
        #expect(child.parent?.executionArn == executionArn)
        #expect(child.parent?.taskId == 7)
        #expect(child.parent?.resource == "arn:aws:states:::states:startExecution.sync:2")
        try expectBytes(StartApplied(command: .init(12)), #"{"command":12}"#)
        try expectBytes(
            StartApplied(command: .init(12), executionArn: executionArn, error: "StepFunctions.ExecutionAlreadyExistsException", cause: "exists"),
            #"{"command":12,"executionArn":"\#(executionArn)","error":"StepFunctions.ExecutionAlreadyExistsException","cause":"exists"}"#)
    }

    @Test("state machines, activities and failed executions keep their bytes")
    func stateMachines() throws {
        var machine = StateMachineDescription(
            stateMachineArn: machineArn, name: "orders", definition: #"{"StartAt":"A"}"#, roleArn: "arn:role", type: "STANDARD",
            creationDate: 1_000, revisionId: "r1", stream: 9)
        try expectBytes(
            machine,
            #"{"stateMachineArn":"\#(machineArn)","name":"orders","definition":"{\"StartAt\":\"A\"}","roleArn":"arn:role","type":"STANDARD","creationDate":1000,"revisionId":"r1","stream":9}"#
        )
        machine.updateDate = 2_000
        try expectBytes(
            machine,
            #"{"stateMachineArn":"\#(machineArn)","name":"orders","definition":"{\"StartAt\":\"A\"}","roleArn":"arn:role","type":"STANDARD","creationDate":1000,"revisionId":"r1","stream":9,"updateDate":2000}"#
        )
        try expectBytes(
            ActivityDescription(activityArn: "arn:activity", name: "approve", creationDate: 1_000),
            #"{"activityArn":"arn:activity","name":"approve","creationDate":1000}"#)
        var row = ExecutionDescription(
            executionArn: executionArn, stateMachineArn: machineArn, name: "e1", status: .failed, startDate: 1_000, input: [:],
            revisionId: "r1", stream: 10, parentExecutionArn: nil)
        var item = FailedExecutionItem(row)
        try expectBytes(item, #"{"executionArn":"\#(executionArn)","stateMachineArn":"\#(machineArn)","status":"FAILED","redriveCount":0}"#)
        row.error = "States.TaskFailed"
        row.cause = "boom"
        row.stopDate = 2_000
        row.redriveCount = 1
        item = FailedExecutionItem(row)
        item.resolution = "fixed by hand"
        item.resolvedDate = 3_000
        try expectBytes(
            item,
            #"{"executionArn":"\#(executionArn)","stateMachineArn":"\#(machineArn)","status":"FAILED","redriveCount":1,"error":"States.TaskFailed","cause":"boom","stopDate":2000,"resolution":"fixed by hand","resolvedDate":3000}"#
        )
    }

    @Test("execution rows keep their bytes")
    func executions() throws {
        var row = ExecutionDescription(
            executionArn: executionArn, stateMachineArn: machineArn, name: "e1", status: .running, startDate: 1_000,
            input: ["n": 1, "x": 0.5], revisionId: "r1", stream: 10, parentExecutionArn: nil)
        try expectBytes(
            row,
            #"{"executionArn":"\#(executionArn)","stateMachineArn":"\#(machineArn)","name":"e1","status":"RUNNING","startDate":1000,"input":{"n":1,"x":0.5},"revisionId":"r1","redriveCount":0,"stream":10}"#
        )
        row.status = .failed
        row.stopDate = 2_000
        row.output = ["done": true]
        row.error = "E"
        row.cause = "C"
        row.redriveCount = 2
        row.redriveDate = 1_500
        row.parentExecutionArn = "arn:parent"
        row.stateMachineVersionArn = "\(machineArn):3"
        row.stateMachineAliasArn = "\(machineArn):PROD"
        row.notRedrivableReason = "Execution history event limit exceeded."
        try expectBytes(
            row,
            #"{"executionArn":"\#(executionArn)","stateMachineArn":"\#(machineArn)","name":"e1","status":"FAILED","startDate":1000,"input":{"n":1,"x":0.5},"revisionId":"r1","redriveCount":2,"stream":10,"stopDate":2000,"output":{"done":true},"error":"E","cause":"C","redriveDate":1500,"parent":"arn:parent","version":"\#(machineArn):3","alias":"\#(machineArn):PROD","notRedrivable":"Execution history event limit exceeded."}"#
        )
    }

    @Test("versions and aliases keep their bytes")
    func versions() throws {
        try expectBytes(
            StateMachineVersion(stateMachineArn: machineArn, version: 3, revisionId: "r1", description: nil, creationDate: 1_000),
            #"{"stateMachineArn":"\#(machineArn)","version":3,"revisionId":"r1","time":1000}"#)
        try expectBytes(
            StateMachineVersion(stateMachineArn: machineArn, version: 3, revisionId: "r1", description: "third", creationDate: 1_000),
            #"{"stateMachineArn":"\#(machineArn)","version":3,"revisionId":"r1","time":1000,"description":"third"}"#)
        var alias = StateMachineAlias(
            stateMachineArn: machineArn, name: "PROD", description: nil,
            routing: [.init(versionArn: "\(machineArn):3", weight: 90), .init(versionArn: "\(machineArn):4", weight: 10)],
            creationDate: 1_000)
        try expectBytes(
            alias,
            #"{"stateMachineArn":"\#(machineArn)","name":"PROD","routing":[{"versionArn":"\#(machineArn):3","weight":90},{"versionArn":"\#(machineArn):4","weight":10}],"creationDate":1000}"#
        )
        alias.description = "production"
        alias.updateDate = 2_000
        try expectBytes(
            alias,
            #"{"stateMachineArn":"\#(machineArn)","name":"PROD","routing":[{"versionArn":"\#(machineArn):3","weight":90},{"versionArn":"\#(machineArn):4","weight":10}],"creationDate":1000,"description":"production","updateDate":2000}"#
        )
    }

    @Test("task decisions keep their bytes")
    func taskDecisions() throws {
        try expectBytes(
            RecordedTaskDecision(
                executionArn: executionArn, stateName: "Approve", decision: TaskDecision(outcome: .approve(output: #"{"ok":true}"#), decidedBy: "local"),
                output: ["ok": true], time: 1_000),
            #"{"executionArn":"\#(executionArn)","stateName":"Approve","outcome":"approve","decidedBy":"local","time":1000,"output":{"ok":true}}"#
        )
        try expectBytes(
            RecordedTaskDecision(
                executionArn: executionArn, stateName: "Approve",
                decision: TaskDecision(outcome: .reject(error: "Rejected", cause: "no"), decidedBy: "AKID"), output: nil, time: 1_000),
            #"{"executionArn":"\#(executionArn)","stateName":"Approve","outcome":"reject","decidedBy":"AKID","time":1000,"error":"Rejected","cause":"no"}"#
        )
    }

    @Test("bus deliveries, dead letters and review items keep their bytes")
    func busDeliveries() throws {
        var delivery = EventDelivery(
            deliveryId: "ev1/r1/t1", eventId: "ev1", busName: "default", ruleName: "r1", ruleArn: "arn:rule", targetId: "t1",
            targetArn: "arn:aws:sqs:us-east-1:123456789012:q", body: #"{"a":1}"#, eventTime: 1_000, due: 1_500,
            maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400, deadLetterArn: nil)
        let plain =
            #"{"deliveryId":"ev1/r1/t1","eventId":"ev1","bus":"default","ruleName":"r1","ruleArn":"arn:rule","targetId":"t1","targetArn":"arn:aws:sqs:us-east-1:123456789012:q","body":"{\"a\":1}","eventTime":1000,"attempt":0,"due":1500,"maximumRetryAttempts":185,"maximumEventAgeSeconds":86400,"redriveCount":0}"#
        try expectBytes(delivery, plain)
        delivery.deadLetterArn = "arn:dlq"
        delivery.lastError = "ThrottlingException"
        delivery.lastMessage = "slow down"
        delivery.messageGroupId = "g"
        delivery.event = #"{"id":"ev1"}"#
        delivery.attempt = 3
        delivery.restart(due: 2_000, record: 17)
        delivery.history.append(18)
        let full =
            #"{"deliveryId":"ev1/r1/t1","eventId":"ev1","bus":"default","ruleName":"r1","ruleArn":"arn:rule","targetId":"t1","targetArn":"arn:aws:sqs:us-east-1:123456789012:q","body":"{\"a\":1}","eventTime":1000,"attempt":0,"due":2000,"maximumRetryAttempts":185,"maximumEventAgeSeconds":86400,"redriveCount":1,"deadLetterArn":"arn:dlq","lastError":"ThrottlingException","lastMessage":"slow down","messageGroupId":"g","event":"{\"id\":\"ev1\"}","log":[17,18]}"#
        try expectBytes(delivery, full)
        let letter = DeadLetter(
            delivery: delivery, errorCode: "SDK_CLIENT_ERROR", errorMessage: "refused", time: 3_000,
            exhaustedRetryCondition: "MaximumRetryAttempts")
        let letterBytes = #"{"delivery":\#(full),"errorCode":"SDK_CLIENT_ERROR","errorMessage":"refused","time":3000,"condition":"MaximumRetryAttempts"}"#
        try expectBytes(letter, letterBytes)
        var item = DeliveryReviewItem(letter: letter)
        try expectBytes(item, #"{"letter":\#(letterBytes)}"#)
        item.resolution = "sent by hand"
        item.resolvedTime = 4_000
        try expectBytes(item, #"{"letter":\#(letterBytes),"resolution":"sent by hand","resolvedTime":4000}"#)
    }

    @Test("topic deliveries, dead letters and review items keep their bytes")
    func topicDeliveries() throws {
        var delivery = TopicDelivery(
            deliveryId: "m1/s1", messageType: "Notification", messageId: "m1", topicArn: "arn:topic", subscriptionArn: "arn:topic:s1",
            protocolName: "https", endpoint: "https://example.com/hook", body: #"{"Message":"hi"}"#, due: 1_000,
            retryPolicy: DeliveryRetryPolicy())
        let plain =
            #"{"deliveryId":"m1/s1","type":"Notification","messageId":"m1","topic":"arn:topic","subscription":"arn:topic:s1","protocol":"https","endpoint":"https://example.com/hook","body":"{\"Message\":\"hi\"}","attempt":0,"due":1000,"retry":{"min":20,"max":20,"retries":3,"noDelay":0,"minDelay":0,"maxDelay":0,"backoff":"linear"},"redriveCount":0}"#
        try expectBytes(delivery, plain)
        delivery.queueAttributes = ["a": ["DataType": "String", "StringValue": "1"]]
        delivery.groupId = "g"
        delivery.deduplicationId = "d"
        delivery.attempt = 2
        delivery.lastError = "HTTP 500"
        delivery.redriveCount = 1
        delivery.history = [5, 9]
        delivery.retryPolicy.numRetries = 5
        delivery.retryPolicy.backoffFunction = "exponential"
        let full =
            #"{"deliveryId":"m1/s1","type":"Notification","messageId":"m1","topic":"arn:topic","subscription":"arn:topic:s1","protocol":"https","endpoint":"https://example.com/hook","body":"{\"Message\":\"hi\"}","attempt":2,"due":1000,"retry":{"min":20,"max":20,"retries":5,"noDelay":0,"minDelay":0,"maxDelay":0,"backoff":"exponential"},"redriveCount":1,"history":[5,9],"attributes":{"a":{"DataType":"String","StringValue":"1"}},"group":"g","dedup":"d","lastError":"HTTP 500"}"#
        try expectBytes(delivery, full)
        var letter = try decodedFrom(#"{"delivery":\#(full),"error":"HTTP 500","time":2000}"#, as: TopicDeadLetter.self)
        #expect(letter.delivery == delivery)
        #expect(letter.deadLetterQueue == nil)
        letter.deadLetterQueue = "arn:aws:sqs:us-east-1:123456789012:dlq"
        let letterBytes = #"{"delivery":\#(full),"error":"HTTP 500","time":2000,"deadLetterQueue":"arn:aws:sqs:us-east-1:123456789012:dlq"}"#
        try expectBytes(letter, letterBytes)
        var item = TopicReviewItem(letter: letter)
        item.resolution = "ok"
        item.resolvedTime = 3_000
        try expectBytes(item, #"{"letter":\#(letterBytes),"resolution":"ok","resolvedTime":3000}"#)
    }

    @Test("history events keep their bytes")
    func historyEvents() throws {
        let head = #""i":5,"p":4,"t":1700000000123,"f":0"#
        try expectBytes(
            event(
                .executionStarted(
                    ExecutionStart(
                        input: ["n": 1], executionArn: executionArn, executionName: "e1", stateMachineArn: machineArn,
                        stateMachineName: "orders", roleArn: "arn:role", redriveCount: 0))),
            #"{\#(head),"k":"ExecutionStarted","start":{"input":{"n":1},"executionArn":"\#(executionArn)","executionName":"e1","stateMachineArn":"\#(machineArn)","stateMachineName":"orders","roleArn":"arn:role","redriveCount":0}}"#
        )
        try expectBytes(
            event(.taskScheduled(task)),
            #"{\#(head),"k":"TaskScheduled","task":{"taskId":4,"stateName":"Charge","resource":"arn:aws:states:::lambda:invoke","parameters":{"amount":12.5},"attempt":1,"enteredEventId":3,"timeoutSeconds":30,"heartbeatSeconds":10,"credentials":{"RoleArn":"arn:role"},"taskToken":"tok"}}"#
        )
        try expectBytes(
            event(.stateExited(.pass, name: "P", output: .null, assignedVariables: ["v": 1])),
            #"{\#(head),"k":"PassStateExited","type":"Pass","name":"P","output":null,"assigned":{"v":1}}"#)
        try expectBytes(
            event(.mapStateStarted(length: 2, items: [1, 2], maxConcurrency: 0, tolerance: FailureTolerance(count: 1, percentage: 50))),
            #"{\#(head),"k":"MapStateStarted","length":2,"items":[1,2],"maxConcurrency":0,"toleratedCount":1,"toleratedPercentage":50.0}"#)
        try expectBytes(
            event(
                .timerScheduled(
                    timerId: 2, due: Timestamp(millisecondsSinceEpoch: 5_000),
                    reason: .retry(retrier: 0, attempt: 1, error: "States.ALL", cause: ""))),
            #"{\#(head),"k":"SteplineTimerScheduled","timer":2,"due":5000,"reason":{"kind":"retry","retrier":0,"attempt":1,"error":"States.ALL","cause":""}}"#
        )
        try expectBytes(event(.taskFailed(taskId: 4, resource: "r", error: nil, cause: "c")), #"{\#(head),"k":"TaskFailed","task":4,"resource":"r","cause":"c"}"#)
    }

    @Test("open tasks keep the bytes of both versions")
    func openTasks() throws {
        var open = ExecutionStep.OpenTask(task: task, token: "tok", heartbeatDue: 9_000)
        open.outcome = ["output": ["ok": true]]
        let taskBytes =
            #"{"taskId":4,"stateName":"Charge","resource":"arn:aws:states:::lambda:invoke","parameters":{"amount":12.5},"attempt":1,"enteredEventId":3,"timeoutSeconds":30,"heartbeatSeconds":10,"credentials":{"RoleArn":"arn:role"},"taskToken":"tok"}"#
        let version1 = #"{"task":\#(taskBytes),"token":"tok","heartbeatDue":9000,"outcome":{"output":{"ok":true}}}"#
        let version2 = #"{"task":\#(taskBytes),"heartbeatDue":9000,"outcome":{"output":{"ok":true}}}"#
        #expect(String(decoding: open.recordJSON.bytes, as: UTF8.self) == version1)
        #expect(String(decoding: open.stepJSON.bytes, as: UTF8.self) == version2)
        #expect(try ExecutionStep.OpenTask(recordJSON: try JSONParser.parse(bytes: Array(version1.utf8)), version: 1) == open)
        #expect(try ExecutionStep.OpenTask(recordJSON: try JSONParser.parse(bytes: Array(version2.utf8)), version: 2) == open)
    }

    /// The bytes of the payloads that were `JSONValue` literals where they were written.
    @Test("deletions, heartbeats, review resolutions and tags keep their bytes")
    func smallRecords() throws {
        #expect(try decodedFrom(#"{"stateMachineArn":"\#(machineArn)"}"#, as: StateMachineDeletion.self).stateMachineArn == machineArn)
        #expect(try decodedFrom(#"{"activityArn":"arn:activity"}"#, as: ActivityDeletion.self).activityArn == "arn:activity")
        let heartbeat = try decodedFrom(#"{"executionArn":"\#(executionArn)","taskId":4,"due":9000}"#, as: TaskHeartbeat.self)
        #expect(heartbeat.taskId == 4 && heartbeat.due == 9_000)
        #expect(try decodedFrom(#"{"executionArn":"\#(executionArn)","reason":"fixed","time":1000}"#, as: ReviewResolution.self).reason == "fixed")
        #expect(try decodedFrom(#"{"stateMachineArn":"\#(machineArn)","version":3,"time":1000}"#, as: VersionDeletion.self).version == 3)
        #expect(try decodedFrom(#"{"stateMachineArn":"\#(machineArn)","name":"PROD","time":1000}"#, as: AliasDeletion.self).name == "PROD")
        let added = try decodedFrom(
            #"{"resourceArn":"\#(machineArn)","tags":[{"key":"team","value":"media"},{"key":"env","value":"prod"}],"time":1000}"#,
            as: TagsAdded.self)
        #expect(added.tags == [ResourceTag(key: "team", value: "media"), ResourceTag(key: "env", value: "prod")])
        #expect(try decodedFrom(#"{"resourceArn":"\#(machineArn)","keys":["team"],"time":1000}"#, as: TagsRemoved.self).keys == ["team"])
        try expectBytes([ResourceTag(key: "team", value: "media")], #"[{"key":"team","value":"media"}]"#)
    }

    @Test("a malformed payload names the member that is wrong")
    func decodingErrorNamesTheMember() throws {
        let json = try JSONParser.parse(bytes: Array(#"{"stateMachineArn":"a","name":"n","input":"{}","time":"soon"}"#.utf8))
        let error = #expect(throws: RecordDecodingError.self) { try StartCommand(recordJSON: json) }
        #expect(error?.message.contains("time") == true)
    }
}
