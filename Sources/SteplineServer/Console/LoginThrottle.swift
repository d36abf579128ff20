import Synchronization

/// Backs off console sign-in after failed attempts, per client address and for everyone.
///
/// A secret access key is a password here, and the login form would otherwise let anyone
/// who reaches the console try keys as fast as the server answers. Each client may fail
/// ``Policy/freeFailures`` times; every further failure doubles how long it must wait
/// (1 s, 2 s, 4 s … up to ``Policy/maximumDelayMilliseconds``). All failures together
/// count against a larger global allowance the same way, so an attacker spreading tries
/// over many addresses is slowed too. A success clears its client's count (not the
/// global one, which only decays: a whole ``Policy/forgetAfterMilliseconds`` without a
/// failure forgets it).
///
/// The decisions are a pure value (``State``) over a clock passed in; the class only
/// holds it behind a lock, so tests drive it with a manual time.
final class LoginThrottle: Sendable {
    /// How many failures are free and how long the waits grow.
    struct Policy: Sendable {
        var freeFailures = 5
        var globalFreeFailures = 50
        var maximumDelayMilliseconds: Int64 = 15 * 60 * 1000
        var forgetAfterMilliseconds: Int64 = 60 * 60 * 1000
        /// Clients remembered at most; beyond, the oldest are forgotten (the global count still holds).
        var maximumClients = 10_000
    }

    /// The failures of one client (or of all, for the global record).
    struct Record: Sendable, Equatable {
        var failures = 0
        var lastFailure: Int64 = 0
        var blockedUntil: Int64 = 0
    }

    /// Every record, and the decisions on them.
    struct State: Sendable {
        var policy: Policy
        var clients: [String: Record] = [:]
        var global = Record()

        /// Milliseconds until `client` may try again, or `nil` if it may now.
        func wait(client: String, now: Int64) -> Int64? {
            let until = max(clients[client]?.blockedUntil ?? 0, global.blockedUntil)
            return until > now ? until - now : nil
        }

        mutating func fail(client: String, now: Int64) {
            clients[client] = Self.failed(clients[client] ?? Record(), free: policy.freeFailures, now: now, policy: policy)
            global = Self.failed(global, free: policy.globalFreeFailures, now: now, policy: policy)
            if clients.count > policy.maximumClients {
                clients = clients.filter { now - $0.value.lastFailure < policy.forgetAfterMilliseconds }
                while clients.count > policy.maximumClients, let oldest = clients.min(by: { $0.value.lastFailure < $1.value.lastFailure }) {
                    clients[oldest.key] = nil
                }
            }
        }

        mutating func succeed(client: String) {
            clients[client] = nil
        }

        static func failed(_ record: Record, free: Int, now: Int64, policy: Policy) -> Record {
            var record = now - record.lastFailure >= policy.forgetAfterMilliseconds ? Record() : record
            record.failures += 1
            record.lastFailure = now
            let beyond = record.failures - free
            if beyond > 0 {
                let delay = beyond > 20 ? policy.maximumDelayMilliseconds : min(policy.maximumDelayMilliseconds, Int64(1000) << (beyond - 1))
                record.blockedUntil = now + delay
            }
            return record
        }
    }

    private let state: Mutex<State>

    init(policy: Policy = Policy()) {
        state = Mutex(State(policy: policy))
    }

    /// Milliseconds `client` must wait before trying again, or `nil`.
    func wait(client: String, now: Int64) -> Int64? { state.withLock { $0.wait(client: client, now: now) } }
    /// Counts a failed sign-in of `client`.
    func fail(client: String, now: Int64) { state.withLock { $0.fail(client: client, now: now) } }
    /// Clears `client`'s failures after it signed in.
    func succeed(client: String) { state.withLock { $0.succeed(client: client) } }
}
