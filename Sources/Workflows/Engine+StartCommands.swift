package import EventLog
import Foundation
import JSON
import LMDB
import Logging
import Runtime
package import StatesLanguage

/// Starting executions from the log: `states:startExecution` tasks and the start
/// commands of rules and pipes (``StartCommand``).
///
/// A parent's step that schedules a `states:startExecution` task (plain, `.sync`,
/// `.sync:2`) carries the child's ``StartCommand`` in its own transaction. A commit
/// observer hands every committed command to ``run()``, which applies it once (``applyStartCommand(_:_:)``);
/// recovery applies those that `engine.startCommands` still holds. Applying a parent's
/// command then answers the parent: at once for a plain task, when the child ends for
/// `.sync` and `.sync:2`.
extension Engine {
    /// The base resource of the `states:startExecution` integration.
    package static let startExecutionResource = "arn:aws:states:::states:startExecution"

    package static func isStartExecution(_ resource: String) -> Bool {
        TaskHandlerMap.baseResource(resource) == startExecutionResource
    }

    /// The command a parent's `states:startExecution` task writes with the step that schedules it.
    ///
    /// The child's name is the task's `Name`, or one derived from the task's idempotency
    /// key `key` (so it is the same however often it is computed: ``syncChildren(of:_:)``
    /// finds the child by it).
    package static func startCommand(for task: ScheduledTask, of arn: String, key: String, at time: Int64) -> StartCommand {
        let parameters = task.parameters
        let input: String
        switch parameters["Input"] {
        case .string(let text)?: input = text
        case let value?: input = value.serialized
        case nil: input = "{}"
        }
        return StartCommand(
            stateMachineArn: parameters["StateMachineArn"]?.stringValue ?? "",
            name: parameters["Name"]?.stringValue ?? childName(key),
            input: input,
            time: time,
            parent: StartCommand.Parent(executionArn: arn, taskId: task.taskId, resource: task.resource)
        )
    }

    /// The ARN the command's execution gets, read off the state machine ARN
    /// (`arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`); `nil` when it is not one.
    package nonisolated func executionArn(of command: StartCommand) -> String? {
        let parts = command.stateMachineArn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 7, parts[5] == "stateMachine" else { return nil }
        return executionArn(machineName: String(parts[6]), name: command.name, in: context.scope(ofArn: command.stateMachineArn))
    }

    /// A valid execution name derived from an idempotency key (stable across re-dispatches).
    package static func childName(_ key: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in key.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            second = (second ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 0x9e37
        }
        return String(hash, radix: 16) + String(second, radix: 16)
    }

    // MARK: Following and recovering

    /// Hands every start command to ``run()``'s effects as it commits, whoever's
    /// transaction wrote it (a parent's step, a rule's or a pipe's delivery): a commit
    /// observer on `execution.startRequested`, registered before recovery reads what is
    /// pending, so no command is missed (one seen twice is applied once).
    package nonisolated func observeStartCommands() {
        let (sink, logger) = (effectSink, configuration.logger)
        log.observeCommits(of: [EngineRecordKind.startRequested]) { records in
            for record in records {
                do {
                    let command = try StartCommand(recordBytes: record.payload)
                    sink.yield(.applyStart(sequence: record.sequence, command: command))
                } catch {
                    logger.info("start command unreadable", metadata: ["sequence": "\(record.sequence)", "error": "\(error)"])
                }
            }
        }
    }

    /// The commands `engine.startCommands` holds: committed and not yet applied.
    package nonisolated func pendingStartCommands() throws -> [(sequence: SequenceNumber, command: StartCommand)] {
        var commands: [(sequence: SequenceNumber, command: StartCommand)] = []
        _ = try log.read { transaction in
            try transaction.forEach(withPrefix: [], in: db(.startCommands)) { key, value in
                let sequence = SequenceNumber(key.copiedBytes().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
                commands.append((sequence, try StartCommand(recordBytes: value.copiedBytes())))
                return true
            }
        }
        return commands
    }

    // MARK: Applying

    /// Applies the command committed at `sequence` unless it was applied already, then,
    /// for a parent's task, answers the parent (at once, or when the child ends).
    package func applyStartCommand(_ sequence: SequenceNumber, _ command: StartCommand) async {
        guard let started = await applyOnce(sequence, command), let parent = command.parent else { return }
        await answerParent(parent, child: started)
    }

    /// Starts the command's execution with the mark that the command was applied, in
    /// one transaction, or records the refusal (failing the parent's task with it).
    /// Returns the execution started (or found running with the same input); `nil` when
    /// the command was applied already, was refused, or the log failed (it stays
    /// pending and is applied when the engine opens again).
    ///
    /// Exactly once: the command's own lock is held from the look at `engine.startCommands`
    /// until the mark is committed and indexed, so a second applier (recovery and the
    /// follower both saw it) finds it applied.
    private func applyOnce(_ sequence: SequenceNumber, _ command: StartCommand) async -> StartedExecution? {
        let lock = "\u{0}start-command \(sequence.rawValue)"
        await acquire(lock)
        defer { release(lock) }
        let refusal: (error: String, cause: String)
        do {
            guard try readValue(StartCommand.key(sequence), in: .startCommands) != nil else { return nil }
            guard !command.stateMachineArn.isEmpty else {
                throw CommandRefusal(error: StatesError.Name.runtime, cause: "states:startExecution needs Parameters.StateMachineArn")
            }
            return try await startExecution(
                stateMachineArn: command.stateMachineArn, name: command.name, input: command.input,
                parentExecutionArn: command.parent?.executionArn, applying: sequence)
        } catch let error as CommandRefusal {
            refusal = (error.error, error.cause)
        } catch let error as EngineError {
            refusal = ("StepFunctions.\(error.code.rawValue)Exception", error.message)
        } catch let error as ServiceError where error.kind == .storage || error.kind == .internal {
            configuration.logger.info(
                "start command not applied", metadata: ["sequence": "\(sequence)", "error": "\(error)"])
            return nil
        } catch {
            refusal = (StatesError.Name.taskFailed, "\(error)")
        }
        await refuse(sequence, command, error: refusal.error, cause: refusal.cause)
        return nil
    }

    /// A command that cannot be applied, with the error the parent's task fails with.
    private struct CommandRefusal: Error {
        var error: String
        var cause: String
    }

    /// Records that the command at `sequence` was refused: in the step that fails the
    /// parent's task with the refusal, or alone (no parent, or its task closed meanwhile).
    private func refuse(_ sequence: SequenceNumber, _ command: StartCommand, error: String, cause: String) async {
        let applied = StartApplied(command: sequence, error: error, cause: cause)
        // The parent's step that wrote the command may be committed and not yet in memory
        // (its observer ran first): a new parent is not in `open` until that step is taken in.
        if let parent = command.parent { await settle(parent.executionArn) }
        if let parent = command.parent, let stream = open[parent.executionArn]?.row.stream {
            do {
                try await advance(
                    parent.executionArn, .taskFailed(taskId: parent.taskId, error: error, cause: cause),
                    applying: applied.record(stream: StreamID(stream), at: now()))
                return
            } catch let closed as EngineError where closed.code == .executionDoesNotExist || closed.code == .taskDoesNotExist {
                // The parent's task closed (stopped, timed out) before the command was applied.
            } catch {
                configuration.logger.info(
                    "start command refusal not recorded", metadata: ["sequence": "\(sequence)", "error": "\(error)"])
                return
            }
        } else if command.parent == nil {
            configuration.logger.info(
                "start command refused",
                metadata: ["sequence": "\(sequence)", "stateMachine": "\(command.stateMachineArn)", "error": "\(error)", "cause": "\(cause)"]
            )
        }
        do {
            try await log.append([applied.record(stream: .none, at: now())])
        } catch {
            configuration.logger.info(
                "start command refusal not recorded", metadata: ["sequence": "\(sequence)", "error": "\(error)"])
        }
    }

    /// Answers a parent's `states:startExecution` task whose child started: with the
    /// child's ARN and start date for a plain task; for `.sync` and `.sync:2`, with the
    /// child's outcome once it ends (stopping the child instead when the parent no longer
    /// waits for it).
    package nonisolated func answerParent(_ parent: StartCommand.Parent, child started: StartedExecution) async {
        let (arn, taskId, resource) = (parent.executionArn, parent.taskId, parent.resource)
        guard resource.hasSuffix(".sync") || resource.hasSuffix(".sync:2") else {
            await deliver(
                arn,
                taskId,
                .succeeded([
                    "ExecutionArn": .string(started.executionArn),
                    "StartDate": .string(Timestamp(millisecondsSinceEpoch: started.startDate).iso8601),
                ])
            )
            return
        }
        // A parent stopped before its child started did not see the child: stop it now.
        // (After any command of the parent in flight, whose stop may be committed but not yet in memory.)
        await settle(arn)
        if await open[arn]?.state.openTasks[taskId] == nil {
            _ = try? await stopExecution(arn: started.executionArn, cause: "The parent execution \(arn) was stopped.")
            return
        }
        guard let child = try? await awaitCompletion(executionArn: started.executionArn) else { return }
        let parsedOutput = resource.hasSuffix(":2")
        var described: JSONObject = [
            "ExecutionArn": .string(child.executionArn), "StateMachineArn": .string(child.stateMachineArn),
            "Name": .string(child.name), "Status": .string(child.status.rawValue),
            "StartDate": .string(Timestamp(millisecondsSinceEpoch: child.startDate).iso8601),
            "Input": parsedOutput ? child.input : .string(child.input.serialized),
        ]
        if let stop = child.stopDate { described["StopDate"] = .string(Timestamp(millisecondsSinceEpoch: stop).iso8601) }
        if let output = child.output { described["Output"] = parsedOutput ? output : .string(output.serialized) }
        if child.status == .succeeded {
            await deliver(arn, taskId, .succeeded(.object(described)))
        } else {
            if let error = child.error { described["Error"] = .string(error) }
            if let cause = child.cause { described["Cause"] = .string(cause) }
            await deliver(arn, taskId, .failed(error: StatesError.Name.taskFailed, cause: JSONValue.object(described).serialized))
        }
    }

    /// Carries on with a `states:startExecution` task recovery found open and whose
    /// command is not pending: the command was applied and its child started, so the
    /// parent is answered as ``answerParent(_:child:)`` does. A task of a log written
    /// before start commands has none: its command is written now (and applied from the
    /// log) unless its child was started then.
    package nonisolated func resumeChild(_ arn: String, _ task: ScheduledTask, key: String) async {
        let command = Self.startCommand(for: task, of: arn, key: key, at: context.now())
        // Force-unwrap proven: `startCommand(for:of:key:at:)` always names the parent task.
        let parent = command.parent!
        if let childArn = executionArn(of: command), let child = try? storedExecution(childArn) {
            await answerParent(parent, child: StartedExecution(executionArn: childArn, startDate: child.startDate))
            return
        }
        guard let stream = try? storedExecution(arn)?.stream else { return }
        do { try await log.append([command.record(stream: StreamID(stream))]) } catch {
            configuration.logger.info("start command not written", metadata: ["execution": "\(arn)", "error": "\(error)"])
        }
    }
}
