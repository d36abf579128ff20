import JSON

/// How `dlq list` and `review list` print the items of the dead-letter and review views.
enum FailedExecutionText {
    static func print(_ items: [JSONValue], empty: String) {
        if items.isEmpty { return printLine(empty) }
        for item in items {
            var line = (item["status"]?.stringValue ?? "") + "  " + (item["executionArn"]?.stringValue ?? "")
            if let error = item["error"]?.stringValue { line += "  error \(error)" }
            if let cause = item["cause"]?.stringValue { line += "  cause \(cause.prefix(80))" }
            if let count = item["redriveCount"]?.integerValue, count > 0 { line += "  redriven \(count)" }
            if let resolution = item["resolution"]?.stringValue { line += "  resolved: \(resolution)" }
            printLine(line)
        }
    }
}
