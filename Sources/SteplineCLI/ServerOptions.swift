import ArgumentParser
import Foundation

/// The options of the commands that talk to a running `stepline serve`: where it is and
/// whether to print JSON.
///
/// These commands speak the same AWS JSON protocol boto3 does, so they work against any
/// Stepline server (and their requests show up in its metrics and logs like any client's).
/// They never open the data directory themselves: a server owns its log while it runs.
/// Without `--endpoint` or `STEPLINE_ENDPOINT` they call the server whose run file
/// (``ServerRunFile``) is in the data directory, so `stepline serve --port 0 --background`
/// needs no port passed around; with no run file, `http://127.0.0.1:8423`.
struct ServerOptions: ParsableArguments {
    @Option(
        help:
            "The server's URL (env STEPLINE_ENDPOINT; default: the server of the data directory, else http://127.0.0.1:8423)."
    )
    var endpoint: String?

    @Option(
        name: .customLong("data-dir"),
        help: "Without --endpoint, call the server serving this data directory (env STEPLINE_DATA_DIR; default ./.stepline)."
    )
    var dataDirOption: String?

    @Flag(help: "Print the API's response as JSON (for scripts).")
    var json = false

    /// The default when neither an endpoint nor a run file says otherwise: `serve`'s default address.
    static let defaultEndpoint = "http://127.0.0.1:8423"

    /// `--endpoint`, else `STEPLINE_ENDPOINT`, else the run file's endpoint, else ``defaultEndpoint``.
    var resolvedEndpoint: String {
        if let endpoint { return endpoint }
        if let endpoint = ProcessInfo.processInfo.environment["STEPLINE_ENDPOINT"], !endpoint.isEmpty { return endpoint }
        let dataDirectory = dataDirOption ?? ProcessInfo.processInfo.environment["STEPLINE_DATA_DIR"] ?? "./.stepline"
        return ServerRunFile.read(dataDirectory: dataDirectory)?.endpoint ?? Self.defaultEndpoint
    }

    func validate() throws {
        let endpoint = resolvedEndpoint
        guard let url = URL(string: endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--endpoint must be an http:// or https:// URL, got '\(endpoint)'")
        }
    }

    var client: StatesClient { StatesClient(endpoint: resolvedEndpoint) }

    /// Prints what an operation with an empty answer did: `{}` (its answer) with `--json`, else `text`.
    func printDone(_ text: String) {
        printLine(json ? "{}" : text)
    }
}
