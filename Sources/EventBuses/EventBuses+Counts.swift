import EventLog
import JSON
import LMDB
import Runtime

/// How often a rule matched and its targets were invoked, counted from the log.
public struct RuleActivity: Sendable, Hashable {
    /// Events the rule matched (each event counted once, whatever its number of targets).
    public var matches = 0
    /// Per target id: delivery attempts and how many of them failed.
    public var targets: [String: TargetActivity] = [:]

    public init() {}
}

/// Delivery attempts to one target of a rule.
public struct TargetActivity: Sendable, Hashable {
    /// Attempts that finished (succeeded, will be retried, or dead-lettered).
    public var invocations = 0
    /// Attempts that failed (retried or dead-lettered).
    public var failures = 0

    public init() {}
}

/// Rule and target activity counted from the log up to a point, so that a later count
/// reads only the records appended since (``EventBuses/updateRuleActivity(_:)``).
public struct RuleActivityTally: Sendable {
    /// Per bus and rule (`"bus\u{0}rule"`).
    public internal(set) var rules: [String: RuleActivity] = [:]
    /// The last record read.
    public internal(set) var scannedThrough: UInt64 = 0
    /// The rule and target of each delivery that may still have attempts: a success
    /// forgets it, so memory follows pending and dead-lettered deliveries, not all of them.
    package var routes: [String: Route] = [:]

    package struct Route: Sendable, Hashable {
        package var rule: String
        package var target: String
    }

    public init() {}
}

extension EventBuses {
    /// Matches, invocations and failures per bus and rule (`"bus\u{0}rule"`), counted
    /// by reading every events record of the log.
    ///
    /// The log is the only place these counts are kept (they are not part of any
    /// index); keep a ``RuleActivityTally`` and call ``updateRuleActivity(_:)`` to read
    /// only what was appended since the last count.
    /// - Throws: what reading the log throws.
    public nonisolated func ruleActivity() throws -> [String: RuleActivity] {
        var tally = RuleActivityTally()
        try updateRuleActivity(&tally)
        return tally.rules
    }

    /// Brings `tally` up to the last committed record, reading only the records after
    /// ``RuleActivityTally/scannedThrough``.
    /// - Throws: what reading the log throws; `tally` is then unchanged.
    public nonisolated func updateRuleActivity(_ tally: inout RuleActivityTally) throws {
        var next = tally
        try context.log.scan(from: SequenceNumber(tally.scannedThrough + 1)) { sequence, header, payload in
            next.scannedThrough = sequence.rawValue
            switch header.kind {
            case EventsRecordKind.eventAccepted:
                let fields = try RecordFields(bytes: payload.copiedBytes(), what: "accepted event")
                var matched: Set<String> = []
                for delivery in fields.optional("deliveries")?.arrayValue ?? [] {
                    let rule = (delivery["bus"]?.stringValue ?? "") + "\u{0}" + (delivery["ruleName"]?.stringValue ?? "")
                    let target = delivery["targetId"]?.stringValue ?? ""
                    next.routes[delivery["deliveryId"]?.stringValue ?? ""] = RuleActivityTally.Route(rule: rule, target: target)
                    matched.insert(rule)
                }
                for rule in matched { next.rules[rule, default: RuleActivity()].matches += 1 }
            case EventsRecordKind.deliverySucceeded, EventsRecordKind.deliveryRetried, EventsRecordKind.deliveryDeadLettered:
                let fields = try RecordFields(bytes: payload.copiedBytes(), what: "delivery outcome")
                let id = try fields.string("deliveryId")
                guard let route = next.routes[id] else { return }
                next.rules[route.rule, default: RuleActivity()].targets[route.target, default: TargetActivity()].invocations += 1
                if header.kind == EventsRecordKind.deliverySucceeded {
                    next.routes[id] = nil
                } else {
                    next.rules[route.rule, default: RuleActivity()].targets[route.target, default: TargetActivity()].failures += 1
                }
            default:
                return
            }
        }
        tally = next
    }
}
