import Runtime
import Synchronization

/// Callers of ``Engine/awaitCompletion(executionArn:)`` waiting for an
/// execution to finish, by execution ARN.
///
/// Behind a `Mutex` rather than in the actor because a waiter's cancellation
/// handler runs synchronously outside the actor: it must be able to resume
/// its own continuation, so that cancelling (graceful shutdown of a server
/// with `.sync` children or `StartSyncExecution` calls in flight) never hangs.
/// A waiter is registered on the actor, in the same isolation step that saw
/// the execution running, and parks later: a finish in between is kept for it,
/// so no wake-up is lost.
package final class CompletionWaiters: Sendable {
    private struct Waiting {
        package var idsByExecution: [String: [Int]] = [:]
        package var parked: [Int: CheckedContinuation<ExecutionDescription?, Never>] = [:]
        /// Outcomes that came before their waiter parked: the row, or `nil` when cancelled.
        package var early: [Int: ExecutionDescription?] = [:]
        package var lastId = 0
    }

    private let state = Mutex(Waiting())

    /// Registers a waiter for `arn` (call it where the execution was seen running).
    package func register(for arn: String) -> Int {
        state.withLock { waiting in
            waiting.lastId += 1
            waiting.idsByExecution[arn, default: []].append(waiting.lastId)
            return waiting.lastId
        }
    }

    /// Waits for waiter `id`'s execution to finish; `nil` when the caller was cancelled.
    package func wait(_ id: Int, for arn: String) async -> ExecutionDescription? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let early = state.withLock { waiting -> ExecutionDescription?? in
                    if let outcome = waiting.early.removeValue(forKey: id) { return .some(outcome) }
                    waiting.parked[id] = continuation
                    return .none
                }
                if case .some(let outcome) = early { continuation.resume(returning: outcome) }
            }
        } onCancel: {
            let parked = state.withLock { waiting -> CheckedContinuation<ExecutionDescription?, Never>? in
                waiting.idsByExecution[arn]?.removeAll { $0 == id }
                if let continuation = waiting.parked.removeValue(forKey: id) { return continuation }
                if waiting.early[id] == nil { waiting.early[id] = .some(nil) }
                return nil
            }
            parked?.resume(returning: nil)
        }
    }

    /// Answers every waiter of `arn` with its final row.
    package func finish(_ arn: String, with row: ExecutionDescription) {
        let parked = state.withLock { waiting in
            var parked: [CheckedContinuation<ExecutionDescription?, Never>] = []
            for id in waiting.idsByExecution.removeValue(forKey: arn) ?? [] {
                if let continuation = waiting.parked.removeValue(forKey: id) {
                    parked.append(continuation)
                } else {
                    waiting.early[id] = .some(row)
                }
            }
            return parked
        }
        for continuation in parked { continuation.resume(returning: row) }
    }
}
