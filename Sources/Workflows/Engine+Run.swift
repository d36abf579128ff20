import EventLog
import Foundation
import JSON
import LMDB
import Logging
package import Runtime
public import ServiceLifecycle
package import StatesLanguage

extension Engine: Service {
    /// Dispatches tasks and fires timers until cancelled (graceful shutdown).
    ///
    /// Tasks are dispatched after their step committed, at most
    /// ``Configuration/maxConcurrentTasks`` at once; their results come back as
    /// commands. Timers wait on ``scheduler``, which this runs (or stands by for,
    /// when another service sharing it drives it): a timer fires when its due
    /// time comes, one that came due while the process was down fires at once,
    /// and one that already fired is refused by the core, so none fires twice.
    public nonisolated func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.scheduler.run() }
            var running = 0
            for await effect in effects {
                if running >= configuration.maxConcurrentTasks {
                    await group.next()
                    running -= 1
                }
                running += 1
                group.addTask { await self.perform(effect) }
            }
            group.cancelAll()
        }
    }

    package func fire(_ entry: TimerEntry) async {
        let arn = entry.executionArn
        switch entry.kind {
        case .core(let timerId):
            guard open[arn]?.state.timers[timerId] != nil else { return }
            do { try await advance(arn, .timerFired(timerId: timerId)) } catch {
                configuration.logger.debug("timer refused", metadata: ["execution": "\(arn)", "error": "\(error)"])
            }
        case .heartbeat(let token):
            guard heartbeatDeadlines[token] == entry.due, let location = tokens[token] else { return }
            await acquire(arn)
            defer { release(arn) }
            guard let execution = open[arn] else { return }
            var state = execution.state
            let time = now()
            state.resourceUnavailable = resourceCheck
            do {
                let events = try state.handleTaskTimeout(
                    taskId: location.taskId,
                    error: StatesError.Name.heartbeatTimeout,
                    now: Timestamp(millisecondsSinceEpoch: time),
                    entropy: UInt64.random(in: 0...UInt64.max, using: &random),
                    tokenSecret: tokenSecret()
                )
                _ = try await commit(arn, before: execution, state: state, row: execution.row, events: events, at: time)
            } catch {
                configuration.logger.debug("heartbeat timeout refused", metadata: ["execution": "\(arn)", "error": "\(error)"])
            }
        }
    }

    /// Runs one effect outside the actor and sends its result back as a command.
    package nonisolated func perform(_ effect: Effect) async {
        switch effect {
        case .dispatch(let arn, let task, let token, let key):
            if Self.isActivity(task.resource) {
                guard let token else { return }
                await enqueueActivity(
                    task.resource,
                    ActivityTask(token: token, executionArn: arn, taskId: task.taskId, input: task.parameters)
                )
                return
            }
            if ServiceIntegrations.runs(task.resource), await deliverIntegrationOutcome(arn, task) {
                return  // put or sent when its step committed (Engine+Integrations)
            }
            let base = TaskHandlerMap.baseResource(task.resource)
            if base == "arn:aws:states:::states:startExecution" {
                await runChildExecution(arn, task, key: key)
                return
            }
            CrashPoint.beforeDispatch.reach()
            let outcome = await runExternal(arn, task, token: token, key: key)
            CrashPoint.afterDispatch.reach()
            if task.resource.hasSuffix(".waitForTaskToken"), case .succeeded = outcome {
                return  // the answer comes with the token
            }
            await deliver(arn, task.taskId, outcome)
        }
    }

    package nonisolated func runExternal(_ arn: String, _ task: ScheduledTask, token: String?, key: String) async -> TaskOutcome {
        await context.invoker.run(task, executionArn: arn, idempotencyKey: key, token: token).taskOutcome
    }

    /// Sends a task's result to its execution; a second result for the same task is refused by the core and dropped.
    package func deliver(_ arn: String, _ taskId: Int, _ outcome: TaskOutcome) async {
        let command: ExecutionCommand.Kind
        switch outcome {
        case .succeeded(let output): command = .taskSucceeded(taskId: taskId, output: output)
        case .failed(let error, let cause): command = .taskFailed(taskId: taskId, error: error, cause: cause)
        }
        do { try await advance(arn, command) } catch {
            configuration.logger.debug("task result refused", metadata: ["execution": "\(arn)", "error": "\(error)"])
        }
    }

    /// `arn:aws:states:::states:startExecution` (plain, `.sync`, `.sync:2`).
    ///
    /// The child's name defaults to one derived from the parent's idempotency
    /// key, so a re-dispatch after a crash finds the child already started
    /// instead of starting a second one.
    package nonisolated func runChildExecution(_ arn: String, _ task: ScheduledTask, key: String) async {
        let parameters = task.parameters
        guard let machineArn = parameters["StateMachineArn"]?.stringValue else {
            await deliver(arn, task.taskId, .failed(error: StatesError.Name.runtime, cause: "states:startExecution needs Parameters.StateMachineArn"))
            return
        }
        let input: String
        switch parameters["Input"] {
        case .string(let text)?: input = text
        case let value?: input = value.serialized
        case nil: input = "{}"
        }
        let name = parameters["Name"]?.stringValue ?? Self.childName(key)
        var started: StartedExecution
        do {
            started = try await startExecution(stateMachineArn: machineArn, name: name, input: input, parentExecutionArn: arn)
        } catch let error as EngineError where error.code == .executionAlreadyExists {
            // Started before a crash: continue with that child.
            guard let machine = try? describeStateMachine(arn: machineArn),
                let row = try? storedExecution(executionArn(machineName: machine.name, name: name))
            else {
                await deliver(arn, task.taskId, .failed(error: "StepFunctions.ExecutionAlreadyExistsException", cause: error.message))
                return
            }
            started = StartedExecution(executionArn: row.executionArn, startDate: row.startDate)
        } catch let error as EngineError {
            await deliver(arn, task.taskId, .failed(error: "StepFunctions.\(error.code.rawValue)Exception", cause: error.message))
            return
        } catch {
            await deliver(arn, task.taskId, .failed(error: StatesError.Name.taskFailed, cause: "\(error)"))
            return
        }
        let resource = task.resource
        guard resource.hasSuffix(".sync") || resource.hasSuffix(".sync:2") else {
            await deliver(
                arn,
                task.taskId,
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
        if await open[arn]?.state.openTasks[task.taskId] == nil {
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
            await deliver(arn, task.taskId, .succeeded(.object(described)))
        } else {
            if let error = child.error { described["Error"] = .string(error) }
            if let cause = child.cause { described["Cause"] = .string(cause) }
            await deliver(arn, task.taskId, .failed(error: StatesError.Name.taskFailed, cause: JSONValue.object(described).serialized))
        }
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
}
