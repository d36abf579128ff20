import Foundation
public import JSON
import Runtime

/// One partner webhook: `POST /webhooks/NAME` becomes an event on `bus`.
///
/// The partner signs each call with the shared secret (scheme `v1`: `v1=` and the
/// hex HMAC-SHA256 of `"v1\nTIMESTAMP\nDELIVERY_ID\nBODY"`, checked by the server's
/// `WebhookRoutes`), and sends the timestamp, the signature and its delivery id in the
/// configured headers. The
/// delivery id is the idempotency key: a partner retrying a delivery gets the
/// event id of the first acceptance and no second event.
///
/// Only ``WebhookConfiguration`` makes them, from `webhooks.yaml` (where the defaults
/// of the optional members are).
public struct Webhook: Sendable, Hashable {
    public var name: String
    /// The bus name the events go to.
    public var bus: String
    /// The events' `source` and `detail-type`; the request body is their `detail`.
    public var source: String
    public var detailType: String
    /// The shared secret (read from the environment variable the file names).
    public var secret: String
    public var signatureHeader: String
    public var timestampHeader: String
    public var deliveryIdHeader: String
    /// How far the timestamp may be from now, either way, in seconds.
    public var toleranceSeconds: Int
    /// The largest body accepted, in bytes (AWS's event limit by default).
    public var maximumBodyBytes: Int
}

/// The webhooks of a `workflows/` directory's `webhooks.yaml`:
///
/// ```yaml
/// webhooks:
///   - name: partner-uploads
///     bus: default                     # optional
///     source: partner.uploads
///     detailType: Object Created
///     secretEnvironment: PARTNER_UPLOADS_SECRET
///     signatureHeader: X-Partner-Signature   # optional, these three default to X-Stepline-*
///     timestampHeader: X-Partner-Timestamp
///     deliveryIdHeader: X-Partner-Delivery
///     toleranceSeconds: 300            # optional
///     maximumBodyBytes: 262144         # optional
/// ```
///
/// The secret is never in the file: it names an environment variable, so the
/// file can be committed. A variable that is not set is an error at start, not
/// a webhook that accepts everything.
public enum WebhookConfiguration {
    /// Loads `path` (YAML or JSON) with secrets from `environment`.
    /// - Throws: ``WebhookConfigurationError`` naming the file, the entry and what is wrong.
    public static func load(path: String, environment: [String: String]) throws -> [Webhook] {
        let document: JSONValue
        do { document = try YAMLDocument.load(path: path) } catch { throw WebhookConfigurationError(error.message) }
        return try parse(document, environment: environment, source: path)
    }

    /// Reads an already decoded document.
    public static func parse(_ document: JSONValue, environment: [String: String], source: String = "webhooks") throws -> [Webhook] {
        guard let list = document["webhooks"]?.arrayValue else {
            throw WebhookConfigurationError("\(source): /webhooks is missing or not a list")
        }
        var seen: Set<String> = []
        return try list.enumerated().map { index, entry in
            let location = "\(source): /webhooks/\(index)"
            func string(_ key: String, default value: String? = nil) throws -> String {
                if let text = entry[key]?.stringValue, !text.isEmpty { return text }
                if let value { return value }
                throw WebhookConfigurationError("\(location)/\(key) is required (a non-empty string)")
            }
            let name = try string("name")
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw WebhookConfigurationError("\(location)/name '\(name)' may only hold letters, digits, '-', '_' and '.'")
            }
            guard seen.insert(name).inserted else { throw WebhookConfigurationError("\(location)/name '\(name)' is used twice") }
            let variable = try string("secretEnvironment")
            guard let secret = environment[variable], !secret.isEmpty else {
                throw WebhookConfigurationError("\(location): the environment variable \(variable) (its secret) is not set")
            }
            return Webhook(
                name: name,
                bus: try string("bus", default: "default"),
                source: try string("source"),
                detailType: try string("detailType"),
                secret: secret,
                signatureHeader: try string("signatureHeader", default: "X-Stepline-Signature"),
                timestampHeader: try string("timestampHeader", default: "X-Stepline-Timestamp"),
                deliveryIdHeader: try string("deliveryIdHeader", default: "X-Stepline-Delivery"),
                toleranceSeconds: entry["toleranceSeconds"]?.integerValue ?? 300,
                maximumBodyBytes: entry["maximumBodyBytes"]?.integerValue ?? 256 * 1024
            )
        }
    }
}

/// A webhooks file that cannot be used.
public struct WebhookConfigurationError: Error, Sendable, CustomStringConvertible {
    public let message: String
    package init(_ message: String) { self.message = message }
    public var description: String { message }
}
