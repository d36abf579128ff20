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
                    if let resolution = item.resolution {
                        var done = HTML(raw: "<span class=\"muted\">Resolved")
                        if let date = item.resolvedDate { done.text(" " + ConsoleFormat.time(date)) }
                        done.raw(":</span> ")
                        done.text(resolution)
                        return done
                    }
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
        if let deliveries {
            html.raw("<h2>Bus deliveries</h2>")
            if deliveries.isEmpty {
                html.raw("<p class=\"empty\">No event delivery is dead-lettered.</p>")
            } else {
                html.raw("<p>")
                html.append(
                    HTML.postButton(
                        action: "/console/deliveries/redrive-all",
                        label: "Redrive all deliveries (\(deliveries.count))",
                        csrf: csrf,
                        style: "primary"
                    )
                )
                html.raw("</p>")
                html.append(
                    deliveryTable(deliveries, id: "delivery-dead-letters") { letter in
                        HTML.postButton(
                            action: "/console/deliveries/redrive",
                            label: "Redrive",
                            csrf: csrf,
                            fields: [("id", letter.delivery.deliveryId)]
                        )
                    }
                )
            }
        }
        if let deliveryReviews, !deliveryReviews.isEmpty {
            html.raw("<h2>Bus deliveries in manual review</h2>")
            html.raw("<p class=\"muted\">Deliveries that failed again after a redrive.</p>")
            let resolutions = Dictionary(
                deliveryReviews.map { ($0.letter.delivery.deliveryId, $0) },
                uniquingKeysWith: { first, _ in first }
            )
            html.append(
                deliveryTable(deliveryReviews.map(\.letter), id: "delivery-review") { letter in
                    let id = letter.delivery.deliveryId
                    if let item = resolutions[id], let resolution = item.resolution {
                        return resolved(resolution, at: item.resolvedTime)
                    }
                    var actions = HTML.postButton(action: "/console/delivery-reviews/retry", label: "Retry", csrf: csrf, fields: [("id", id)])
                    actions.append(resolveForm(action: "/console/delivery-reviews/resolve", field: ("id", id)))
                    return actions
                }
            )
        }
        html.append(topicSections())
        return html
    }

    /// Topic deliveries: dead letters (redrive one or all) and review items (retry or resolve).
    private func topicSections() -> HTML {
        var html = HTML(raw: "")
        if let topicLetters {
            html.raw("<h2>Topic deliveries</h2>")
            if topicLetters.isEmpty {
                html.raw("<p class=\"empty\">No topic delivery is dead-lettered.</p>")
            } else {
                html.raw("<p>")
                html.append(
                    HTML.postButton(
                        action: "/console/topic-deliveries/redrive-all",
                        label: "Redrive all topic deliveries (\(topicLetters.count))",
                        csrf: csrf,
                        style: "primary"
                    )
                )
                html.raw("</p>")
                html.append(
                    topicTable(topicLetters, id: "topic-dead-letters") { letter in
                        HTML.postButton(
                            action: "/console/topic-deliveries/redrive", label: "Redrive", csrf: csrf,
                            fields: [("id", letter.delivery.deliveryId)])
                    }
                )
            }
        }
        if let topicReviews, !topicReviews.isEmpty {
            html.raw("<h2>Topic deliveries in manual review</h2>")
            html.raw("<p class=\"muted\">Topic deliveries that failed again after a redrive.</p>")
            let items = Dictionary(topicReviews.map { ($0.letter.delivery.deliveryId, $0) }, uniquingKeysWith: { first, _ in first })
            html.append(
                topicTable(topicReviews.map(\.letter), id: "topic-review") { letter in
                    let id = letter.delivery.deliveryId
                    if let item = items[id], let resolution = item.resolution {
                        return resolved(resolution, at: item.resolvedTime)
                    }
                    var actions = HTML.postButton(action: "/console/topic-reviews/retry", label: "Retry", csrf: csrf, fields: [("id", id)])
                    actions.append(resolveForm(action: "/console/topic-reviews/resolve", field: ("id", id)))
                    return actions
                }
            )
        }
        return html
    }

    private func topicTable(_ letters: [TopicDeadLetter], id: String, actions: (TopicDeadLetter) -> HTML) -> HTML {
        var html = HTML(raw: "<table id=\"\(id)\"><thead><tr><th>Topic / subscription</th><th>Error</th>")
        html.raw("<th>Dead-lettered</th><th>Message</th><th></th></tr></thead><tbody>")
        for letter in letters {
            let delivery = letter.delivery
            html.raw("<tr class=\"failed-delivery\" data-delivery=\"\(HTML.escape(delivery.deliveryId))\"><td>")
            html.text(delivery.topicArn)
            html.raw("<div class=\"muted mono\">")
            html.text("\(delivery.protocolName) \(delivery.endpoint)")
            html.raw("</div></td><td>")
            html.text(letter.error)
            if let queue = letter.deadLetterQueue {
                html.raw("<div class=\"muted\">sent to ")
                html.text(queue)
                html.raw("</div>")
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

    /// What a resolved delivery review item shows instead of buttons.
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
        var html = HTML(raw: "<table id=\"\(id)\"><thead><tr><th>Bus / rule / target</th><th>Error</th>")
        html.raw("<th>Dead-lettered</th><th>Event</th><th></th></tr></thead><tbody>")
        for letter in letters {
            html.raw("<tr class=\"failed-delivery\" data-rule=\"\(HTML.escape(letter.delivery.ruleName))\"><td>")
            html.text("\(letter.delivery.busName) / \(letter.delivery.ruleName) / \(letter.delivery.targetId)")
            html.raw("<div class=\"muted mono\">")
            html.text(letter.delivery.targetArn)
            html.raw("</div></td><td>")
            html.text(letter.errorCode)
            html.raw("<div class=\"muted\">")
            html.text(letter.errorMessage)
            html.raw("</div></td><td>")
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
        var html = HTML(
            raw:
                "<table id=\"\(id)\"><thead><tr><th>Execution</th><th>Status</th><th>Error</th><th>Stopped</th><th>Redrives</th><th></th></tr></thead><tbody>"
        )
        for item in items {
            html.raw("<tr class=\"failed-execution\" data-execution=\"\(HTML.escape(ConsoleLinks.executionName(item.executionArn)))\"><td>")
            html.append(ConsoleLinks.execution(item.executionArn))
            html.raw("<div class=\"muted\">")
            html.text(ConsoleLinks.machineName(item.stateMachineArn))
            html.raw("</div></td><td class=\"status \(HTML.escape(item.status))\">")
            html.text(item.status)
            html.raw("</td><td>")
            html.text(item.error ?? "")
            html.raw("<div class=\"muted\">")
            html.text(item.cause ?? "")
            html.raw("</div></td><td>")
            html.text(item.stopDate.map(ConsoleFormat.time) ?? "")
            html.raw("</td><td class=\"num\">\(item.redriveCount)</td><td>")
            html.append(actions(item))
            html.raw("</td></tr>")
        }
        html.raw("</tbody></table>")
        return html
    }
}
