import EventBuses
import EventLog
import Foundation
import JSON
import Queues
import TestSupport
import Testing
import Workflows

@Suite struct WebhookTests {
    @Test func aDeliveryIdIsAcceptedOnceAndAnsweredWithTheSameEventIdAfterARestart() async throws {
        let directory = TemporaryDirectory()
        let entry = upload("a.mp4")
        let first = try await withBuses(directory.path) { (_: Engine, buses: EventBuses) async throws in
            let jobs = try await buses.queues.createQueue(name: "jobs", attributes: [:])
            _ = try await buses.putRule(RuleDefinition(name: "uploads", eventPattern: uploadPattern))
            _ = try await buses.putTargets(bus: nil, rule: "uploads", targets: [["Id": "jobs", "Arn": .string(jobs.arn)]])
            async let one = buses.acceptWebhook(entry, idempotencyKey: "webhook/partner/d-1")
            async let two = buses.acceptWebhook(entry, idempotencyKey: "webhook/partner/d-1")
            let answers = try await [one, two]
            #expect(Set(answers.map(\.eventId)).count == 1)
            #expect(answers.filter(\.duplicate).count == 1)
            #expect(try await buses.queues.receive(queueArn: jobs.arn, maxMessages: 10, waitSeconds: 0).count == 1)
            #expect(try buses.log.verify().isClean)
            return answers[0].eventId
        }
        try await withBuses(directory.path) { (_: Engine, buses: EventBuses) async throws in
            let again = try await buses.acceptWebhook(entry, idempotencyKey: "webhook/partner/d-1")
            #expect(again.eventId == first && again.duplicate)
            let other = try await buses.acceptWebhook(entry, idempotencyKey: "webhook/partner/d-2")
            #expect(!other.duplicate && other.eventId != first)
        }
    }

    @Test func theWebhooksFileNamesItsSecretsEnvironmentVariableAndRefusesAMissingOne() throws {
        let document: JSONValue = [
            "webhooks": [["name": "partner", "source": "partner.uploads", "detailType": "Object Created", "secretEnvironment": "PARTNER_SECRET"]]
        ]
        let webhooks = try WebhookConfiguration.parse(document, environment: ["PARTNER_SECRET": "s"])
        #expect(webhooks.map(\.secret) == ["s"])
        #expect(webhooks.first?.bus == "default")
        #expect(webhooks.first?.signatureHeader == "X-Stepline-Signature")
        #expect(throws: WebhookConfigurationError.self) { try WebhookConfiguration.parse(document, environment: [:]) }
        let unnamed: JSONValue = ["webhooks": [["source": "s", "detailType": "d", "secretEnvironment": "PARTNER_SECRET"]]]
        do {
            _ = try WebhookConfiguration.parse(unnamed, environment: ["PARTNER_SECRET": "s"])
            Issue.record("a webhook without a name was accepted")
        } catch let error as WebhookConfigurationError {
            #expect(error.message == "webhooks: /webhooks/0/name is required (a non-empty string)")
        }
    }
}
