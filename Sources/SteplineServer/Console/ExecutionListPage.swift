internal import StatesLanguage
internal import Workflows

/// The executions list: filters by state machine and status, newest first, one page
/// at a time.
struct ExecutionListPage: Sendable {
    static let statuses = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]

    var machines: [StateMachineDescription]
    var executions: [ExecutionDescription]
    /// The filters as given (`nil`: all).
    var machineFilter: String?
    var statusFilter: String?
    /// The query string of the next page, or `nil` on the last one.
    var nextPageQuery: String?
    /// Whether this is not the first page (offers "First page").
    var isLaterPage: Bool

    func render() -> HTML {
        var html = HTML(raw: "<form method=\"get\" action=\"/console/executions\" class=\"filters\">")
        html.raw("<label>State machine<select name=\"machine\"><option value=\"\">All</option>")
        for machine in machines {
            let selected = machine.stateMachineArn == machineFilter ? " selected" : ""
            html.raw("<option value=\"\(HTML.escape(machine.stateMachineArn))\"\(selected)>")
            html.text(machine.name)
            html.raw("</option>")
        }
        html.raw("</select></label><label>Status<select name=\"status\"><option value=\"\">Any</option>")
        for status in Self.statuses {
            let selected = status == statusFilter ? " selected" : ""
            html.raw("<option\(selected)>\(status)</option>")
        }
        html.raw("</select></label><button type=\"submit\">Filter</button></form>")
        guard !executions.isEmpty else {
            html.raw("<p class=\"empty\">No execution matches.</p>")
            return html
        }
        html.append(HTML.tableStart(id: "executions", columns: ["Name", "State machine", "Status", "Started", "Stopped", "Redrives"]))
        for execution in executions {
            html.raw("<tr><td>")
            html.append(ConsoleLinks.execution(execution.executionArn))
            html.raw("</td><td>")
            html.text(ConsoleLinks.machineName(execution.stateMachineArn))
            html.raw("</td><td class=\"status \(execution.status.rawValue)\">\(execution.status.rawValue)</td><td>")
            html.text(ConsoleFormat.time(execution.startDate))
            html.raw("</td><td>")
            html.text(execution.stopDate.map(ConsoleFormat.time) ?? "")
            html.raw("</td><td class=\"num\">\(execution.redriveCount)</td></tr>")
        }
        html.raw("</tbody></table><div class=\"pager\">")
        if isLaterPage {
            var first = "/console/executions?"
            if let machineFilter { first += "machine=" + HTML.queryEscape(machineFilter) + "&" }
            if let statusFilter { first += "status=" + HTML.queryEscape(statusFilter) }
            html.raw("<a href=\"\(HTML.escape(first))\">First page</a>")
        }
        if let nextPageQuery {
            html.raw("<a id=\"next-page\" href=\"/console/executions?\(HTML.escape(nextPageQuery))\">Next page</a>")
        }
        html.raw("</div>")
        return html
    }
}

/// One page of executions across state machines, newest first: the engine pages each
/// machine's executions by its own token, and this merges them.
struct ExecutionPaging: Sendable {
    static let pageSize = 25

    /// `pageSize` executions after the first `offset` of the merged, newest-first list of
    /// `machines` (with `status`), and whether more follow.
    static func page(
        engine: Engine,
        machines: [String],
        status: ExecutionStatus?,
        offset: Int
    ) throws -> (executions: [ExecutionDescription], hasMore: Bool) {
        let wanted = offset + pageSize + 1
        var merged: [ExecutionDescription] = []
        for machine in machines {
            var token: String?
            var taken = 0
            repeat {
                let page = try engine.listExecutions(stateMachineArn: machine, status: status, maxResults: 100, nextToken: token)
                merged += page.executions
                taken += page.executions.count
                token = page.nextToken
            } while token != nil && taken < wanted
        }
        merged.sort { ($0.startDate, $0.executionArn) > ($1.startDate, $1.executionArn) }
        let slice = Array(merged.dropFirst(offset).prefix(pageSize))
        return (slice, merged.count > offset + pageSize)
    }
}
