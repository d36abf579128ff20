internal import HTTPTypes
internal import Hummingbird
internal import JSON

/// Refuses requests whose `Host` is not a name of this server, and answers unknown paths
/// with an AWS-shaped error instead of an empty 404.
///
/// Why the `Host` check: a server on loopback trusts whoever reaches it (the console and,
/// without credentials, the whole API). A web page cannot reach `127.0.0.1` from another
/// origin, unless its own name is re-pointed there by DNS after it loaded ("DNS
/// rebinding"): the browser then sends the page's requests to this server with
/// `Host: evil.example`, and reads the answers as same-origin. Accepting only the names this
/// server is known by (`127.0.0.1`, `localhost`, `[::1]`, the bound address and any
/// configured with `--allowed-host`) closes that, since the browser always sends the name
/// the page used. The port is not compared: a rebinding attacker cannot choose the name a
/// browser sends, and the port of a server bound to port 0 is known only once listening.
///
/// A request without any `Host` (HTTP/1.0) is let through: browsers always send one.
///
/// What if not: any web page a developer visits could approve review tasks, read
/// executions, or delete state machines on their workstation's server.
struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Lower-case host names (no port, IPv6 without brackets) that may be named; empty accepts any.
    let allowedNames: Set<String>

    /// The names a server bound to `bindHost` answers to: loopback names when it is on
    /// loopback, plus `configured`; a server bound beyond loopback with none configured
    /// checks nothing (it is reached by names it cannot know).
    init(bindHost: String, configured: [String]) {
        let bind = Self.normalized(bindHost)
        var names = Set(configured.map(Self.normalized))
        if ServerConfiguration.isLoopback(bind) {
            names.formUnion(["127.0.0.1", "localhost", "::1", bind])
        } else if !names.isEmpty, !["0.0.0.0", "::"].contains(bind) {
            names.insert(bind)
        }
        self.allowedNames = names
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !allowedNames.isEmpty, let host = Self.host(of: request), !allowedNames.contains(Self.normalized(host)) {
            return Self.error(
                .misdirectedRequest,
                code: "MisdirectedRequest",
                "Host '\(host)' is not a name of this server; it answers to \(allowedNames.sorted().joined(separator: ", ")). "
                    + "Add the name with --allowed-host if it is yours (a page re-pointing its own name at this server is refused on purpose)."
            )
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return Self.error(
                .notFound,
                code: "UnknownOperationException",
                "No resource at \(request.method.rawValue) \(request.uri.path): the AWS APIs are POST /, the console is /console/, "
                    + "and /health, /metrics and /webhooks/NAME are the others."
            )
        }
    }

    /// The `Host` a request names: a `Host` field if one was left among the headers, else the authority.
    static func host(of request: Request) -> String? {
        let field = HTTPField.Name("Host").flatMap { request.headers[$0] }
        return field ?? request.head.authority
    }

    /// `Name:port` or `[v6]:port` as the bare lower-case name.
    static func normalized(_ host: String) -> String {
        var text = Substring(host.lowercased())
        if text.hasPrefix("[") {
            text = text.dropFirst().prefix(while: { $0 != "]" })
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.lastIndex(of: ":") {
            text = text[..<colon]
        }
        if text.hasSuffix(".") { text = text.dropLast() }
        return String(text)
    }

    static func error(_ status: HTTPResponse.Status, code: String, _ message: String) -> Response {
        let body: JSONValue = ["__type": .string(code), "message": .string(message)]
        return Response(
            status: status,
            headers: [.contentType: "application/json", .amznErrorType: code],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body.serialized))
        )
    }
}
