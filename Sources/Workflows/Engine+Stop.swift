import EventLog
import JSON
import Runtime
import StatesLanguage

extension Engine {
    /// Stops `arn` and, as AWS does, every child it is waiting for through
    /// `states:startExecution.sync` or `.sync:2` (and theirs, down the tree).
    ///
    /// All the stops are one append, so they are one transaction: after a crash
    /// either the parent and its children are all aborted or none is. The locks
    /// are taken parent first, then children; nothing holds a child's lock while
    /// waiting for its parent's, so this cannot deadlock with task results.
    /// - Throws: ``EngineError`` `ExecutionDoesNotExist` when `arn` is not running.
    package func stopWithChildren(_ arn: String, error: String?, cause: String?) async throws -> ExecutionDescription {
        await acquire(arn)
        var locked = [arn]
        defer { for held in locked { release(held) } }
        guard let parent = open[arn] else {
            throw EngineError(.executionDoesNotExist, "Execution is not running: '\(arn)'")
        }
        let time = now()
        var prepared: [PreparedStep] = []
        var pending: [(arn: String, execution: OpenExecution, error: String?, cause: String?)] = [(arn, parent, error, cause)]
        while let next = pending.popLast() {
            var state = next.execution.state
            let events = try decide(&state, .stop(error: next.error, cause: next.cause), at: time)
            prepared.append(prepareStep(next.arn, before: next.execution, state: state, row: next.execution.row, events: events, at: time))
            for child in syncChildren(of: next.arn, next.execution) {
                await acquire(child)
                locked.append(child)
                // The child may have finished while this waited for its lock, or be another's.
                guard let execution = open[child], execution.row.parentExecutionArn == next.arn else { continue }
                pending.append((child, execution, next.error, "The parent execution \(next.arn) was stopped."))
            }
        }
        try await log.append(prepared.map { $0.step.record(stream: $0.row.stream, at: time) }, about: arn)
        for step in prepared { await finishStep(step, step.step) }
        // Force-unwrap proven: the parent's step is the first one prepared.
        return prepared.first!.row
    }

    /// The children `arn` waits for: those its open `states:startExecution.sync`
    /// (or `.sync:2`) tasks start, by the ARN each task gives its child. A child
    /// may still be starting; the caller takes its lock, which waits for that.
    package func syncChildren(of arn: String, _ execution: OpenExecution) -> [String] {
        var children: Set<String> = []
        for task in execution.state.openTasks.values
        where Self.isStartExecution(task.resource)
            && (task.resource.hasSuffix(".sync") || task.resource.hasSuffix(".sync:2"))
        {
            let key = Self.idempotencyKey(arn, task, redriveCount: execution.row.redriveCount)
            if let child = executionArn(of: Self.startCommand(for: task, of: arn, key: key, at: 0)) { children.insert(child) }
        }
        return children.sorted()
    }
}
