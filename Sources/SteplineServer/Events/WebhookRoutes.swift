import Crypto
public import EventBuses
import Foundation
import HTTPTypes
internal import Hummingbird
import JSON
import Workflows

/// `POST /webhooks/NAME`: a partner's signed HTTP call becomes one event on a bus.
///
/// In order, and each with its own 4xx so a partner can tell what to fix:
/// an unknown name is 404; a body over the webhook's limit is 413; missing
/// headers or a timestamp that is not a number are 400; a timestamp further
/// than the tolerance from now is 400 (a replayed or badly delayed call); a
/// signature that is not the ``SignatureScheme`` `v1` one is 401, compared in
/// constant time; a body that is not a JSON object is 400. A good
/// call answers 200 `{"eventId", "duplicate"}` once the event is durable; a
/// retry with the same delivery id answers the same event id with
/// `"duplicate": true` and writes nothing.
///
/// Signatures are checked before the body is parsed, so an unsigned caller
/// learns nothing about the body format.
public struct WebhookRoutes: Sendable {
    let webhooks: [String: Webhook]
    let buses: EventBuses
    /// The file the webhooks were read from, which an unknown name's error points at.
    let configurationFile: String?
    /// Seconds since the epoch; the timestamp window is checked against it.
    let now: @Sendable () -> Double

    /// - Parameters:
    ///   - configurationFile: where `webhooks` were declared (named in the 404 of an unknown webhook).
    ///   - now: seconds since the epoch (`nil`: the system clock); tests pass a fixed time.
    public init(webhooks: [Webhook], buses: EventBuses, configurationFile: String? = nil, now: (@Sendable () -> Double)? = nil) {
        self.webhooks = Dictionary(webhooks.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.buses = buses
        self.configurationFile = configurationFile
        self.now = now ?? { Date().timeIntervalSince1970 }
    }

    func add(to router: Router<ServerRequestContext>) {
        router.post("/webhooks/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            do {
                let accepted = try await handle(name: name, request: request)
                return Self.json(.ok, ["eventId": .string(accepted.eventId), "duplicate": .bool(accepted.duplicate)])
            } catch let refusal as WebhookRefusal {
                return Self.json(refusal.status, ["error": .string(refusal.code), "message": .string(refusal.message)])
            }
        }
    }

    /// A refused webhook call: the HTTP status, a stable code and what to fix.
    struct WebhookRefusal: Error {
        var status: HTTPResponse.Status
        var code: String
        var message: String
    }

    func handle(name: String, request: Request) async throws(WebhookRefusal) -> WebhookAcceptance {
        guard let webhook = webhooks[name] else {
            // The file, not the other names: a caller probing names learns none from the refusal.
            let file = configurationFile.map { " in \($0)" } ?? ""
            throw WebhookRefusal(status: .notFound, code: "UnknownWebhook", message: "No webhook named '\(name)' is configured\(file).")
        }
        let tooLarge = WebhookRefusal(
            status: .contentTooLarge, code: "BodyTooLarge",
            message: "The body is larger than the \(webhook.maximumBodyBytes) bytes webhook \(name) accepts."
        )
        if let length = request.headers[.contentLength].flatMap(Int.init), length > webhook.maximumBodyBytes { throw tooLarge }
        let body: [UInt8]
        do { body = Array(buffer: try await request.body.collect(upTo: webhook.maximumBodyBytes)) } catch { throw tooLarge }
        func header(_ field: String) throws(WebhookRefusal) -> String {
            guard let name = HTTPField.Name(field), let value = request.headers[name], !value.isEmpty else {
                throw WebhookRefusal(status: .badRequest, code: "MissingHeader", message: "The \(field) header is required.")
            }
            return value
        }
        let timestampText = try header(webhook.timestampHeader)
        let signatureText = try header(webhook.signatureHeader)
        let deliveryId = try header(webhook.deliveryIdHeader)
        guard let timestamp = Int(timestampText) else {
            throw WebhookRefusal(
                status: .badRequest, code: "InvalidTimestamp",
                message: "\(webhook.timestampHeader) must be whole seconds since the epoch, got '\(timestampText)'."
            )
        }
        guard abs(now() - Double(timestamp)) <= Double(webhook.toleranceSeconds) else {
            throw WebhookRefusal(
                status: .badRequest, code: "StaleTimestamp",
                message: "\(webhook.timestampHeader) is more than \(webhook.toleranceSeconds) seconds from now; sign the call again with the current time."
            )
        }
        guard SignatureScheme.v1.verifies(signatureText, secret: webhook.secret, timestamp: timestampText, deliveryId: deliveryId, body: body) else {
            throw WebhookRefusal(
                status: .unauthorized, code: "InvalidSignature",
                message: "\(webhook.signatureHeader) must be 'v1=' and the hex HMAC-SHA256, with webhook \(name)'s secret, of "
                    + "'v1\\n' + \(webhook.timestampHeader) + '\\n' + \(webhook.deliveryIdHeader) + '\\n' + body."
            )
        }
        let text = String(decoding: body, as: UTF8.self)
        guard case .object? = try? JSONParser.parse(text) else {
            throw WebhookRefusal(status: .badRequest, code: "MalformedBody", message: "The body must be a JSON object (it becomes the event's detail).")
        }
        let entry = EventEntry(source: webhook.source, detailType: webhook.detailType, detail: text, eventBusName: webhook.bus)
        do {
            return try await buses.acceptWebhook(entry, idempotencyKey: "webhook/\(name)/\(deliveryId)")
        } catch {
            // Answered as EventBridge answers the same failure of PutEvents.
            let failure = AWSError(error, answeredBy: .events)
            throw WebhookRefusal(status: failure.status, code: failure.code.rawValue, message: failure.message)
        }
    }

    /// How a partner signs a call. Versioned so that a change is a new version partners
    /// move to, never a silent change of what a signature means.
    ///
    /// `v1` (the only one accepted): the header is `v1=` and the hex
    /// `HMAC-SHA256(secret, "v1" LF TIMESTAMP LF DELIVERY_ID LF BODY)`. The delivery id is
    /// signed because it is the idempotency key: were it not, a captured call resent with
    /// a new delivery id inside the timestamp window would be a second event. Line feeds
    /// separate the parts because no header value can hold one, so no two calls sign the
    /// same bytes.
    ///
    /// `v0` (`TIMESTAMP.BODY`, hex, optionally `sha256=`) covered no delivery id and is refused.
    enum SignatureScheme: String {
        case v1

        /// The bytes the HMAC covers.
        func message(timestamp: String, deliveryId: String, body: [UInt8]) -> [UInt8] {
            Array("\(rawValue)\n\(timestamp)\n\(deliveryId)\n".utf8) + body
        }

        /// Whether `header` is this scheme's signature of the call (constant time).
        func verifies(_ header: String, secret: String, timestamp: String, deliveryId: String, body: [UInt8]) -> Bool {
            let prefix = rawValue + "="
            guard header.hasPrefix(prefix), !deliveryId.contains(where: { $0.isNewline }),
                let signature = Hex.bytes(header.dropFirst(prefix.count))
            else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(
                signature, authenticating: message(timestamp: timestamp, deliveryId: deliveryId, body: body),
                using: SymmetricKey(data: Array(secret.utf8)))
        }
    }

    static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body.serialized))
        )
    }
}
