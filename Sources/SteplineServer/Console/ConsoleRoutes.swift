internal import Engine
import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import JSON
internal import StatesLanguage

/// The web console: `GET` pages under `/console/` and the `POST` actions their forms make.
///
/// Every request goes through one gate (``gate(_:)``): the console is refused on a
/// server that listens beyond loopback without credentials; with credentials, a
/// request without a signed-in session is sent to the login form; every `POST`
/// must carry the CSRF token of its session, or it is refused with 403 before
/// anything is read from the form. Actions answer with a redirect (post/redirect/get)
/// carrying a notice, so reloading a page never repeats an action.
struct ConsoleRoutes: Sendable {
    let console: ConsoleConfiguration
    let credentials: AWSCredentials
    /// Whether the server listens only on loopback (decides access without credentials).
    let loopbackOnly: Bool
    let sessions: ConsoleSessions
    let files: DataDirectoryFiles

    init(console: ConsoleConfiguration, credentials: AWSCredentials, host: String, sessions: ConsoleSessions = .random()) {
        self.console = console
        self.credentials = credentials
        self.loopbackOnly = ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
        self.sessions = sessions
        self.files = DataDirectoryFiles(dataDirectory: console.dataDirectory)
    }

    var engine: Engine { console.engine }
    func now() -> Int64 { engine.configuration.clock.now() }

    func add(to router: Router<BasicRequestContext>) {
        router.get("/console") { _, _ in Self.redirect("/console/review") }
        router.get("/console/login") { request, _ in await loginForm(request) }
        router.post("/console/login") { request, _ in await login(request) }
        router.post("/console/logout") { request, _ in
            await action(request) { _, _ in
                let (_, cookie) = sessions.issue(identity: "", now: now(), nonce: Self.nonce())
                return .redirect("/console/login", cookie: cookie)
            }
        }
        router.get("/console/review") { request, _ in
            await page(request, title: "Review queue", path: "/console/review") { gate in
                let tasks = try await engine.waitingTasks()
                let files = files
                return ReviewQueuePage(tasks: tasks, now: now(), images: { files.images(in: $0) }, csrf: gate.csrf).render()
            }
        }
        router.post("/console/review/approve") { request, _ in
            await action(request) { gate, form in
                let output = form["output"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                try await engine.decideTask(
                    token: try form.required("token"),
                    TaskDecision(outcome: .approve(output: output.isEmpty ? "{}" : output), decidedBy: gate.decidedBy)
                )
                return .back("/console/review", ok: "Approved.")
            }
        }
        router.post("/console/review/reject") { request, _ in
            await action(request) { gate, form in
                let error = form["error"].flatMap { $0.isEmpty ? nil : $0 } ?? "Rejected"
                let cause = form["cause"].flatMap { $0.isEmpty ? nil : $0 }
                try await engine.decideTask(
                    token: try form.required("token"),
                    TaskDecision(outcome: .reject(error: error, cause: cause), decidedBy: gate.decidedBy)
                )
                return .back("/console/review", ok: "Rejected.")
            }
        }
        router.get("/console/executions") { request, _ in
            await page(request, title: "Executions", path: "/console/executions") { _ in try executionList(request) }
        }
        router.get("/console/executions/view") { request, _ in
            await page(request, title: "Execution", path: "/console/executions") { gate in
                let arn = request.uri.queryParameters.get("arn") ?? ""
                let execution = try await engine.describeExecution(arn: arn)
                let machine = try engine.describeStateMachine(arn: execution.stateMachineArn, revisionId: execution.revisionId)
                let history = try engine.history(executionArn: arn, maxResults: ExecutionPage.maximumEvents)
                return ExecutionPage(
                    execution: execution,
                    definition: (try? JSONParser.parse(machine.definition)) ?? .null,
                    events: history.events,
                    moreEvents: history.nextToken != nil,
                    decisions: try engine.taskDecisions(executionArn: arn),
                    csrf: gate.csrf
                ).render()
            }
        }
        router.post("/console/executions/redrive") { request, _ in
            await action(request) { _, form in
                let arn = try form.required("arn")
                try await engine.redriveExecution(arn: arn)
                let back = form["back"] == "/console/dead-letters" ? "/console/dead-letters" : "/console/executions/view?arn=" + HTML.queryEscape(arn)
                return .back(back, ok: "Redriven \(ConsoleLinks.executionName(arn)).")
            }
        }
        router.post("/console/executions/stop") { request, _ in
            await action(request) { gate, form in
                let arn = try form.required("arn")
                let cause = form["cause"].flatMap { $0.isEmpty ? nil : $0 }
                try await engine.stopExecution(arn: arn, error: "Console.Stopped", cause: cause ?? "Stopped by \(gate.decidedBy)")
                return .back("/console/executions/view?arn=" + HTML.queryEscape(arn), ok: "Stopped \(ConsoleLinks.executionName(arn)).")
            }
        }
        router.get("/console/dead-letters") { request, _ in
            await page(request, title: "Dead letters and manual review", path: "/console/dead-letters") { gate in
                DeadLettersPage(
                    deadLetters: try engine.deadLetters(),
                    reviewItems: try engine.reviewItems(includeResolved: true),
                    deliveries: try console.buses?.deadLetters(),
                    deliveryReviews: try console.buses?.reviewItems(includeResolved: true),
                    csrf: gate.csrf
                ).render()
            }
        }
        router.post("/console/dead-letters/redrive-all") { request, _ in
            await action(request) { _, _ in
                var failures: [String] = []
                let items = try engine.deadLetters()
                for item in items {
                    do { try await engine.redriveExecution(arn: item.executionArn) } catch {
                        failures.append("\(ConsoleLinks.executionName(item.executionArn)): \(error)")
                    }
                }
                if !failures.isEmpty {
                    return .back("/console/dead-letters", error: "Some redrives failed: " + failures.joined(separator: "; "))
                }
                return .back("/console/dead-letters", ok: "Redrove \(items.count) executions.")
            }
        }
        router.post("/console/review-items/resolve") { request, _ in
            await action(request) { _, form in
                let arn = try form.required("arn")
                try await engine.resolveReview(executionArn: arn, reason: try form.required("reason"))
                return .back("/console/dead-letters", ok: "Resolved \(ConsoleLinks.executionName(arn)).")
            }
        }
        router.post("/console/deliveries/redrive") { request, _ in
            await action(request) { _, form in
                let buses = try requireBuses()
                try await buses.redrive(deliveryId: try form.required("id"))
                return .back("/console/dead-letters", ok: "Delivery redriven.")
            }
        }
        router.post("/console/deliveries/redrive-all") { request, _ in
            await action(request) { _, _ in
                let buses = try requireBuses()
                let letters = try buses.deadLetters()
                for letter in letters { try await buses.redrive(deliveryId: letter.delivery.deliveryId) }
                return .back("/console/dead-letters", ok: "Redrove \(letters.count) deliveries.")
            }
        }
        router.post("/console/delivery-reviews/retry") { request, _ in
            await action(request) { _, form in
                let buses = try requireBuses()
                try await buses.retryReviewItem(deliveryId: try form.required("id"))
                return .back("/console/dead-letters", ok: "Delivery retried.")
            }
        }
        router.post("/console/delivery-reviews/resolve") { request, _ in
            await action(request) { _, form in
                let buses = try requireBuses()
                try await buses.resolveReviewItem(deliveryId: try form.required("id"), reason: try form.required("reason"))
                return .back("/console/dead-letters", ok: "Delivery resolved.")
            }
        }
        router.get("/console/buses") { request, _ in
            await page(request, title: "Buses and rules", path: "/console/buses") { _ in
                guard let buses = console.buses else { return HTML(raw: "<p class=\"empty\">This server has no event buses.</p>") }
                return try BusesPage(buses: buses).render()
            }
        }
        router.get("/console/files") { request, _ in await file(request) }
    }

    // MARK: Pages

    /// The event buses, or a 404 notice on a server that has none.
    func requireBuses() throws -> EventBuses {
        guard let buses = console.buses else { throw ConsoleError.notFound("this server has no event buses") }
        return buses
    }

    func executionList(_ request: Request) throws -> HTML {
        let parameters = request.uri.queryParameters
        let machines = try engine.listStateMachines().sorted { $0.name < $1.name }
        let machineFilter = parameters.get("machine").flatMap { $0.isEmpty ? nil : $0 }
        let statusFilter = parameters.get("status").flatMap { $0.isEmpty ? nil : $0 }
        var status: ExecutionStatus?
        if let statusFilter {
            guard let parsed = ExecutionStatus(rawValue: statusFilter) else {
                throw ConsoleError.badRequest("status must be one of \(ExecutionListPage.statuses.joined(separator: ", ")), got '\(statusFilter)'")
            }
            status = parsed
        }
        let offset = max(0, parameters.get("offset", as: Int.self) ?? 0)
        let (executions, hasMore) = try ExecutionPaging.page(
            engine: engine,
            machines: machineFilter.map { [$0] } ?? machines.map(\.stateMachineArn),
            status: status,
            offset: offset
        )
        var next: String?
        if hasMore {
            next = "offset=\(offset + ExecutionPaging.pageSize)"
            if let machineFilter { next! += "&machine=" + HTML.queryEscape(machineFilter) }
            if let statusFilter { next! += "&status=" + HTML.queryEscape(statusFilter) }
        }
        return ExecutionListPage(
            machines: machines,
            executions: executions,
            machineFilter: machineFilter,
            statusFilter: statusFilter,
            nextPageQuery: next,
            isLaterPage: offset > 0
        ).render()
    }

    func file(_ request: Request) async -> Response {
        switch gate(request, method: .get) {
        case .refused(let response): return response
        case .allowed:
            do {
                let image = try files.image(at: request.uri.queryParameters.get("path") ?? "")
                let data = try Data(contentsOf: URL(fileURLWithPath: image.absolutePath))
                var headers = Self.securityHeaders
                headers[.contentType] = image.contentType
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: Array(data))))
            } catch {
                return Self.plain(.notFound, "\(error)")
            }
        }
    }

    // MARK: Sign-in

    func loginForm(_ request: Request) async -> Response {
        if credentials.isEmpty { return Self.redirect("/console/review") }
        let (session, cookie) = currentSession(request)
        let page = ConsolePage(title: "Sign in", activePath: "", identity: nil, csrf: sessions.csrfToken(for: session), notice: notice(request))
        return Self.html(page.render(LoginPage(csrf: sessions.csrfToken(for: session)).render()), cookie: cookie)
    }

    func login(_ request: Request) async -> Response {
        guard let session = verifiedSession(request) else {
            return Self.plain(.forbidden, "missing or expired console session: reload the login page")
        }
        let form: ConsoleForm
        do { form = try await ConsoleForm(request) } catch { return Self.plain(.badRequest, "\(error)") }
        guard sessions.checkCSRF(form["csrf"], for: session) else { return Self.plain(.forbidden, "missing or wrong CSRF token") }
        let keyID = form["accessKeyId"] ?? ""
        guard let expected = credentials.secret(for: keyID),
            SignatureV4Verifier.constantTimeEqual(expected, form["secretAccessKey"] ?? "")
        else {
            return Self.redirect(location("/console/login", kind: "error", text: "Unknown access key id or wrong secret."))
        }
        let (_, cookie) = sessions.issue(identity: keyID, now: now(), nonce: Self.nonce())
        return Self.redirect("/console/review", cookie: cookie)
    }

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

/// A console request that cannot be served as asked.
enum ConsoleError: Error, CustomStringConvertible {
    case badRequest(String)
    case notFound(String)

    var status: HTTPResponse.Status {
        switch self {
        case .badRequest: .badRequest
        case .notFound: .notFound
        }
    }

    var description: String {
        switch self {
        case .badRequest(let message), .notFound(let message): message
        }
    }
}

extension HTTPField.Name {
    // Force-unwraps proven: both are valid header field names (RFC 9110 tokens).
    static let consoleFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let consoleReferrerPolicy = HTTPField.Name("Referrer-Policy")!
}
