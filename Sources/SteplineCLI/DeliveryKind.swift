import ArgumentParser
import JSON

/// `--kind` of `dlq` and `review`: which dead letters a command acts on. Executions
/// are the default; bus and topic deliveries have the same views through their own
/// operation prefixes (`SteplineEvents`, `SteplineTopics`), keyed by delivery id.
enum DeliveryKind: String, ExpressibleByArgument, CaseIterable {
    case executions, buses, topics

    /// The `X-Amz-Target` prefix of the server operations for this kind.
    var prefix: String {
        switch self {
        case .executions: "Stepline"
        case .buses: "SteplineEvents"
        case .topics: "SteplineTopics"
        }
    }

    /// The input member naming one item: an execution ARN or a delivery id.
    var idMember: String { self == .executions ? "executionArn" : "deliveryId" }

    /// Prints the answer of a list operation (`ListDeadLetters`, `ListReviewItems`): as it
    /// is with `--json`, else its items of this kind one a line, or `empty` when there are none.
    func print(_ answer: JSONValue, json: Bool, empty: String) {
        if json { return printLine(answer.serialized) }
        let items = answer["items"]?.arrayValue ?? []
        guard self != .executions else { return FailedExecutionText.print(items, empty: empty) }
        if items.isEmpty { return printLine(empty) }
        for item in items {
            let target = item["targetArn"]?.stringValue ?? item["endpoint"]?.stringValue ?? ""
            let source = item["ruleArn"]?.stringValue ?? item["subscriptionArn"]?.stringValue ?? ""
            var line = [item["status"]?.stringValue, item["deliveryId"]?.stringValue].compactMap { $0 }.joined(separator: "  ")
            line += "  \(source) -> \(target)"
            if let error = item["errorMessage"]?.stringValue { line += "  error \(error.prefix(80))" }
            if let count = item["redriveCount"]?.integerValue, count > 0 { line += "  redriven \(count)" }
            if let resolution = item["resolution"]?.stringValue { line += "  resolved: \(resolution)" }
            printLine(line)
        }
    }
}
