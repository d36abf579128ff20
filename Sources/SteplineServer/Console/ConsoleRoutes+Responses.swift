import Foundation
internal import HTTPTypes
internal import Hummingbird
import Runtime
internal import Workflows

extension ConsoleRoutes {
    // MARK: Responses

    /// Pages run no script and load nothing from elsewhere; they may not be framed.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
        .consoleFrameOptions: "DENY",
        .consoleReferrerPolicy: "same-origin",
        .cacheControl: "no-store",
        .xContentTypeOptions: "nosniff",
    ]

    static func html(_ html: HTML, status: HTTPResponse.Status = .ok, cookie: String? = nil) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        if let cookie { headers[.setCookie] = setCookie(cookie) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html.description)))
    }

    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        if let cookie { headers[.setCookie] = setCookie(cookie) }
        return Response(status: .seeOther, headers: headers)
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    /// The session cookie: scoped to the console, unreadable by scripts, never sent cross-site.
    static func setCookie(_ value: String) -> String {
        "\(ConsoleSessions.cookieName)=\(value); Path=/console; Max-Age=\(ConsoleSessions.lifetime / 1000); HttpOnly; SameSite=Strict"
    }

    static func nonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? EngineError { return error.message }
        return "\(error)"
    }

    static func status(_ error: any Error) -> HTTPResponse.Status {
        switch error {
        case let error as ConsoleError: error.status
        case let error as EngineError where error.code.rawValue.hasSuffix("DoesNotExist"): .notFound
        default: .internalServerError
        }
    }
}

extension HTTPField.Name {
    // Force-unwraps proven: both are valid header field names (RFC 9110 tokens).
    static let consoleFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let consoleReferrerPolicy = HTTPField.Name("Referrer-Policy")!
}
