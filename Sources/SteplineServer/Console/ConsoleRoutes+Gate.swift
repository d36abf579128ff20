import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import Workflows

extension ConsoleRoutes {
    // MARK: The gate

    /// What the gate decided.
    enum Gate {
        case allowed(Allowed)
        case refused(Response)
    }

    /// A request that may proceed, with its session.
    struct Allowed {
        var session: ConsoleSessions.Session
        var csrf: String
        /// A cookie to set (a session issued for this request), if any.
        var cookie: String?
        /// Who decisions are recorded as made by.
        var decidedBy: String { session.identity.isEmpty ? "local" : session.identity }
    }

    func gate(_ request: Request, method: HTTPRequest.Method) -> Gate {
        if credentials.isEmpty && !loopbackOnly {
            return .refused(
                Self.plain(
                    .forbidden,
                    "The console is off: this server listens beyond loopback without credentials. Serve on 127.0.0.1, or configure --credentials."
                )
            )
        }
        if method == .post {
            // A POST must come with its session: a missing cookie is a forged or cross-site form.
            guard let session = verifiedSession(request) else { return .refused(Self.plain(.forbidden, "missing or expired console session")) }
            if !credentials.isEmpty && session.identity.isEmpty { return .refused(Self.redirect("/console/login")) }
            return .allowed(Allowed(session: session, csrf: sessions.csrfToken(for: session), cookie: nil))
        }
        let (session, cookie) = currentSession(request)
        if !credentials.isEmpty && session.identity.isEmpty { return .refused(Self.redirect("/console/login", cookie: cookie)) }
        return .allowed(Allowed(session: session, csrf: sessions.csrfToken(for: session), cookie: cookie))
    }

    /// The request's valid session, or a new anonymous one and the cookie that carries it.
    func currentSession(_ request: Request) -> (ConsoleSessions.Session, String?) {
        if let session = verifiedSession(request) { return (session, nil) }
        let (session, cookie) = sessions.issue(identity: "", now: now(), nonce: Self.nonce())
        return (session, cookie)
    }

    func verifiedSession(_ request: Request) -> ConsoleSessions.Session? {
        request.cookies[ConsoleSessions.cookieName].flatMap { sessions.verify(cookie: $0.value, now: now()) }
    }

    /// A page: the gate, then `body` inside the frame; an error becomes the page's notice.
    func page(_ request: Request, title: String, path: String, _ body: (Allowed) async throws -> HTML) async -> Response {
        switch gate(request, method: .get) {
        case .refused(let response): return response
        case .allowed(let gate):
            var frame = ConsolePage(
                title: title,
                activePath: path,
                identity: gate.session.identity.isEmpty ? nil : gate.session.identity,
                csrf: gate.csrf,
                notice: notice(request)
            )
            do {
                return Self.html(frame.render(try await body(gate)), cookie: gate.cookie)
            } catch {
                frame.notice = ("error", Self.message(error))
                return Self.html(frame.render(HTML()), status: Self.status(error), cookie: gate.cookie)
            }
        }
    }

    /// Where an action sends the browser next.
    enum Outcome {
        /// Back to a console page with a notice.
        case back(String, kind: String, text: String)
        case redirect(String, cookie: String?)
        static func back(_ path: String, ok: String) -> Outcome { .back(path, kind: "ok", text: ok) }
        static func back(_ path: String, error: String) -> Outcome { .back(path, kind: "error", text: error) }
    }

    /// `path` with a notice the next page shows: the text travels in the query string,
    /// signed, so a link made elsewhere cannot put its own words on a console page.
    func location(_ path: String, kind: String, text: String) -> String {
        path + (path.contains("?") ? "&" : "?") + kind + "=" + HTML.queryEscape(text) + "&n="
            + sessions.noticeSignature(kind: kind, text: text)
    }

    /// An action: the gate, the CSRF check, then `perform`; its error comes back as a notice.
    func action(_ request: Request, _ perform: (Allowed, ConsoleForm) async throws -> Outcome) async -> Response {
        switch gate(request, method: .post) {
        case .refused(let response): return response
        case .allowed(let gate):
            let form: ConsoleForm
            do { form = try await ConsoleForm(request) } catch { return Self.plain(.badRequest, "\(error)") }
            guard sessions.checkCSRF(form["csrf"], for: gate.session) else {
                return Self.plain(.forbidden, "missing or wrong CSRF token: reload the page and try again")
            }
            do {
                switch try await perform(gate, form) {
                case .redirect(let location, let cookie): return Self.redirect(location, cookie: cookie)
                case .back(let path, let kind, let text): return Self.redirect(location(path, kind: kind, text: text))
                }
            } catch {
                return Self.redirect(location(Self.referringPage(request), kind: "error", text: Self.message(error)))
            }
        }
    }

    /// The console page a form was on (from `Referer`, which `Referrer-Policy: same-origin`
    /// keeps for our own pages), without its old notice; the review queue otherwise.
    static func referringPage(_ request: Request) -> String {
        guard let referer = request.headers[.referer], let components = URLComponents(string: referer),
            components.path.hasPrefix("/console/")
        else { return "/console/review" }
        let items = (components.queryItems ?? []).filter { !["ok", "error", "n"].contains($0.name) }
        if items.isEmpty { return components.path }
        return components.path + "?" + items.map { $0.name + "=" + HTML.queryEscape($0.value ?? "") }.joined(separator: "&")
    }

    /// The notice a redirect carried, if its signature holds.
    func notice(_ request: Request) -> (kind: String, text: String)? {
        let query = request.uri.queryParameters
        let signature = query.get("n") ?? ""
        for kind in ["error", "ok"] {
            if let text = query.get(kind), sessions.checkNotice(signature, kind: kind, text: text) { return (kind, text) }
        }
        return nil
    }
}
