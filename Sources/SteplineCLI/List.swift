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
            for item in machines {
                printLine(
                    [item["name"], item["type"], item["stateMachineArn"]].map { $0?.stringValue ?? "" }.joined(separator: "  "))
            }
            return
        }
        var request: JSONObject = ["stateMachineArn": .string(try await client.stateMachineArn(machine))]
        if let status { request["statusFilter"] = .string(status) }
        let executions = try await client.callAll("ListExecutions", request, member: "executions")
        if server.json { return printLine(JSONValue.object(["executions": .array(executions)]).serialized) }
        for item in executions {
            let status = item["status"]?.stringValue ?? ""
            printLine(
                status.padding(toLength: 10, withPad: " ", startingAt: 0) + "  "
                    + (ExecutionText.date(item["startDate"]) ?? "") + "  " + (item["executionArn"]?.stringValue ?? ""))
        }
    }
}
