import Foundation
internal import Hummingbird

/// The fields of a submitted console form (`application/x-www-form-urlencoded`).
struct ConsoleForm: Sendable {
    /// Forms carry a token, a reason or an output document: 1 MiB is plenty.
    static let maximumBytes = 1 << 20

    private(set) var fields: [String: String] = [:]

    /// Parses `text`; a repeated name keeps its last value, as browsers send one per input.
    init(text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
    }

    /// Reads and parses the request's body.
    /// - Throws: ``ConsoleError/badRequest(_:)`` if the body is larger than ``maximumBytes``.
    init(_ request: Request) async throws {
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.maximumBytes) } catch {
            throw ConsoleError.badRequest("the form is larger than \(Self.maximumBytes) bytes")
        }
        self.init(text: String(buffer: body))
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// A field that must be present and not empty.
    /// - Throws: ``ConsoleError/badRequest(_:)`` naming the field.
    func required(_ name: String) throws -> String {
        guard let value = fields[name], !value.isEmpty else { throw ConsoleError.badRequest("the form has no '\(name)'") }
        return value
    }
}
