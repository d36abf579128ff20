internal import Hummingbird
internal import JSON

/// `GET /health`: 200 with `{"status": "ok", "services": [...]}` while the server answers.
///
/// `services` lists the target prefixes that have a handler, so a probe can tell a
/// server with its engine plugged in from one that only speaks the protocols.
struct HealthRoutes: Sendable {
    let registeredPrefixes: [String]

    func add(to router: Router<ServerRequestContext>) {
        let body: JSONValue = ["status": "ok", "services": .array(registeredPrefixes.map { .string($0) })]
        let text = body.serialized
        router.get("/health") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))
            )
        }
    }
}
