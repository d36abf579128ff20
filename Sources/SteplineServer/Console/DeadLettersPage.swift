import EventBuses
internal import JSON
import Runtime
import Topics
internal import Workflows

/// The dead-letter and manual-review views: failed executions (redrive one or all),
/// executions that failed again after a redrive (retry, or resolve with a reason),
/// and bus and topic deliveries that exhausted their retries (redrive one or all;
/// retry or resolve those that failed again after a redrive).
struct DeadLettersPage: Sendable {
    var deadLetters: [FailedExecutionItem]
    var reviewItems: [FailedExecutionItem]
    /// `nil` when the server runs without event buses.
    var deliveries: [DeadLetter]?
    /// Deliveries that failed again after a redrive, resolved ones included (`nil`: no buses).
    var deliveryReviews: [DeliveryReviewItem]?
    /// Topic deliveries that exhausted their retries (`nil` when the server runs without topics).
    var topicLetters: [TopicDeadLetter]? = nil
    /// Topic deliveries that failed again after a redrive, resolved ones included.
    var topicReviews: [TopicReviewItem]? = nil
    var csrf: String

    func render() -> HTML {
        var html = HTML(raw: "<h2>Failed executions</h2>")
        if deadLetters.isEmpty {
            html.raw("<p class=\"empty\" id=\"dead-letters-empty\">No failed execution is waiting for a redrive.</p>")
        } else {
            html.raw("<p>")
            html.append(
                HTML.postButton(
                    action: "/console/dead-letters/redrive-all",
                    label: "Redrive all (\(deadLetters.count))",
                    csrf: csrf,
                    style: "primary",
                    id: "redrive-all"
                )
            )
            html.raw("</p>")
            html.append(
                table(deadLetters, id: "dead-letters") { item in
                    HTML.postButton(
                        action: "/console/executions/redrive",
                        label: "Redrive",
                        csrf: csrf,
                        fields: [("arn", item.executionArn), ("back", "/console/dead-letters")]
                    )
                }
            )
        }
        html.raw(
            "<h2>Manual review</h2><p class=\"muted\">Executions whose redrive failed again. Retry redrives once more; Resolve records why no retry is needed.</p>"
        )
        if reviewItems.isEmpty {
            html.raw("<p class=\"empty\">Nothing needs manual review.</p>")
        } else {
            html.append(
                table(reviewItems, id: "review-items") { item in
                    if let resolution = item.resolution { return resolved(resolution, at: item.resolvedDate) }
                    var actions = HTML.postButton(
                        action: "/console/executions/redrive",
                        label: "Retry",
                        csrf: csrf,
                        fields: [("arn", item.executionArn), ("back", "/console/dead-letters")]
                    )
                    actions.append(resolveForm(action: "/console/review-items/resolve", field: ("arn", item.executionArn)))
                    return actions
                }
            )
        }
        if let deliveries { html.append(deadLetterSection(deliveries, of: .buses, table: deliveryTable)) }
        if let deliveryReviews { html.append(reviewSection(deliveryReviews, of: .buses, table: deliveryTable)) }
        if let topicLetters { html.append(deadLetterSection(topicLetters, of: .topics, table: topicTable)) }
        if let topicReviews { html.append(reviewSection(topicReviews, of: .topics, table: topicTable)) }
        return html
    }

    /// One kind of delivery's dead letters: redrive one or all.
    private func deadLetterSection<Letter: DeliveryDeadLetter>(
        _ letters: [Letter], of kind: ConsoleDeliveryKind, table: ([Letter], String, (Letter) -> HTML) -> HTML
    ) -> HTML {
        var html = HTML(raw: "<h2>")
        html.text(kind.heading)
        html.raw("</h2>")
        if letters.isEmpty {
            html.raw("<p class=\"empty\">")
            html.text(kind.empty)
            html.raw("</p>")
            return html
        }
        html.raw("<p>")
        html.append(
            HTML.postButton(
                action: kind.deadLetterPath + "/redrive-all",
                label: "Redrive all \(kind.plural) (\(letters.count))",
                csrf: csrf,
                style: "primary"
            )
        )
        html.raw("</p>")
        html.append(
            table(letters, "\(kind.tableId)-dead-letters") { letter in
                HTML.postButton(action: kind.deadLetterPath + "/redrive", label: "Redrive", csrf: csrf, fields: [("id", letter.deliveryId)])
            }
        )
        return html
    }

    /// One kind of delivery's review items (resolved ones included): retry or resolve
    /// those that wait. Nothing when there is none.
    private func reviewSection<Letter: DeliveryDeadLetter>(
        _ items: [ReviewItem<Letter>], of kind: ConsoleDeliveryKind, table: ([Letter], String, (Letter) -> HTML) -> HTML
    ) -> HTML {
        guard !items.isEmpty else { return HTML() }
        var html = HTML(raw: "<h2>")
        html.text(kind.heading + " in manual review")
        html.raw("</h2><p class=\"muted\">")
        html.text(kind.plural.prefix(1).uppercased() + kind.plural.dropFirst() + " that failed again after a redrive.")
        html.raw("</p>")
        let byId = Dictionary(items.map { ($0.letter.deliveryId, $0) }, uniquingKeysWith: { first, _ in first })
        html.append(
            table(items.map(\.letter), "\(kind.tableId)-review") { letter in
                let id = letter.deliveryId
                if let item = byId[id], let resolution = item.resolution {
                    return resolved(resolution, at: item.resolvedTime)
                }
                var actions = HTML.postButton(action: kind.reviewPath + "/retry", label: "Retry", csrf: csrf, fields: [("id", id)])
                actions.append(resolveForm(action: kind.reviewPath + "/resolve", field: ("id", id)))
                return actions
            }
        )
        return html
    }

    private func topicTable(_ letters: [TopicDeadLetter], id: String, actions: (TopicDeadLetter) -> HTML) -> HTML {
        var html = HTML.tableStart(id: id, columns: ["Topic / subscription", "Error", "Dead-lettered", "Message", ""])
        for letter in letters {
            let delivery = letter.delivery
            html.raw("<tr class=\"failed-delivery\" data-delivery=\"\(HTML.escape(delivery.deliveryId))\"><td>")
            html.text(delivery.topicArn)
            html.note("\(delivery.protocolName) \(delivery.endpoint)", style: "mono")
            html.raw("</td><td>")
            html.text(letter.error)
            if let queue = letter.deadLetterQueue {
                html.note("sent to " + queue)
            }
            html.raw("</td><td>")
            html.text(ConsoleFormat.time(letter.time))
            html.raw("</td><td>")
            html.append(body(delivery.body))
            html.raw("</td><td>")
            html.append(actions(letter))
            html.raw("</td></tr>")
        }
        html.raw("</tbody></table>")
        return html
    }

    /// A delivery's body: formatted when it is JSON, as text otherwise.
    private func body(_ text: String) -> HTML {
        if let value = try? JSONParser.parse(text) { return HTML.json(value) }
        var html = HTML(raw: "<pre class=\"json\">")
        html.text(text)
        html.raw("</pre>")
        return html
    }

    /// What a resolved review item shows instead of buttons.
    private func resolved(_ resolution: String, at time: Int64?) -> HTML {
        var done = HTML(raw: "<span class=\"muted\">Resolved")
        if let time { done.text(" " + ConsoleFormat.time(time)) }
        done.raw(":</span> ")
        done.text(resolution)
        return done
    }

    /// A form that resolves a review item with the reason a person types.
    private func resolveForm(action: String, field: (String, String)) -> HTML {
        var html = HTML(raw: "<form method=\"post\" action=\"\(HTML.escape(action))\" class=\"resolve\">")
        html.raw(HTML.hidden("csrf", csrf) + HTML.hidden(field.0, field.1))
        html.raw("<input type=\"text\" name=\"reason\" required placeholder=\"Reason\"><button type=\"submit\">Resolve</button></form>")
        return html
    }

    private func deliveryTable(_ letters: [DeadLetter], id: String, actions: (DeadLetter) -> HTML) -> HTML {
        var html = HTML.tableStart(id: id, columns: ["Bus / rule / target", "Error", "Dead-lettered", "Event", ""])
        for letter in letters {
            html.raw("<tr class=\"failed-delivery\" data-rule=\"\(HTML.escape(letter.delivery.ruleName))\"><td>")
            html.text("\(letter.delivery.busName) / \(letter.delivery.ruleName) / \(letter.delivery.targetId)")
            html.note(letter.delivery.targetArn, style: "mono")
            html.raw("</td><td>")
            html.text(letter.errorCode)
            html.note(letter.errorMessage)
            html.raw("</td><td>")
            html.text(ConsoleFormat.time(letter.time))
            html.raw("</td><td>")
            html.append(body(letter.delivery.body))
            html.raw("</td><td>")
            html.append(actions(letter))
            html.raw("</td></tr>")
        }
        html.raw("</tbody></table>")
        return html
    }

    private func table(_ items: [FailedExecutionItem], id: String, actions: (FailedExecutionItem) -> HTML) -> HTML {
        var html = HTML.tableStart(id: id, columns: ["Execution", "Status", "Error", "Stopped", "Redrives", ""])
        for item in items {
            html.raw("<tr class=\"failed-execution\" data-execution=\"\(HTML.escape(ConsoleLinks.executionName(item.executionArn)))\"><td>")
            html.append(ConsoleLinks.execution(item.executionArn))
            html.note(ConsoleLinks.machineName(item.stateMachineArn))
            html.raw("</td><td class=\"status \(HTML.escape(item.status))\">")
            html.text(item.status)
            html.raw("</td><td>")
            html.text(item.error ?? "")
            html.note(item.cause ?? "")
            html.raw("</td><td>")
            html.text(item.stopDate.map(ConsoleFormat.time) ?? "")
            html.raw("</td><td class=\"num\">\(item.redriveCount)</td><td>")
            html.append(actions(item))
            html.raw("</td></tr>")
        }
        html.raw("</tbody></table>")
        return html
    }
}
