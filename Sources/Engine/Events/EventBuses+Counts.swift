import EventLog
import JSON
import LMDB

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

extension EventBuses {
    /// Matches, invocations and failures per bus and rule (`"bus\u{0}rule"`), counted
    /// by reading every events record of the log.
    ///
    /// The log is the only place these counts are kept (they are not part of any
    /// index), so this reads all of it: fine for the console's page, not for a hot path.
    /// - Throws: what reading the log throws.
    public nonisolated func ruleActivity() throws -> [String: RuleActivity] {
        var routes: [String: (rule: String, target: String)] = [:]
        var activity: [String: RuleActivity] = [:]
        try engine.log.scan { _, header, payload in
            switch header.kind {
            case EventsRecordKind.eventAccepted:
                let fields = try RecordFields(bytes: payload.copiedBytes(), what: "accepted event")
                var matched: Set<String> = []
                for delivery in fields.optional("deliveries")?.arrayValue ?? [] {
                    let rule = (delivery["bus"]?.stringValue ?? "") + "\u{0}" + (delivery["ruleName"]?.stringValue ?? "")
                    let target = delivery["targetId"]?.stringValue ?? ""
                    routes[delivery["deliveryId"]?.stringValue ?? ""] = (rule, target)
                    matched.insert(rule)
                }
                for rule in matched { activity[rule, default: RuleActivity()].matches += 1 }
            case EventsRecordKind.deliverySucceeded, EventsRecordKind.deliveryRetried, EventsRecordKind.deliveryDeadLettered:
                let fields = try RecordFields(bytes: payload.copiedBytes(), what: "delivery outcome")
                guard let route = routes[try fields.string("deliveryId")] else { return }
                activity[route.rule, default: RuleActivity()].targets[route.target, default: TargetActivity()].invocations += 1
                if header.kind != EventsRecordKind.deliverySucceeded {
                    activity[route.rule, default: RuleActivity()].targets[route.target, default: TargetActivity()].failures += 1
                }
            default:
                return
            }
        }
        return activity
    }
}
