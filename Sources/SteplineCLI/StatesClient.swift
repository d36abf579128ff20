import Foundation
import JSON

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A minimal client of the AWS JSON protocol for the CLI's server commands.
///
/// Requests are unsigned: against a server started with credentials, use the aws CLI
/// or boto3, which sign. Failures become ``CommandFailure``s that say what to do:
/// an unreachable server exits 3, an API error exits 1 with its AWS code.
struct StatesClient {
    let endpoint: String

    /// Calls `<prefix>.<operation>` with `input` and returns the output structure.
    func call(_ operation: String, _ input: JSONObject = [:], prefix: String = "AWSStepFunctions") async throws -> JSONValue {
        // ServerOptions.validate() proved `endpoint` a URL with a scheme and host.
        var request = URLRequest(url: URL(string: endpoint)!)
        request.httpMethod = "POST"
        request.setValue("\(prefix).\(operation)", forHTTPHeaderField: "X-Amz-Target")
        request.setValue("application/x-amz-json-1.0", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(JSONValue.object(input).serialized.utf8)
        request.timeoutInterval = 90
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw CommandFailure(
                "cannot reach the Stepline server at \(endpoint) (\(error.localizedDescription)); "
                    + "start it with 'stepline serve --background' ('stepline status' says where a server runs), "
                    + "or give its address with --endpoint or STEPLINE_ENDPOINT",
                exitCode: 3
            )
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let body: JSONValue
        do { body = try JSONParser.parse(bytes: Array(data)) } catch {
            throw CommandFailure("\(endpoint) answered \(prefix).\(operation) with HTTP \(status) and a body that is not JSON; is it a Stepline server?")
        }
        guard status == 200 else {
            let code = body["__type"]?.stringValue ?? "HTTP \(status)"
            let message = body["message"]?.stringValue ?? body["Message"]?.stringValue ?? ""
            throw CommandFailure("\(operation) failed: \(code): \(message)")
        }
        return body
    }

    /// Every page of a paginated operation, its `member` lists concatenated.
    func callAll(_ operation: String, _ input: JSONObject, member: String) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var input = input
        while true {
            let page = try await call(operation, input)
            items += page[member]?.arrayValue ?? []
            guard let next = page["nextToken"]?.stringValue else { return items }
            input["nextToken"] = .string(next)
        }
    }

    /// The ARN of a state machine given by ARN or by name.
    func stateMachineArn(_ nameOrArn: String) async throws -> String {
        if nameOrArn.hasPrefix("arn:") { return nameOrArn }
        let machines = try await callAll("ListStateMachines", [:], member: "stateMachines")
        guard let arn = machines.first(where: { $0["name"]?.stringValue == nameOrArn })?["stateMachineArn"]?.stringValue else {
            throw CommandFailure("no state machine named '\(nameOrArn)' on \(endpoint); 'stepline list' shows the deployed ones")
        }
        return arn
    }

    /// `DescribeExecution` of `arn` once it is no longer `RUNNING`, polled every 100 ms.
    ///
    /// - Throws: ``CommandFailure`` (exit 3) when `deadline` passes first.
    func finishedExecution(_ arn: String, deadline: Date = .distantFuture) async throws -> JSONValue {
        var execution = try await call("DescribeExecution", ["executionArn": .string(arn)])
        while execution["status"]?.stringValue == "RUNNING" {
            guard Date() < deadline else { throw CommandFailure("\(arn) is still RUNNING", exitCode: 3) }
            try await Task.sleep(for: .milliseconds(100))
            execution = try await call("DescribeExecution", ["executionArn": .string(arn)])
        }
        return execution
    }
}
