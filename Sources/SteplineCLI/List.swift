import ArgumentParser
import Foundation
import JSON

/// `stepline list [MACHINE]`: the state machines, or one machine's executions.
struct List: ServerCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the state machines, or the executions of one (newest first).",
        discussion: """
            Without MACHINE: one line per state machine (name, type, ARN). With MACHINE (a name or \
            ARN): one line per execution (status, start time, ARN), optionally only those with \
            --status. Every page is fetched.

            \(serverExitCodes)
            """
    )

    @Argument(help: "A state machine's name or ARN, to list its executions.")
    var machine: String?

    @Option(help: "Only executions with this status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED.")
    var status: String?

    @OptionGroup var server: ServerOptions

    func validate() throws {
        if let status, !["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"].contains(status) {
            throw ValidationError("--status must be RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE, got '\(status)'")
        }
        if status != nil && machine == nil {
            throw ValidationError("--status filters executions: give the state machine too (stepline list MACHINE --status \(status ?? ""))")
        }
    }

    func run(with client: StatesClient) async throws {
        guard let machine else {
            let machines = try await client.callAll("ListStateMachines", [:], member: "stateMachines")
            if server.json { return printLine(JSONValue.object(["stateMachines": .array(machines)]).serialized) }
            printTable(machines.map { item in [item["name"], item["type"], item["stateMachineArn"]].map { $0?.stringValue ?? "" } })
            return
        }
        var request: JSONObject = ["stateMachineArn": .string(try await client.stateMachineArn(machine))]
        if let status { request["statusFilter"] = .string(status) }
        let executions = try await client.callAll("ListExecutions", request, member: "executions")
        if server.json { return printLine(JSONValue.object(["executions": .array(executions)]).serialized) }
        printTable(
            executions.map { item in
                [item["status"]?.stringValue ?? "", ExecutionText.date(item["startDate"]) ?? "", item["executionArn"]?.stringValue ?? ""]
            }
        )
    }
}

/// Prints `rows` as columns two spaces apart, each as wide as its widest cell (the last one unpadded).
func printTable(_ rows: [[String]]) {
    let widths = rows.reduce(into: [Int]()) { widths, row in
        for (column, cell) in row.enumerated() {
            if column < widths.count { widths[column] = max(widths[column], cell.count) } else { widths.append(cell.count) }
        }
    }
    for row in rows {
        let cells = row.enumerated().map { column, cell in
            column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }
        printLine(cells.joined(separator: "  "))
    }
}
