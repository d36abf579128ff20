internal import HTTPTypes
internal import Hummingbird

/// The AWS JSON protocols: every service on `POST /`, told apart by `X-Amz-Target`.
///
/// Step Functions, EventBridge and SQS share one endpoint as AWS's SDKs expect when
/// given one `--endpoint-url`; the per-service grouping lives in the handlers the
/// ``AWSDispatcher`` holds, one per target prefix.
struct AWSRoutes: Sendable {
    let dispatcher: AWSDispatcher
    /// Whether a browser opening `/` is sent to the console.
    var consoleEnabled = false

    func add(to router: Router<ServerRequestContext>) {
        router.post("/") { request, context in
            await dispatcher.respond(to: request, logger: context.logger)
        }
        // SNS's SubscribeURL and UnsubscribeURL are plain GETs of `/?Action=…`.
        router.get("/") { request, context in
            if consoleEnabled, Self.isBrowserVisit(request) {
                return Response(status: .seeOther, headers: [.location: "/console/"])
            }
            return await dispatcher.respondQuery(to: request, logger: context.logger)
        }
    }

    /// A person opening the server's address: a page is wanted, and nothing AWS-shaped was sent
    /// (no query, no `Authorization`, no `X-Amz-*` header).
    static func isBrowserVisit(_ request: Request) -> Bool {
        guard (request.uri.query ?? "").isEmpty, request.headers[.authorization] == nil,
            request.headers[.accept]?.lowercased().contains("text/html") == true
        else { return false }
        return !request.headers.contains { $0.name.canonicalName.hasPrefix("x-amz") }
    }
}
