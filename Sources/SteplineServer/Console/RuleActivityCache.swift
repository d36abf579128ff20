import EventBuses
import Synchronization
internal import Workflows

/// The buses page's counts, kept between requests so that each view reads only the log
/// records appended since the last one instead of the whole log.
///
/// The tally is copied out, brought up to date outside the lock (reading the log can
/// take a while, and other requests should not wait on it), and stored back only if
/// it got further than what another request stored meanwhile.
final class RuleActivityCache: Sendable {
    private let tally = Mutex(RuleActivityTally())

    /// Matches, invocations and failures per bus and rule, as of the last committed record.
    /// - Throws: what reading the log throws.
    func current(_ buses: EventBuses) throws -> [String: RuleActivity] {
        var copy = tally.withLock { $0 }
        try buses.updateRuleActivity(&copy)
        tally.withLock { stored in
            if copy.scannedThrough > stored.scannedThrough { stored = copy }
        }
        return copy.rules
    }
}
