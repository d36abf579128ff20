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
    /// Start commands (``StartCommand``) are applied as they commit, each once.
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
            // A heartbeat that moved the deadline while this waited for the lock wins.
            guard heartbeatDeadlines[token] == entry.due, let execution = open[arn] else { return }
            var state = execution.state
            let time = now()
            do {
                let events = try decide(&state, .taskHeartbeatTimedOut(taskId: location.taskId), at: time)
                _ = try await commit(arn, before: execution, state: state, row: execution.row, events: events, at: time)
            } catch {
                configuration.logger.debug("heartbeat timeout refused", metadata: ["execution": "\(arn)", "error": "\(error)"])
            }
        }
    }

    /// Runs one effect outside the actor and sends its result back as a command.
    package nonisolated func perform(_ effect: Effect) async {
        switch effect {
        case .applyStart(let sequence, let command):
            await applyStartCommand(sequence, command)
        case .dispatch(let arn, let task, let token, let key):
            if TaskResource.isActivity(task.resource) {
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
            if Self.isStartExecution(task.resource) {
                // Recovered: its start command was applied (a pending one answers the parent itself).
                await resumeChild(arn, task, key: key)
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
}
