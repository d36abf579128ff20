import EventLog
import Foundation
import JSON
import Runtime
import TestSupport
import Testing
import Workflows

private func pass(_ result: String) -> String {
    #"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "\#(result)", "End": true}}}"#
}

@Suite struct StateMachineVersionsTests {
    @Test func versionsAreNumberedInOrderAndNotReusedAfterDeletion() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path) { engine in
            let versions = StateMachineVersions(engine: engine)
            let machine = try await engine.createStateMachine(name: "numbers", definition: pass("1"))
            let first = try await versions.publish(stateMachineArn: machine.stateMachineArn)
            #expect(first.versionArn == machine.stateMachineArn + ":1")
            _ = try await engine.updateStateMachine(arn: machine.stateMachineArn, definition: pass("2"), roleArn: nil)
            let second = try await versions.publish(stateMachineArn: machine.stateMachineArn)
            try await versions.deleteVersion(arn: second.versionArn)
            _ = try await engine.updateStateMachine(arn: machine.stateMachineArn, definition: pass("3"), roleArn: nil)
            let third = try await versions.publish(stateMachineArn: machine.stateMachineArn)
            #expect(third.version == 3)
            #expect(try versions.versions(of: machine.stateMachineArn).map(\.version) == [3, 1])
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test func aVersionStartRunsItsRevisionAfterTheMachineChanged() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path) { engine in
            let versions = StateMachineVersions(engine: engine)
            let machine = try await engine.createStateMachine(name: "pinned", definition: pass("old"))
            let version = try await versions.publish(stateMachineArn: machine.stateMachineArn)
            _ = try await engine.updateStateMachine(arn: machine.stateMachineArn, definition: pass("new"), roleArn: nil)
            let target = try versions.resolve(version.versionArn)
            let started = try await engine.startExecution(
                stateMachineArn: target.stateMachineArn,
                revisionId: target.revisionId,
                versionArn: target.versionArn
            )
            let finished = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(finished.output == "old")
            #expect(finished.stateMachineVersionArn == version.versionArn)
        }
    }

    @Test func anAliasRoutesEveryStartToTheVersionWithAllTheWeight() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path) { engine in
            let versions = StateMachineVersions(engine: engine)
            let machine = try await engine.createStateMachine(name: "routed", definition: pass("a"))
            let one = try await versions.publish(stateMachineArn: machine.stateMachineArn)
            _ = try await engine.updateStateMachine(arn: machine.stateMachineArn, definition: pass("b"), roleArn: nil)
            let two = try await versions.publish(stateMachineArn: machine.stateMachineArn)
            let alias = try await versions.createAlias(
                name: "LIVE",
                description: nil,
                routing: [.init(versionArn: one.versionArn, weight: 0), .init(versionArn: two.versionArn, weight: 100)]
            )
            for _ in 0..<20 {
                let target = try versions.resolve(alias.aliasArn)
                #expect(target.versionArn == two.versionArn)
                #expect(target.aliasArn == alias.aliasArn)
            }
        }
    }

    @Test func routingThatDoesNotAddUpOrNamesTwoMachinesIsRefused() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path) { engine in
            let versions = StateMachineVersions(engine: engine)
            let a = try await engine.createStateMachine(name: "ma", definition: pass("a"))
            let b = try await engine.createStateMachine(name: "mb", definition: pass("b"))
            let va = try await versions.publish(stateMachineArn: a.stateMachineArn)
            let vb = try await versions.publish(stateMachineArn: b.stateMachineArn)
            await #expect(throws: EngineError.self) {
                try await versions.createAlias(name: "X", description: nil, routing: [.init(versionArn: va.versionArn, weight: 90)])
            }
            let mixed = await #expect(throws: EngineError.self) {
                try await versions.createAlias(
                    name: "X",
                    description: nil,
                    routing: [.init(versionArn: va.versionArn, weight: 50), .init(versionArn: vb.versionArn, weight: 50)]
                )
            }
            #expect(mixed?.code == .validation)
        }
    }

    @Test func deletingAMachineDropsItsVersionsAliasesAndTagsFromTheRebuiltViews() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path) { engine in
            let versions = StateMachineVersions(engine: engine)
            let machine = try await engine.createStateMachine(name: "gone", definition: pass("a"))
            let version = try await versions.publish(stateMachineArn: machine.stateMachineArn)
            _ = try await versions.createAlias(name: "LIVE", description: nil, routing: [.init(versionArn: version.versionArn, weight: 100)])
            try await versions.tag(resourceArn: machine.stateMachineArn, tags: [ResourceTag(key: "team", value: "media")])
            try await engine.deleteStateMachine(arn: machine.stateMachineArn)
            #expect(try versions.version(arn: version.versionArn) == nil)
            #expect(try versions.alias(arn: machine.stateMachineArn + ":LIVE") == nil)
            #expect(try versions.tags(of: machine.stateMachineArn).isEmpty)
            #expect(try engine.log.verify().isClean)
        }
    }
}
