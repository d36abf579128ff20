import EventBuses
import Foundation
internal import HTTPTypes
internal import Hummingbird
internal import JSON
import Runtime
internal import StatesLanguage
import Topics
internal import Workflows

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
    /// The buses page's counts, read from the log incrementally.
    let ruleActivity = RuleActivityCache()
    /// Backs off sign-in after failures, per client address and overall.
    let loginThrottle: LoginThrottle

    init(
        console: ConsoleConfiguration, credentials: AWSCredentials, host: String, sessions: ConsoleSessions = .random(),
        loginThrottle: LoginThrottle = LoginThrottle()
    ) {
        self.loginThrottle = loginThrottle
        self.console = console
        self.credentials = credentials
        self.loopbackOnly = ServerConfiguration.isLoopback(host)
        self.sessions = sessions
        self.files = DataDirectoryFiles(dataDirectory: console.dataDirectory)
    }

    var engine: Engine { console.engine }
    func now() -> Int64 { engine.configuration.clock.now() }

    func add(to router: Router<ServerRequestContext>) {
        router.get("/console") { _, _ in Self.redirect("/console/review") }
        router.get("/console/login") { request, _ in await loginForm(request) }
        router.post("/console/login") { request, context in await login(request, client: context.clientAddress ?? "unknown") }
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
                    topicLetters: try console.topics?.deadLetters(),
                    topicReviews: try console.topics?.reviewItems(includeResolved: true),
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
        addDeliveryActions(to: router, of: .buses) { try requireBuses() }
        addDeliveryActions(to: router, of: .topics) { try requireTopics() }
        router.get("/console/buses") { request, _ in
            await page(request, title: "Buses and rules", path: "/console/buses") { _ in
                guard let buses = console.buses else { return HTML(raw: "<p class=\"empty\">This server has no event buses.</p>") }
                return try BusesPage(buses: buses, activity: try ruleActivity.current(buses)).render()
            }
        }
        router.get("/console/files") { request, _ in await file(request) }
    }

    /// The actions on one kind of delivery's dead letters (redrive one or all) and
    /// review items (retry, resolve): each acts on the service and goes back to the
    /// dead-letter page with the notice it returns.
    func addDeliveryActions<Service: DeliveryReviewing>(
        to router: Router<ServerRequestContext>,
        of kind: ConsoleDeliveryKind,
        service: @escaping @Sendable () throws -> Service
    ) {
        let actions: [(path: String, perform: @Sendable (Service, ConsoleForm) async throws -> String)] = [
            (
                kind.deadLetterPath + "/redrive",
                { service, form in
                    try await service.redrive(deliveryId: try form.required("id"))
                    return "\(kind.singular) redriven."
                }
            ),
            (
                kind.deadLetterPath + "/redrive-all",
                { service, _ in
                    let letters = try service.deadLetters()
                    for letter in letters { try await service.redrive(deliveryId: letter.deliveryId) }
                    return "Redrove \(letters.count) \(kind.plural)."
                }
            ),
            (
                kind.reviewPath + "/retry",
                { service, form in
                    try await service.retryReviewItem(deliveryId: try form.required("id"))
                    return "\(kind.singular) retried."
                }
            ),
            (
                kind.reviewPath + "/resolve",
                { service, form in
                    try await service.resolveReviewItem(deliveryId: try form.required("id"), reason: try form.required("reason"))
                    return "\(kind.singular) resolved."
                }
            ),
        ]
        for (path, perform) in actions {
            router.post(RouterPath(path)) { request, _ in
                await action(request) { _, form in .back("/console/dead-letters", ok: try await perform(try service(), form)) }
            }
        }
    }

    // MARK: Pages

    /// The event buses, or a 404 notice on a server that has none.
    func requireBuses() throws -> EventBuses {
        guard let buses = console.buses else { throw ConsoleError.notFound("this server has no event buses") }
        return buses
    }

    /// The topics, or a 404 notice on a server that has none.
    func requireTopics() throws -> TopicService {
        guard let topics = console.topics else { throw ConsoleError.notFound("this server has no topics") }
        return topics
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
        var next = "offset=\(offset + ExecutionPaging.pageSize)"
        if let machineFilter { next += "&machine=" + HTML.queryEscape(machineFilter) }
        if let statusFilter { next += "&status=" + HTML.queryEscape(statusFilter) }
        return ExecutionListPage(
            machines: machines,
            executions: executions,
            machineFilter: machineFilter,
            statusFilter: statusFilter,
            nextPageQuery: hasMore ? next : nil,
            isLaterPage: offset > 0
        ).render()
    }

    func file(_ request: Request) async -> Response {
        switch gate(request, method: .get) {
        case .refused(let response): return response
        case .allowed:
            do {
                let image = try files.image(at: request.uri.queryParameters.get("path") ?? "")
                let bytes = try files.contents(of: image)
                var headers = Self.securityHeaders
                headers[.contentType] = image.contentType
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
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

    /// Signs in with an access key id and its secret; after repeated failures answers 429
    /// with `Retry-After` until the client's (or everyone's) backoff has passed.
    func login(_ request: Request, client: String) async -> Response {
        guard let session = verifiedSession(request) else {
            return Self.plain(.forbidden, "missing or expired console session: reload the login page")
        }
        let form: ConsoleForm
        do { form = try await ConsoleForm(request) } catch { return Self.plain(.badRequest, "\(error)") }
        guard sessions.checkCSRF(form["csrf"], for: session) else { return Self.plain(.forbidden, "missing or wrong CSRF token") }
        if let wait = loginThrottle.wait(client: client, now: now()) {
            let seconds = (wait + 999) / 1000
            var response = Self.plain(.tooManyRequests, "Too many failed sign-ins: try again in \(seconds) seconds.")
            response.headers[.retryAfter] = "\(seconds)"
            return response
        }
        let keyID = form["accessKeyId"] ?? ""
        guard let expected = credentials.secret(for: keyID),
            SignatureV4Verifier.constantTimeEqual(expected, form["secretAccessKey"] ?? "")
        else {
            loginThrottle.fail(client: client, now: now())
            return Self.redirect(location("/console/login", kind: "error", text: "Unknown access key id or wrong secret."))
        }
        loginThrottle.succeed(client: client)
        let (_, cookie) = sessions.issue(identity: keyID, now: now(), nonce: Self.nonce())
        return Self.redirect("/console/review", cookie: cookie)
    }
}
