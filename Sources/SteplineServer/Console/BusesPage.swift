import EventBuses
internal import JSON
internal import Workflows

/// Buses, their rules and targets, with how often each rule matched and each target
/// was invoked and failed (counted from the log), and what is pending or dead-lettered.
struct BusesPage: Sendable {
    /// A rule with its targets and counts.
    struct Rule: Sendable {
        var definition: JSONValue
        var targets: [JSONValue]
        var activity: RuleActivity
        var pending: [String: Int]
        var deadLettered: [String: Int]
    }

    var buses: [(bus: JSONValue, rules: [Rule])]

    init(buses: [(bus: JSONValue, rules: [Rule])]) {
        self.buses = buses
    }

    /// Reads every bus, rule and target from `source`, with `activity` (per `"bus\u{0}rule"`).
    init(buses source: EventBuses, activity: [String: RuleActivity]) throws {
        func tally(_ deliveries: [EventDelivery]) -> [String: [String: Int]] {
            var counts: [String: [String: Int]] = [:]
            for delivery in deliveries { counts[delivery.busName + "\u{0}" + delivery.ruleName, default: [:]][delivery.targetId, default: 0] += 1 }
            return counts
        }
        let pending = tally(try source.pendingDeliveries())
        let dead = tally(try source.deadLetters().map(\.delivery))
        buses = try source.listEventBuses(namePrefix: nil).map { bus in
            let name = bus["Name"]?.stringValue ?? ""
            let rules = try source.listRules(bus: name, namePrefix: nil).map { rule in
                let ruleName = rule["Name"]?.stringValue ?? ""
                let key = name + "\u{0}" + ruleName
                return Rule(
                    definition: rule,
                    targets: try source.listTargets(bus: name, rule: ruleName),
                    activity: activity[key] ?? RuleActivity(),
                    pending: pending[key] ?? [:],
                    deadLettered: dead[key] ?? [:]
                )
            }
            return (bus, rules)
        }
    }

    func render() -> HTML {
        var html = HTML()
        if buses.isEmpty { html.raw("<p class=\"empty\">No event bus.</p>") }
        for (bus, rules) in buses {
            html.raw("<h2>")
            html.text(bus["Name"]?.stringValue ?? "")
            html.raw(" <span class=\"muted mono\">")
            html.text(bus["Arn"]?.stringValue ?? "")
            html.raw("</span></h2>")
            guard !rules.isEmpty else {
                html.raw("<p class=\"empty\">No rule on this bus.</p>")
                continue
            }
            html.raw("<table class=\"rules\"><thead><tr><th>Rule</th><th>State</th><th>Pattern or schedule</th><th class=\"num\">Matches</th>")
            html.raw(
                "<th>Target</th><th class=\"num\">Invocations</th><th class=\"num\">Failures</th><th class=\"num\">Pending</th><th class=\"num\">Dead-lettered</th></tr></thead><tbody>"
            )
            for rule in rules {
                let span = max(1, rule.targets.count)
                let name = rule.definition["Name"]?.stringValue ?? ""
                html.raw("<tr data-rule=\"\(HTML.escape(name))\"><td rowspan=\"\(span)\">")
                html.text(name)
                html.raw("</td><td rowspan=\"\(span)\">")
                html.text(rule.definition["State"]?.stringValue ?? "")
                html.raw("</td><td rowspan=\"\(span)\"><pre class=\"json\">")
                let pattern = rule.definition["EventPattern"]?.stringValue
                html.text(
                    pattern.flatMap { try? ConsoleFormat.pretty(JSONParser.parse($0)) } ?? rule.definition["ScheduleExpression"]?.stringValue ?? ""
                )
                html.raw("</pre></td><td rowspan=\"\(span)\" class=\"num matches\">\(rule.activity.matches)</td>")
                if rule.targets.isEmpty { html.raw("<td class=\"muted\">no target</td><td></td><td></td><td></td><td></td></tr>") }
                for (index, target) in rule.targets.enumerated() {
                    if index > 0 { html.raw("<tr>") }
                    let id = target["Id"]?.stringValue ?? ""
                    let counts = rule.activity.targets[id] ?? TargetActivity()
                    html.raw("<td>")
                    html.text(id)
                    html.note(target["Arn"]?.stringValue ?? "", style: "mono")
                    html.raw("</td><td class=\"num\">\(counts.invocations)</td><td class=\"num\">\(counts.failures)</td>")
                    html.raw("<td class=\"num\">\(rule.pending[id] ?? 0)</td><td class=\"num\">\(rule.deadLettered[id] ?? 0)</td></tr>")
                }
            }
            html.raw("</tbody></table>")
        }
        return html
    }
}
