internal import JSON
internal import Workflows

/// The review queue: tasks waiting for a person's answer, newest first, each with
/// Approve (optional output JSON) and Reject (error, cause).
struct ReviewQueuePage: Sendable {
    var tasks: [WaitingTask]
    /// The engine's clock, for "waiting for".
    var now: Int64
    /// The images each task's payload names, shown as thumbnails.
    var images: @Sendable (JSONValue) -> [DataDirectoryFiles.Image]
    var csrf: String

    func render() -> HTML {
        var html = HTML(
            raw: "<p class=\"muted\">Tasks waiting for a person or an activity worker (<code>.waitForTaskToken</code> and activities), newest first. "
        )
        html.raw(
            "Approve sends the output to the task as <code>SendTaskSuccess</code> does; Reject fails it as <code>SendTaskFailure</code> does, so its Retry and Catch apply.</p>"
        )
        guard !tasks.isEmpty else {
            html.raw("<p class=\"empty\" id=\"review-empty\">No task is waiting.</p>")
            return html
        }
        html.append(HTML.tableStart(id: "review-queue", columns: ["Execution", "State", "Payload", "Waiting for", "Deadline", "Decision"]))
        for task in tasks {
            let execution = ConsoleLinks.executionName(task.executionArn)
            html.raw("<tr class=\"waiting-task\" data-execution=\"\(HTML.escape(execution))\" data-state=\"\(HTML.escape(task.stateName))\"><td>")
            html.append(ConsoleLinks.execution(task.executionArn))
            html.note(ConsoleLinks.machineName(task.stateMachineArn))
            html.raw("</td><td>")
            html.text(task.stateName)
            html.note(task.resource, style: "mono")
            if let worker = task.workerName {
                html.note("taken by " + (worker.isEmpty ? "a worker" : worker), style: "worker")
            }
            html.raw("</td><td>")
            html.append(HTML.json(task.payload))
            let thumbnails = images(task.payload)
            if !thumbnails.isEmpty {
                html.raw("<div class=\"thumbs\">")
                for image in thumbnails {
                    let source = "/console/files?path=" + HTML.queryEscape(image.relativePath)
                    html.raw("<a href=\"\(HTML.escape(source))\"><img src=\"\(HTML.escape(source))\" alt=\"\(HTML.escape(image.relativePath))\"></a>")
                }
                html.raw("</div>")
            }
            html.raw("</td><td>")
            html.text(ConsoleFormat.duration(milliseconds: now - task.scheduledDate))
            html.note("since " + ConsoleFormat.time(task.scheduledDate))
            html.raw("</td><td>")
            html.append(deadline(task))
            html.raw("</td><td><div class=\"decide\">")
            html.raw("<form method=\"post\" action=\"/console/review/approve\" class=\"approve\">")
            html.raw(HTML.hidden("csrf", csrf) + HTML.hidden("token", task.token))
            html.raw("<label class=\"muted\">Output JSON (optional)<textarea name=\"output\" rows=\"3\" placeholder=\"{}\"></textarea></label>")
            html.raw("<button type=\"submit\" class=\"primary\">Approve</button></form>")
            html.raw("<form method=\"post\" action=\"/console/review/reject\" class=\"reject\">")
            html.raw(HTML.hidden("csrf", csrf) + HTML.hidden("token", task.token))
            html.raw("<input type=\"text\" name=\"error\" placeholder=\"Error (e.g. Rejected)\">")
            html.raw("<input type=\"text\" name=\"cause\" placeholder=\"Cause\">")
            html.raw("<button type=\"submit\" class=\"danger\">Reject</button></form>")
            html.raw("</div></td></tr>")
        }
        html.raw("</tbody></table>")
        return html
    }

    private func deadline(_ task: WaitingTask) -> HTML {
        var html = HTML()
        var any = false
        if let timeout = task.timeoutDate {
            any = true
            html.text(ConsoleFormat.time(timeout))
            html.note("times out in " + ConsoleFormat.duration(milliseconds: timeout - now))
        }
        if let heartbeat = task.heartbeatDeadline {
            any = true
            html.note("heartbeat due " + ConsoleFormat.time(heartbeat))
        }
        if !any { html.raw("<span class=\"muted\">none</span>") }
        return html
    }
}

/// Links and short names shared by the pages.
enum ConsoleLinks {
    /// The last component of an execution ARN (its name).
    static func executionName(_ arn: String) -> String {
        arn.split(separator: ":").last.map(String.init) ?? arn
    }

    /// The state machine's name from its ARN.
    static func machineName(_ arn: String) -> String {
        arn.split(separator: ":").last.map(String.init) ?? arn
    }

    /// A link to the execution's page, showing its name.
    static func execution(_ arn: String) -> HTML {
        var html = HTML(raw: "<a class=\"execution-link\" href=\"/console/executions/view?arn=\(HTML.escape(HTML.queryEscape(arn)))\">")
        html.text(executionName(arn))
        html.raw("</a>")
        return html
    }
}
