internal import Crypto
import JSON

/// Signed console sessions and the CSRF tokens bound to them.
///
/// A session is a cookie the server signs with a key that exists only in its memory:
/// `base64url(identity NUL expiry NUL nonce) . hex(HMAC-SHA256)`. Nothing is stored
/// server-side, so a restart signs everyone out, which is what a console on a
/// workstation wants. Every visitor gets a session, signed in or not, so that the
/// login form itself carries a CSRF token; signing in issues a new session (a new
/// nonce), so a session planted before sign-in is worth nothing after it.
///
/// A form's CSRF token is `HMAC(key, "csrf" NUL nonce)`: a page from this server
/// knows it, a page from another origin cannot compute it, and the cookie is
/// `SameSite=Strict` besides.
struct ConsoleSessions: Sendable {
    /// The cookie's name.
    static let cookieName = "stepline_console"
    /// How long a session lasts, in milliseconds (12 hours: one working day).
    static let lifetime: Int64 = 12 * 3600 * 1000

    /// One verified session.
    struct Session: Sendable, Hashable {
        /// The access key id it signed in with; empty when not signed in.
        var identity: String
        /// Milliseconds since the Unix epoch.
        var expiry: Int64
        var nonce: String
    }

    /// The signing key's bytes (Crypto's `SymmetricKey` is not `Sendable`; one is made per signature).
    private let key: [UInt8]

    /// Sessions signed with `key` (tests pass a fixed one; `stepline serve` a random one).
    init(key: [UInt8]) {
        self.key = key
    }

    /// Sessions signed with 32 random bytes from the system's CSPRNG.
    static func random() -> ConsoleSessions {
        var generator = SystemRandomNumberGenerator()
        return ConsoleSessions(key: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// A new session for `identity`, valid for ``lifetime`` from `now`.
    func issue(identity: String, now: Int64, nonce: [UInt8]) -> (session: Session, cookie: String) {
        let session = Session(identity: identity, expiry: now + Self.lifetime, nonce: nonce.hexEncoded)
        let body = Base64.encode(Array("\(identity)\u{0}\(session.expiry)\u{0}\(session.nonce)".utf8), alphabet: .url)
        return (session, body + "." + sign("session\u{0}" + body))
    }

    /// The session a cookie value holds, or `nil` if it is forged, malformed or expired.
    func verify(cookie: String, now: Int64) -> Session? {
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, SignatureV4Verifier.constantTimeEqual(sign("session\u{0}" + parts[0]), String(parts[1])),
            let bytes = Base64.decode(parts[0], alphabet: .url)
        else { return nil }
        let fields = String(decoding: bytes, as: UTF8.self).split(separator: "\u{0}", omittingEmptySubsequences: false)
        guard fields.count == 3, let expiry = Int64(fields[1]), expiry > now, !fields[2].isEmpty else { return nil }
        return Session(identity: String(fields[0]), expiry: expiry, nonce: String(fields[2]))
    }

    /// The CSRF token forms of `session` carry.
    func csrfToken(for session: Session) -> String {
        sign("csrf\u{0}" + session.nonce)
    }

    /// Whether `token` is the CSRF token of `session` (constant time).
    func checkCSRF(_ token: String?, for session: Session) -> Bool {
        guard let token, !token.isEmpty else { return false }
        return SignatureV4Verifier.constantTimeEqual(csrfToken(for: session), token)
    }

    /// The signature of a notice a redirect carries to the next page.
    func noticeSignature(kind: String, text: String) -> String {
        sign("notice\u{0}" + kind + "\u{0}" + text)
    }

    /// Whether `signature` is the server's for this notice (constant time).
    func checkNotice(_ signature: String, kind: String, text: String) -> Bool {
        SignatureV4Verifier.constantTimeEqual(noticeSignature(kind: kind, text: text), signature)
    }

    private func sign(_ text: String) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: key))).hexEncoded
    }
}
