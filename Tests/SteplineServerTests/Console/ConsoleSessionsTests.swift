import Testing

@testable import SteplineServer

@Suite("Console sessions and CSRF tokens")
struct ConsoleSessionsTests {
    let sessions = ConsoleSessions(key: Array(repeating: 7, count: 32))
    let now: Int64 = 1_700_000_000_000

    @Test("an issued session verifies with its identity until it expires")
    func issuedSessionVerifies() {
        let (session, cookie) = sessions.issue(identity: "AKIDEDITOR", now: now, nonce: [1, 2, 3])
        #expect(sessions.verify(cookie: cookie, now: now + 1000) == session)
        #expect(session.identity == "AKIDEDITOR")
        #expect(sessions.verify(cookie: cookie, now: now + ConsoleSessions.lifetime) == nil)
    }

    @Test("a cookie whose identity was changed, or signed with another key, is refused")
    func forgedCookiesAreRefused() {
        let (_, cookie) = sessions.issue(identity: "", now: now, nonce: [1, 2, 3])
        let (_, other) = sessions.issue(identity: "AKIDADMIN", now: now, nonce: [1, 2, 3])
        let parts = cookie.split(separator: ".")
        let otherParts = other.split(separator: ".")
        // The signed-in body with the anonymous signature: a self-promoted session.
        #expect(sessions.verify(cookie: "\(otherParts[0]).\(parts[1])", now: now) == nil)
        let elsewhere = ConsoleSessions(key: Array(repeating: 8, count: 32))
        #expect(elsewhere.verify(cookie: other, now: now) == nil)
        #expect(sessions.verify(cookie: "garbage", now: now) == nil)
        #expect(sessions.verify(cookie: "", now: now) == nil)
    }

    @Test("a CSRF token fits only the session it was made for")
    func csrfTokenIsBoundToItsSession() {
        let (first, _) = sessions.issue(identity: "", now: now, nonce: [1])
        let (second, _) = sessions.issue(identity: "", now: now, nonce: [2])
        let token = sessions.csrfToken(for: first)
        #expect(sessions.checkCSRF(token, for: first))
        #expect(!sessions.checkCSRF(token, for: second))
        #expect(!sessions.checkCSRF(nil, for: first))
        #expect(!sessions.checkCSRF("", for: first))
    }
}
