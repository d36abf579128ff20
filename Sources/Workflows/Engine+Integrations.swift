package import EventLog
import Foundation
import JSON
import LMDB
package import Runtime
package import StatesLanguage

/// The Stepline services Task states reach through AWS's optimized integrations
/// (``Runtime/TaskIntegration``), by base resource: queues (`sqs:sendMessage`), topics
/// (`sns:publish`) and buses (`events:putEvents`) register themselves with
/// ``Engine/register(_:)`` before ``Engine/run()`` starts. A Task state naming one that
/// is not registered fails with `States.TaskFailed` naming what is missing.
package struct ServiceIntegrations: Sendable {
    package var byResource: [String: any TaskIntegration] = [:]

    /// The resources Stepline runs itself, whether or not their service is registered.
    package static let resources: Set<String> = [
        "arn:aws:states:::events:putEvents", "arn:aws:states:::sqs:sendMessage", "arn:aws:states:::sns:publish",
    ]

    package static func runs(_ resource: String) -> Bool { resources.contains(TaskHandlerMap.baseResource(resource)) }
}

/// A step whose record would nest deeper than ``JSON/JSONParser/maximumDepth``,
/// so the log's index could not read it back. Thrown before anything is
/// queued: such a record would otherwise fail inside the group commit.
package struct UnrecordableStep: Error, CustomStringConvertible {
    package var arn: String
    /// How deep the record would nest.
    package var depth: Int

    package var message: String {
        "The step of \(arn) would be recorded \(depth) levels deep, more than the \(JSONParser.maximumDepth) levels the log can read back"
            + " (a value nested too deep, for example by States.StringToJson)."
    }

    package var description: String { message }
}

extension Engine {
    /// Lets Task states reach `integration` (`sqs:sendMessage`, `sns:publish`, `events:putEvents`).
    package func register(_ integration: any TaskIntegration) {
        for resource in integration.integratedResources { integrations.byResource[resource] = integration }
    }

    /// Appends the step record, with the effects of the integration tasks it opens, the
    /// start commands of its `states:startExecution` tasks and `companions` in the same
    /// transaction, and returns the step with their outcomes.
    package func appendStep(
        _ step: ExecutionStep,
        arn: String,
        stream: UInt64,
        at time: Int64,
        companions: [Record] = []
    ) async throws -> ExecutionStep {
        var result = step
        // The starts the step's `states:startExecution` tasks ask for, applied once from the log.
        let companions =
            step.tasksOpened.filter { Self.isStartExecution($0.task.resource) }.map { opened in
                let key = Self.idempotencyKey(arn, opened.task, redriveCount: step.row.redriveCount)
                return Self.startCommand(for: opened.task, of: arn, key: key, at: time).record(stream: StreamID(stream))
            } + companions
        var effects: [(index: Int, perform: @Sendable (AppendTransaction) throws -> TaskOutcome)] = []
        for (index, opened) in step.tasksOpened.enumerated() where ServiceIntegrations.runs(opened.task.resource) {
            let base = TaskHandlerMap.baseResource(opened.task.resource)
            guard let integration = integrations.byResource[base] else {
                result.tasksOpened[index].outcome = TaskOutcome.failed(
                    error: StatesError.Name.taskFailed, cause: "\(base) needs a service this engine runs without.").recordJSON
                continue
            }
            let task = IntegrationTask(
                resource: opened.task.resource, parameters: opened.task.parameters, executionArn: arn,
                stateMachineArn: step.row.stateMachineArn, time: time)
            switch await integration.prepare(task) {
            case .refused(let failure):
                result.tasksOpened[index].outcome = failure.recordJSON
            case .perform(let perform):
                effects.append((index, perform))
            }
        }
        @Sendable func record(_ step: ExecutionStep) -> Record {
            step.record(stream: stream, at: time)
        }
        guard !effects.isEmpty else {
            let stepRecord = record(result)
            try Self.checkRecordable(stepRecord, of: arn)
            try await log.append([stepRecord] + companions)
            return result
        }
        // The outcomes the effects add are a few shallow levels, inside `tasks+` as the parameters are.
        try Self.checkRecordable(record(result), of: arn)
        // An effect reads its service as of this transaction (FIFO deduplication), so
        // its outcome is known only inside it; the step record follows the effects.
        let (pending, performing) = (result, effects)
        result = try await log.transact { append in
            var step = pending
            for effect in performing {
                step.tasksOpened[effect.index].outcome = try effect.perform(append).recordJSON
            }
            try append.append(record(step))
            for companion in companions { try append.append(companion) }
            return step
        }
        return result
    }

    /// Throws ``UnrecordableStep`` when the step record nests deeper than the log's index parses.
    package static func checkRecordable(_ record: Record, of arn: String) throws(UnrecordableStep) {
        // The payload's first 4 bytes are the summary's length, binary, not JSON.
        let depth = JSONNesting.depth(of: record.payload.dropFirst(4))
        guard JSONNesting.isReadable(depth: depth) else { throw UnrecordableStep(arn: arn, depth: depth) }
    }

    // MARK: Delivering the outcome

    /// Delivers what an integration task's step recorded: its result, its failure,
    /// or (`.waitForTaskToken` after a successful put or send) nothing, since the
    /// answer comes with the token. A task that is no longer pending was answered.
    /// Returns `false` when the task has no recorded outcome (a log older than integrations).
    package nonisolated func deliverIntegrationOutcome(_ arn: String, _ task: ScheduledTask) async -> Bool {
        guard let bytes = try? readValue(Keys.task(arn, task.taskId), in: .pendingTasks),
            let pending = try? ExecutionStep.OpenTask(recordBytes: bytes)
        else { return true }
        guard let recorded = pending.outcome, let outcome = TaskOutcome(recordJSON: recorded) else { return false }
        if case .succeeded = outcome, task.resource.hasSuffix(".waitForTaskToken") { return true }
        await deliver(arn, task.taskId, outcome)
        return true
    }
}
