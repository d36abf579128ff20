import Foundation
import Hummingbird
import HummingbirdTesting
import JSON
import Logging
import Messaging
import Runtime
import Stepline
import SteplineTesting
import TestSupport
import Testing
import Workflows

@testable import SteplineServer
@testable import Topics

/// Topic deliveries on the dead-letters page: redrive, then retry and resolve in review.
@Suite("Console topic deliveries")
struct ConsoleTopicDeliveriesTests {
    static let lambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:notify"

    @Test("a dead topic delivery is redriven from the dead-letters page, fails into review, is retried and resolved")
    func topicDeliveryRedriveRetryResolve() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(
            directory.path, clock: SystemClock(),
            configure: { configuration in
                // The subscriber is down for the whole test: every attempt fails.
                configuration.inProcessHandlers[Self.lambdaArn] = { _ in throw TaskFailure(error: "Unavailable", cause: "notify is down") }
            }
        ) { stepline in
            try await redriveRetryResolve(stepline.engine, stepline.topics, dataDirectory: directory.path)
        }
    }

    func redriveRetryResolve(_ engine: Engine, _ topics: TopicService, dataDirectory directory: String) async throws {
        let topic = try await topics.createTopic(name: "notifications", attributes: [:])
        _ = try await topics.subscribe(
            topicArn: topic, protocol: "lambda", endpoint: Self.lambdaArn,
            attributes: [("DeliveryPolicy", #"{"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 0}}"#)])
        _ = try await topics.publish(topicArn: topic, entries: [PublishEntry(message: "ping")])
        #expect(try await eventually { try topics.deadLetters().count == 1 })
        let id = try #require(try topics.deadLetters().first).delivery.deliveryId
        let row = #"<tr class="failed-delivery" data-delivery="\#(id)">"#

        let app = buildApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
            console: ConsoleConfiguration(engine: engine, topics: topics, dataDirectory: directory),
            telemetry: ServerTelemetry(),
            logger: Logger(label: "test")
        )
        try await app.test(.router) { client in
            var browser = ConsoleRoutesTests.Browser()
            let page = ConsoleRoutesTests.body(try await browser.get(client, "/console/dead-letters"))
            #expect(page.contains(#"<table id="topic-dead-letters">"#) && page.contains(row))
            // Like every console action, a redrive without the session's CSRF token changes nothing.
            let forged = try await browser.post(client, "/console/topic-deliveries/redrive", ["id": id], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(try topics.deadLetters().count == 1)

            let redriven = try await browser.post(client, "/console/topic-deliveries/redrive", ["id": id])
            #expect(redriven.headers[.location]?.hasPrefix("/console/dead-letters?ok=") == true)
            #expect(try await eventually { try topics.reviewItems().count == 1 })
            let review = ConsoleRoutesTests.body(try await browser.get(client, "/console/dead-letters"))
            #expect(review.contains(#"<table id="topic-review">"#) && review.contains("/console/topic-reviews/retry"))
            #expect(review.contains("No topic delivery is dead-lettered."))

            _ = try await browser.post(client, "/console/topic-reviews/retry", ["id": id])
            #expect(try await eventually { try topics.reviewItems().first?.letter.delivery.redriveCount == 2 })

            let resolved = try await browser.post(client, "/console/topic-reviews/resolve", ["id": id, "reason": "notify retired"])
            #expect(resolved.headers[.location]?.hasPrefix("/console/dead-letters?ok=") == true)
            let after = ConsoleRoutesTests.body(try await browser.get(client, "/console/dead-letters"))
            #expect(after.contains("notify retired") && !after.contains("/console/topic-reviews/retry"))
        }
        #expect(try topics.reviewItems(includeResolved: true).map(\.resolution) == ["notify retired"])
    }
}
