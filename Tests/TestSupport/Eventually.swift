/// Polls `condition` until it holds and says whether it did: for what happens after
/// a commit (deliveries, timers fired by the services, receivers woken).
///
/// Tests wait for a condition on state, never for an amount of time; `bound` only
/// ends a test whose condition never comes true (`#expect(try await eventually { … })`
/// then fails), so it is generous for a loaded 2-core machine: a full parallel run
/// at load average 10–20 took conditions past 30 s.
/// - Throws: what `condition` throws, or `CancellationError` when the test is cancelled.
public func eventually(bound: Duration = .seconds(90), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + bound
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}
