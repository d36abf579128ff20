/// Workers long-polling `GetActivityTask`, by activity ARN: each waits on a
/// continuation that the next enqueued task of its activity resumes, so a task
/// reaches a waiting worker at once instead of at the next poll tick.
///
/// Owned by the ``Engine`` actor (not `Sendable` on its own). A poll is
/// registered on the actor before it parks (parking happens in a child task),
/// so a task enqueued in between wakes it: a registered poll that is no longer
/// in the list was woken, and its park returns at once. Without that, the
/// enqueue would find no one parked and the worker would sleep to its deadline.
package struct ActivityPollers {
    private struct Poll {
        package var id: Int
        package var continuation: CheckedContinuation<Void, Never>?
    }

    private var waiting: [String: [Poll]] = [:]
    private var lastId = 0

    /// Registers a new poll of `activityArn` and returns its id.
    package mutating func register(on activityArn: String) -> Int {
        lastId += 1
        waiting[activityArn, default: []].append(Poll(id: lastId))
        return lastId
    }

    /// Parks poll `id` until it is woken; returns at once if it already was.
    package mutating func park(_ id: Int, on activityArn: String, _ continuation: CheckedContinuation<Void, Never>) {
        guard let index = waiting[activityArn]?.firstIndex(where: { $0.id == id }) else { return continuation.resume() }
        waiting[activityArn]![index].continuation = continuation
    }

    /// Wakes the longest-waiting poll of `activityArn`, if any (a task was enqueued).
    package mutating func wakeFirst(of activityArn: String) {
        guard var polls = waiting[activityArn], !polls.isEmpty else { return }
        let first = polls.removeFirst()
        waiting[activityArn] = polls.isEmpty ? nil : polls
        first.continuation?.resume()
    }

    /// Wakes every poll of `activityArn` (the activity was deleted).
    package mutating func wakeAll(of activityArn: String) {
        for poll in waiting.removeValue(forKey: activityArn) ?? [] { poll.continuation?.resume() }
    }

    /// How many polls of `activityArn` wait (for tests that must know a worker is waiting).
    package func count(of activityArn: String) -> Int { waiting[activityArn]?.count ?? 0 }

    /// Wakes poll `id` (its deadline passed or it was cancelled), if it still waits.
    package mutating func wake(_ id: Int, of activityArn: String) {
        guard var polls = waiting[activityArn], let index = polls.firstIndex(where: { $0.id == id }) else { return }
        let poll = polls.remove(at: index)
        waiting[activityArn] = polls.isEmpty ? nil : polls
        poll.continuation?.resume()
    }
}
