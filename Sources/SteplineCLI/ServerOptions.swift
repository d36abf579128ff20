import ArgumentParser
import Foundation

/// The options of the commands that talk to a running `stepline serve`: where it is and
/// whether to print JSON.
///
/// These commands speak the same AWS JSON protocol boto3 does, so they work against any
/// Stepline server (and their requests show up in its metrics and logs like any client's).
/// They never open the data directory themselves: a server owns its log while it runs.
struct ServerOptions: ParsableArguments {
    @Option(help: "The server's URL (env STEPLINE_ENDPOINT; default http://127.0.0.1:8423).")
    var endpoint: String = ProcessInfo.processInfo.environment["STEPLINE_ENDPOINT"] ?? "http://127.0.0.1:8423"

    @Flag(help: "Print the API's response as JSON (for scripts).")
    var json = false

    func validate() throws {
        guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--endpoint must be an http:// or https:// URL, got '\(endpoint)'")
        }
    }

    var client: StatesClient { StatesClient(endpoint: endpoint) }

    /// Prints what an operation with an empty answer did: `{}` (its answer) with `--json`, else `text`.
    func printDone(_ text: String) {
        printLine(json ? "{}" : text)
    }
}
