internal import Crypto
public import JSON

/// Turns a listing's position into an opaque, tamper-evident `nextToken` and back.
///
/// A token is `base64url(position JSON) . base64url(HMAC-SHA256(scope, position))`,
/// truncated to 128 bits. The scope binds it to one listing (say
/// `"ListExecutions arn:…:stateMachine:x"`), so a token edited by hand, or replayed
/// against another listing, is refused with `InvalidToken` as AWS refuses it, instead
/// of silently listing from somewhere else.
///
/// Tokens verify only under the key that made them. The default key is random per
/// process, so tokens lapse on restart (AWS's own lapse after 24 hours); give a stable
/// key to keep them valid across restarts.
public struct PaginationTokenCodec: Sendable {
    // The key's bytes rather than a `SymmetricKey`, which is not `Sendable` in swift-crypto 3.
    let keyBytes: [UInt8]

    /// A codec with a fresh random 256-bit key.
    public init() {
        var generator = SystemRandomNumberGenerator()
        self.keyBytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// A codec with a given key (at least 16 bytes), for tokens that must outlive the process.
    public init(key: [UInt8]) {
        precondition(key.count >= 16, "a pagination token key needs at least 128 bits")
        self.keyBytes = key
    }

    /// The token for `position` in the listing named by `scope`.
    public func encode(_ position: JSONValue, scope: String) -> String {
        let payload = Array(position.serialized.utf8)
        return Base64.encode(payload, alphabet: .url) + "." + Base64.encode(mac(payload, scope: scope), alphabet: .url)
    }

    /// The position a token encodes, if this codec made it for `scope`.
    ///
    /// - Parameter code: the error code the operation models for a bad token
    ///   (Step Functions: `InvalidToken`; others often `ValidationException`).
    /// - Throws: an ``AWSError`` with `code` if the token is malformed, altered or from another scope.
    public func decode(_ token: String, scope: String, code: AWSError.Code = .invalidToken) throws(AWSError) -> JSONValue {
        let invalid = AWSError(code, "Invalid Token: '\(token.prefix(64))' was not issued for this listing or was altered")
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64.decode(parts[0], alphabet: .url), let tag = Base64.decode(parts[1], alphabet: .url) else {
            throw invalid
        }
        let expected = mac(payload, scope: scope)
        guard tag.count == expected.count, zip(tag, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw invalid
        }
        do {
            return try JSONParser.parse(bytes: payload)
        } catch {
            throw invalid
        }
    }

    private func mac(_ payload: [UInt8], scope: String) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: keyBytes))
        hmac.update(data: Array(scope.utf8))
        hmac.update(data: [0])
        hmac.update(data: payload)
        return Array(hmac.finalize().prefix(16))
    }
}
