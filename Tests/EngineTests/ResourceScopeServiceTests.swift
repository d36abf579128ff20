import EventBuses
import Foundation
import JSON
import Queues
import Runtime
import Stepline
import SteplineTesting
import TestSupport
import Testing
import Topics
import Workflows

/// Resources kept per account and region (``ResourceScope``) by every service, on one log.
@Suite struct ResourceScopeServiceTests {
    let europe = ResourceScope(account: "123456789012", region: "eu-west-1")
    let otherAccount = ResourceScope(account: "111122223333", region: "us-east-1")

    @Test func aQueueNameInTwoScopesIsTwoQueuesListedOnlyInTheirOwnScope() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(directory.path) { stepline in
            let queues = stepline.queues
            let home = try await queues.createQueue(name: "orders", attributes: [:])
            let away = try await queues.createQueue(name: "orders", attributes: ["VisibilityTimeout": "5"], in: europe)
            #expect(home.arn == "arn:aws:sqs:us-east-1:123456789012:orders")
            #expect(away.arn == "arn:aws:sqs:eu-west-1:123456789012:orders")
            #expect(try queues.listQueues().map(\.arn) == [home.arn])
            #expect(try queues.listQueues(prefix: "ord", in: europe).map(\.arn) == [away.arn])
            #expect(try queues.listQueues(in: otherAccount).isEmpty)
            _ = try await queues.send(queueArn: away.arn, messages: [OutgoingMessage(body: "hello")])
            #expect(try await queues.receive(queueArn: home.arn, waitSeconds: 0).isEmpty)
            #expect(try await queues.receive(queueArn: away.arn, waitSeconds: 0).map(\.body) == ["hello"])
        }
    }

    @Test func aQueueURLSaysItsRegionAndAccountOrTakesTheCallers() {
        let base = "http://127.0.0.1:8423"
        let away = QueueAddress(name: "orders", scope: europe)
        #expect(away.url(base: base, defaultRegion: "us-east-1") == "\(base)/queue/eu-west-1/123456789012/orders")
        #expect(QueueAddress(name: "orders", scope: otherAccount).url(base: base, defaultRegion: "us-east-1") == "\(base)/111122223333/orders")
        #expect(QueueAddress(url: "\(base)/queue/eu-west-1/123456789012/orders", fallback: otherAccount) == away)
        #expect(QueueAddress(url: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders", fallback: otherAccount) == away)
        // A URL that does not say its region is the caller's region.
        #expect(QueueAddress(url: "\(base)/123456789012/orders", fallback: ResourceScope(account: "111122223333", region: "eu-west-1")) == away)
        #expect(QueueAddress(url: "orders", fallback: europe) == nil)
    }

    @Test func topicsAndStateMachinesListOnlyTheirScopeAndExecutionsTakeTheirMachinesScope() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(directory.path) { stepline in
            let home = try await stepline.topics.createTopic(name: "alerts", attributes: [:])
            let away = try await stepline.topics.createTopic(name: "alerts", attributes: [:], in: europe)
            #expect(away == "arn:aws:sns:eu-west-1:123456789012:alerts")
            #expect(try stepline.topics.listTopics() == [home])
            #expect(try stepline.topics.listTopics(in: europe) == [away])
            #expect(try stepline.topics.topicAttributes(arn: away)["Owner"] == "123456789012")

            let definition = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#
            let machine = try await stepline.engine.createStateMachine(name: "flow", definition: definition, in: europe)
            #expect(machine.stateMachineArn == "arn:aws:states:eu-west-1:123456789012:stateMachine:flow")
            #expect(try stepline.engine.listStateMachines().isEmpty)
            #expect(try stepline.engine.listStateMachines(in: europe).map(\.stateMachineArn) == [machine.stateMachineArn])
            let started = try await stepline.engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "run-1", input: nil)
            #expect(started.executionArn == "arn:aws:states:eu-west-1:123456789012:execution:flow:run-1")
            let activity = try await stepline.engine.createActivity(name: "review", in: otherAccount)
            #expect(activity.activityArn == "arn:aws:states:us-east-1:111122223333:activity:review")
            #expect(try stepline.engine.listActivities().isEmpty)
        }
    }

    @Test func aTaskStatesQueueURLAndBusNameAreThoseOfItsExecutionsScope() async throws {
        let directory = TemporaryDirectory()
        try await withIntegrations(directory.path) { engine, buses, queues in
            let queue = try await queues.createQueue(name: "out", attributes: [:], in: europe)
            // A URL without region names the execution's region's queue; the bus is the execution's default bus,
            // which this first use of the scope makes.
            let parameters = #"{"QueueUrl": "http://localhost:8423/123456789012/out", "MessageBody": "hi"}"#
            let sender = try await engine.createStateMachine(
                name: "send",
                definition: integrationMachine("arn:aws:states:::sqs:sendMessage", parameters),
                in: europe
            )
            let sent = try await engine.startExecution(stateMachineArn: sender.stateMachineArn)
            #expect(try await engine.awaitCompletion(executionArn: sent.executionArn).output?["error"] == nil)
            #expect(try await queues.receive(queueArn: queue.arn, waitSeconds: 0).map(\.body) == ["hi"])

            let entries = #"{"Entries": [{"Source": "shop", "DetailType": "t", "Detail": {}}]}"#
            let putter = try await engine.createStateMachine(
                name: "put",
                definition: integrationMachine("arn:aws:states:::events:putEvents", entries),
                in: europe
            )
            let put = try await engine.startExecution(stateMachineArn: putter.stateMachineArn)
            let done = try await engine.awaitCompletion(executionArn: put.executionArn)
            #expect(done.output?["error"] == nil)
            #expect(done.output?["result"]?["FailedEntryCount"] == 0)
            #expect(try buses.listEventBuses(namePrefix: nil, in: europe).count == 1)
        }
    }

    @Test func busesOfAnotherScopeKeepTheDefaultScopesKeysRouteTheirOwnEventsAndSurviveARestart() async throws {
        let directory = TemporaryDirectory()
        let inbox = try await withStepline(directory.path) { stepline in
            let buses = stepline.buses
            let queue = try await stepline.queues.createQueue(name: "inbox", attributes: [:], in: europe)
            try await buses.ensureDefaultBus(in: europe)
            #expect(
                try buses.listEventBuses(namePrefix: nil, in: europe).compactMap { $0["Arn"]?.stringValue } == [
                    "arn:aws:events:eu-west-1:123456789012:event-bus/default"
                ]
            )
            // The default scope's bus keeps its plain key; the other scope's is qualified.
            #expect(try buses.listEventBuses(namePrefix: nil).compactMap { $0["Name"]?.stringValue } == ["default"])
            #expect(buses.busName(nil, in: europe) == "123456789012:eu-west-1:default")
            _ = try await buses.createEventBus(name: "orders", description: nil)
            _ = try await buses.createEventBus(name: "orders", description: nil, in: europe)
            #expect(try buses.storedBus("orders")?["Arn"]?.stringValue == "arn:aws:events:us-east-1:123456789012:event-bus/orders")
            #expect(
                try buses.storedBus("123456789012:eu-west-1:orders")?["Arn"]?.stringValue == "arn:aws:events:eu-west-1:123456789012:event-bus/orders"
            )
            let bus = buses.busName("default", in: europe)
            let rule = try await buses.putRule(RuleDefinition(name: "shipped", eventBusName: bus, eventPattern: #"{"source": ["shop"]}"#))
            #expect(rule == "arn:aws:events:eu-west-1:123456789012:rule/shipped")
            #expect(try await buses.putTargets(bus: bus, rule: "shipped", targets: [["Id": "q", "Arn": .string(queue.arn)]]).isEmpty)
            #expect(try buses.listRules(bus: nil, namePrefix: nil).isEmpty)
            return queue.arn
        }
        try await withStepline(directory.path) { stepline in
            let entry = EventEntry(source: "shop", detailType: "shipped", detail: "{}", eventBusName: stepline.buses.busName(nil, in: europe))
            #expect(try await stepline.buses.putEvents([entry]).allSatisfy { $0.eventId != nil })
            let received = try await stepline.queues.receive(queueArn: inbox, waitSeconds: 10)
            let event = try JSONParser.parse(try #require(received.first).body)
            #expect(event["region"]?.stringValue == "eu-west-1")
        }
    }
}
