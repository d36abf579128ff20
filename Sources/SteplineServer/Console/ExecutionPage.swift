internal import JSON
internal import StatesLanguage
internal import Workflows

/// One execution: its summary, its state machine drawn with the path taken and the
/// current (or failing) state highlighted, the decisions people made, and its history
/// as a timeline with each event's input and output.
struct ExecutionPage: Sendable {
    var execution: ExecutionDescription
    /// The definition of the revision the execution runs.
    var definition: JSONValue
    /// How many history events the page shows: a page, not a dump of a 100,000-item Map.
    static let maximumEvents = 1000

    /// Its Step Functions history events, in order (the first ``maximumEvents``).
    var events: [HistoryEvent]
    /// Whether the history goes on past ``events``.
    var moreEvents = false
    var decisions: [RecordedTaskDecision]
    var csrf: String

    /// Where the execution went at the top level: states entered, the one it is in
    /// (running) and the one it failed in.
    struct Path: Sendable, Hashable {
        var visited: Set<String> = []
        /// States entered inside Map iterations and Parallel branches.
        var visitedInside: Set<String> = []
        var current: String?
        var failed: String?
    }

    /// The top-level path of `events`: a state entered and not exited is where a running
    /// execution is, or where a failed one failed.
    static func path(of events: [HistoryEvent], status: ExecutionStatus) -> Path {
        var path = Path()
        var open: String?
        for event in events {
            guard event.frame == 0 else {
                if case .stateEntered(_, let name, _) = event.details { path.visitedInside.insert(name) }
                continue
            }
            switch event.details {
            case .stateEntered(_, let name, _):
                path.visited.insert(name)
                open = name
            case .stateExited(_, let name, _, _):
                if open == name { open = nil }
            default:
                break
            }
        }
        switch status {
        case .running, .notStarted: path.current = open
        case .failed, .timedOut, .aborted: path.failed = open
        case .succeeded: break
        }
        return path
    }

    /// Event details as people read them: AWS carries `input`, `output` and `parameters`
    /// as JSON text, shown here as the JSON they hold; the `…Details` truncation flags go.
    static func readable(_ details: JSONValue) -> JSONValue {
        guard case .object(let object) = details else { return details }
        var shown = JSONObject()
        for (key, value) in object.entries where !key.hasSuffix("Details") {
            if ["input", "output", "parameters"].contains(key), let text = value.stringValue, let parsed = try? JSONParser.parse(text) {
                shown[key] = parsed
            } else {
                shown[key] = value
            }
        }
        return .object(shown)
    }

    func render() -> HTML {
        var html = HTML(raw: "<table class=\"summary\" id=\"execution-summary\"><tbody>")
        func row(_ label: String, _ value: HTML) {
            html.raw("<tr><th>\(HTML.escape(label))</th><td>")
            html.append(value)
            html.raw("</td></tr>")
        }
        func text(_ value: String, _ classes: String = "") -> HTML {
            HTML(raw: "<span class=\"\(HTML.escape(classes))\">" + HTML.escape(value) + "</span>")
        }
        row("Execution ARN", text(execution.executionArn, "mono"))
        row("State machine", text(ConsoleLinks.machineName(execution.stateMachineArn)))
        row("Status", text(execution.status.rawValue, "status \(execution.status.rawValue)"))
        row("Started", text(ConsoleFormat.time(execution.startDate)))
        if let stopDate = execution.stopDate { row("Stopped", text(ConsoleFormat.time(stopDate))) }
        if execution.redriveCount > 0 { row("Redrives", text("\(execution.redriveCount)")) }
        if let error = execution.error { row("Error", text(error)) }
        if let cause = execution.cause { row("Cause", text(cause)) }
        row("Input", HTML.json(execution.input))
        if let output = execution.output { row("Output", HTML.json(output)) }
        html.raw("</tbody></table>")
        if execution.redriveStatus == "REDRIVABLE" {
            html.raw("<p>")
            html.append(
                HTML.postButton(
                    action: "/console/executions/redrive",
                    label: "Redrive",
                    csrf: csrf,
                    fields: [("arn", execution.executionArn)],
                    style: "primary",
                    id: "redrive"
                )
            )
            html.raw("</p>")
        } else if execution.status == .running {
            html.raw("<form method=\"post\" action=\"/console/executions/stop\" class=\"stop\">")
            html.raw(HTML.hidden("csrf", csrf) + HTML.hidden("arn", execution.executionArn))
            html.raw("<input type=\"text\" name=\"cause\" placeholder=\"Why stop it (optional)\"> ")
            html.raw("<button type=\"submit\" class=\"danger\" id=\"stop\">Stop execution</button></form>")
        }
        let path = Self.path(of: events, status: execution.status)
        html.raw("<h2>State machine</h2><div class=\"graph\" id=\"graph\">")
        html.raw(StateMachineGraph(definition: definition).svg(visited: path.visited, current: path.current, failed: path.failed))
        html.raw("</div>")
        for scope in StateMachineGraph.innerScopes(of: definition) {
            html.raw("<h3 class=\"inner-scope\">")
            html.text(scope.title)
            html.raw("</h3><div class=\"graph inner\">")
            html.raw(StateMachineGraph(definition: scope.definition).svg(visited: path.visitedInside, current: nil, failed: nil))
            html.raw("</div>")
        }
        if !decisions.isEmpty {
            html.raw("<h2>Decisions</h2>")
            html.append(HTML.tableStart(id: "decisions", columns: ["Time", "State", "Decision", "By", "Details"]))
            for decision in decisions {
                html.raw("<tr><td>")
                html.text(ConsoleFormat.time(decision.time))
                html.raw("</td><td>")
                html.text(decision.stateName)
                html.raw("</td><td>")
                html.text(decision.outcome)
                html.raw("</td><td>")
                html.text(decision.decidedBy)
                html.raw("</td><td>")
                if let output = decision.output { html.append(HTML.json(output)) }
                if let error = decision.error { html.text(error) }
                if let cause = decision.cause {
                    html.raw(" — ")
                    html.text(cause)
                }
                html.raw("</td></tr>")
            }
            html.raw("</tbody></table>")
        }
        html.raw(
            "<h2>History</h2><table class=\"timeline\" id=\"history\"><thead><tr><th>#</th><th>Type</th><th>Time</th><th>Details</th></tr></thead><tbody>"
        )
        // Each row is the event as GetExecutionHistory returns it (its type, then its details made readable).
        for event in events {
            guard let json = event.stepFunctionsJSON() else { continue }
            html.raw("<tr><td class=\"num\">\(event.id)</td><td>")
            html.text(json["type"]?.stringValue ?? event.type)
            html.raw("</td><td>")
            html.text(ConsoleFormat.time(event.timestamp.millisecondsSinceEpoch))
            html.raw("</td><td>")
            if let details = json.objectValue?.entries.first(where: { $0.0.hasSuffix("EventDetails") })?.1 {
                html.append(HTML.json(Self.readable(details)))
            }
            html.raw("</td></tr>")
        }
        html.raw("</tbody></table>")
        if moreEvents {
            html.raw("<p class=\"muted\" id=\"history-truncated\">The first \(Self.maximumEvents) events are shown; ")
            html.raw("<code>aws stepfunctions get-execution-history</code> pages through all of them.</p>")
        }
        return html
    }
}
