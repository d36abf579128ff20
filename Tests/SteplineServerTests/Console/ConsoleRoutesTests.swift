import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import Logging
import Runtime
import StatesLanguage
import Stepline
import SteplineTesting
import Testing
import Workflows

@testable import SteplineServer

/// The console's pages and actions on a real Engine in a fresh data directory.
@Suite("Console routes")
struct ConsoleRoutesTests {
    /// A review machine: `Review` waits on an activity (its payload names a thumbnail),
    /// a rejection goes to `Rejected` through Catch unless `catchRejection` is false.
    static func machine(activityArn: String, catchRejection: Bool = true) -> String {
        let catcher = catchRejection ? #", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Rejected"}]"# : ""
        let rejected = catchRejection ? #", "Rejected": {"Type": "Fail", "Error": "Rejected"}"# : ""
        return """
            {"StartAt": "Prepare", "States": {
              "Prepare": {"Type": "Pass", "Result": {"thumbnail": "thumbs/a.png"}, "Next": "Review"},
              "Review": {"Type": "Task", "Resource": "\(activityArn)", "TimeoutSeconds": 3600,
                         "Parameters": {"image.$": "$.thumbnail"}, "Next": "Publish"\(catcher)},
              "Publish": {"Type": "Succeed"}\(rejected)
            }}
            """
    }

    /// An engine on a fresh directory (with `thumbs/a.png`), one execution waiting in
    /// `Review`, and the console application on it.
    struct Harness {
        let directory: String
        let engine: Engine
        let executionArn: String
        let clock = ManualClock()

        init(catchRejection: Bool = true) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepline-console-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory + "/thumbs", withIntermediateDirectories: true)
            try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: directory + "/thumbs/a.png"))
            engine = try await Stepline.open(dataDirectory: directory, configuration: .testing(clock: clock)).engine
            let activity = try await engine.createActivity(name: "editor")
            let machine = try await engine.createStateMachine(
                name: "review",
                definition: ConsoleRoutesTests.machine(activityArn: activity.activityArn, catchRejection: catchRejection),
                roleArn: "arn:aws:iam::123456789012:role/r",
                type: "STANDARD"
            )
            executionArn = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "clip-1").executionArn
        }

        func app(credentials: AWSCredentials = AWSCredentials(), host: String = "127.0.0.1") -> some ApplicationProtocol {
            buildApplication(
                configuration: ServerConfiguration(host: host, port: 0, credentials: credentials),
                console: ConsoleConfiguration(engine: engine, dataDirectory: directory),
                telemetry: ServerTelemetry(),
                logger: Logger(label: "test")
            )
        }

        func close() async {
            await engine.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// The browser's side: the session cookie and the last page's CSRF token.
    struct Browser {
        var cookie: String?
        var csrf: String?

        mutating func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
            let response = try await client.execute(uri: uri, method: .get, headers: headers())
            remember(response)
            return response
        }

        mutating func post(
            _ client: some TestClientProtocol,
            _ uri: String,
            _ fields: [String: String],
            csrf: Bool = true
        ) async throws -> TestResponse {
            var fields = fields
            if csrf, let token = self.csrf { fields["csrf"] = token }
            let body = fields.map { "\(HTML.queryEscape($0.key))=\(HTML.queryEscape($0.value))" }.joined(separator: "&")
            var headers = headers()
            headers[.contentType] = "application/x-www-form-urlencoded"
            let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
            remember(response)
            return response
        }

        func headers() -> HTTPFields {
            var headers = HTTPFields()
            if let cookie { headers[.cookie] = "\(ConsoleSessions.cookieName)=\(cookie)" }
            return headers
        }

        mutating func remember(_ response: TestResponse) {
            if let setCookie = response.headers[.setCookie],
                let value = setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last
            {
                cookie = String(value)
            }
            let body = String(buffer: response.body)
            if let range = body.range(of: #"name="csrf" value=""#) {
                csrf = String(body[range.upperBound...].prefix { $0 != "\"" })
            }
        }
    }

    static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test("the review queue shows the waiting task with its state, payload, thumbnail and deadline")
    func reviewQueueShowsWaitingTask() async throws {
        let harness = try await Harness()
        harness.clock.advance(milliseconds: 90_000)
        try await harness.app().test(.router) { client in
            var browser = Browser()
            let response = try await browser.get(client, "/console/review")
            #expect(response.status == .ok)
            let page = Self.body(response)
            #expect(page.contains(#"data-execution="clip-1" data-state="Review""#))
            #expect(page.contains(#"<img src="/console/files?path=thumbs%2Fa.png""#))
            #expect(page.contains("1m 30s"))
            #expect(page.contains("times out in 58m 30s"))
            #expect(response.headers[.setCookie]?.contains("HttpOnly; SameSite=Strict") == true)
            let image = try await browser.get(client, "/console/files?path=thumbs%2Fa.png")
            #expect(image.status == .ok)
            #expect(image.headers[.contentType] == "image/png")
            #expect(try await browser.get(client, "/console/files?path=..%2F..%2Fetc%2Fpasswd.png").status == .notFound)
        }
        await harness.close()
    }

    @Test("Approve without the session's CSRF token is refused and changes nothing")
    func approveWithoutCSRFIsRefused() async throws {
        let harness = try await Harness()
        let token = try #require(try await harness.engine.waitingTasks().first?.token)
        try await harness.app().test(.router) { client in
            var browser = Browser()
            _ = try await browser.get(client, "/console/review")
            let missing = try await browser.post(client, "/console/review/approve", ["token": token], csrf: false)
            #expect(missing.status == .forbidden)
            let wrong = try await browser.post(client, "/console/review/approve", ["token": token, "csrf": "0000"], csrf: false)
            #expect(wrong.status == .forbidden)
            // A cross-site form carries no cookie at all (SameSite=Strict).
            var crossSite = Browser(cookie: nil, csrf: browser.csrf)
            let cookieless = try await crossSite.post(client, "/console/review/approve", ["token": token])
            #expect(cookieless.status == .forbidden)
        }
        #expect(try await harness.engine.describeExecution(arn: harness.executionArn).status == .running)
        #expect(try await harness.engine.waitingTasks().count == 1)
        await harness.close()
    }

    @Test("Approve sends the output as SendTaskSuccess does and records who decided")
    func approveCompletesTheTask() async throws {
        let harness = try await Harness()
        let token = try #require(try await harness.engine.waitingTasks().first?.token)
        try await harness.app().test(.router) { client in
            var browser = Browser()
            _ = try await browser.get(client, "/console/review")
            let response = try await browser.post(client, "/console/review/approve", ["token": token, "output": #"{"approved": true}"#])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location]?.hasPrefix("/console/review?ok=Approved.&n=") == true)
            let page = Self.body(try await browser.get(client, "/console/executions/view?arn=" + HTML.queryEscape(harness.executionArn)))
            #expect(page.contains(#"id="decisions""#))
            #expect(page.contains("<td>approve</td><td>local</td>"))
            #expect(page.contains(#"<g class="node visited" data-state="Publish">"#))
        }
        let execution = try await harness.engine.describeExecution(arn: harness.executionArn)
        #expect(execution.status == .succeeded)
        #expect(execution.output == ["approved": true])
        let decisions = try harness.engine.taskDecisions(executionArn: harness.executionArn)
        #expect(decisions.map(\.decidedBy) == ["local"])
        #expect(decisions.first?.stateName == "Review")
        await harness.close()
    }

    @Test("Approve with output that is not JSON comes back as an error notice and the task keeps waiting")
    func approveWithInvalidOutput() async throws {
        let harness = try await Harness()
        let token = try #require(try await harness.engine.waitingTasks().first?.token)
        try await harness.app().test(.router) { client in
            var browser = Browser()
            _ = try await browser.get(client, "/console/review")
            let response = try await browser.post(client, "/console/review/approve", ["token": token, "output": "{approved"])
            let location = try #require(response.headers[.location])
            #expect(location.hasPrefix("/console/review?error=Invalid%20Output"))
            #expect(Self.body(try await browser.get(client, location)).contains(#"<p class="notice error" id="notice">Invalid Output"#))
        }
        #expect(try await harness.engine.waitingTasks().map(\.token) == [token])
        #expect(try harness.engine.taskDecisions(executionArn: harness.executionArn).isEmpty)
        await harness.close()
    }

    @Test("Reject fails the task with the error and cause, and the state's Catch applies")
    func rejectFailsTheTask() async throws {
        let harness = try await Harness()
        let token = try #require(try await harness.engine.waitingTasks().first?.token)
        try await harness.app().test(.router) { client in
            var browser = Browser()
            _ = try await browser.get(client, "/console/review")
            let response = try await browser.post(client, "/console/review/reject", ["token": token, "error": "Blurry", "cause": "frame 12"])
            #expect(response.status == .seeOther)
            let again = try await browser.post(client, "/console/review/reject", ["token": token])
            #expect(again.headers[.location]?.hasPrefix("/console/review?error=") == true)
        }
        let execution = try await harness.engine.describeExecution(arn: harness.executionArn)
        #expect(execution.status == .failed)
        #expect(execution.error == "Rejected")
        let failed = try harness.engine.history(executionArn: harness.executionArn).events.contains {
            if case .taskFailed(_, _, "Blurry", "frame 12") = $0.details { return true }
            return false
        }
        #expect(failed)
        #expect(try harness.engine.taskDecisions(executionArn: harness.executionArn).map(\.outcome) == ["reject"])
        await harness.close()
    }

    @Test("a failed execution is redriven from the dead-letters page and waits for review again")
    func redriveFromDeadLetters() async throws {
        let harness = try await Harness(catchRejection: false)
        let token = try #require(try await harness.engine.waitingTasks().first?.token)
        try await harness.engine.sendTaskFailure(token: token, error: "Blurry", cause: nil)
        try await harness.app().test(.router) { client in
            var browser = Browser()
            let page = Self.body(try await browser.get(client, "/console/dead-letters"))
            #expect(page.contains(#"<tr class="failed-execution" data-execution="clip-1">"#))
            let response = try await browser.post(
                client,
                "/console/executions/redrive",
                ["arn": harness.executionArn, "back": "/console/dead-letters"]
            )
            #expect(response.headers[.location]?.hasPrefix("/console/dead-letters?ok=") == true)
            #expect(Self.body(try await browser.get(client, "/console/dead-letters")).contains(#"id="dead-letters-empty""#))
        }
        #expect(try await harness.engine.describeExecution(arn: harness.executionArn).status == .running)
        #expect(try await harness.engine.waitingTasks().map(\.stateName) == ["Review"])
        await harness.close()
    }

    @Test("the executions list filters by status, and the execution page draws the current state")
    func executionsListAndPage() async throws {
        let harness = try await Harness()
        try await harness.app().test(.router) { client in
            var browser = Browser()
            let running = Self.body(try await browser.get(client, "/console/executions?status=RUNNING"))
            #expect(running.contains(">clip-1</a>"))
            let succeeded = Self.body(try await browser.get(client, "/console/executions?status=SUCCEEDED"))
            #expect(!succeeded.contains(">clip-1</a>"))
            #expect(try await browser.get(client, "/console/executions?status=BOGUS").status == .badRequest)
            let page = Self.body(try await browser.get(client, "/console/executions/view?arn=" + HTML.queryEscape(harness.executionArn)))
            #expect(page.contains(#"<g class="node visited current" data-state="Review">"#))
            // The review task runs on an activity: the history shows the event GetExecutionHistory returns for it.
            #expect(page.contains("<td>ActivityScheduled</td>"))
            #expect(try await browser.get(client, "/console/executions/view?arn=nope").status == .notFound)
        }
        await harness.close()
    }

    @Test("executions are listed newest first, 25 to a page, across state machines")
    func executionsArePaged() async throws {
        let harness = try await Harness()
        let machine = try await harness.engine.createStateMachine(
            name: "quick",
            definition: #"{"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": true}}}"#,
            roleArn: "arn:aws:iam::123456789012:role/r",
            type: "STANDARD"
        )
        for index in 1...30 {
            harness.clock.advance(milliseconds: 1000)
            _ = try await harness.engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "run-\(index)")
        }
        try await harness.app().test(.router) { client in
            var browser = Browser()
            let first = Self.body(try await browser.get(client, "/console/executions"))
            #expect(first.components(separatedBy: "class=\"execution-link\"").count - 1 == 25)
            let newest = try #require(first.range(of: ">run-30</a>"))
            let next = try #require(first.range(of: ">run-29</a>"))
            #expect(newest.lowerBound < next.lowerBound)
            #expect(first.contains(#"id="next-page" href="/console/executions?offset=25""#))
            let second = Self.body(try await browser.get(client, "/console/executions?offset=25"))
            #expect(second.components(separatedBy: "class=\"execution-link\"").count - 1 == 6)
            #expect(second.contains(">clip-1</a>"))
            #expect(!second.contains("id=\"next-page\""))
            let onlyQuick = Self.body(
                try await browser.get(client, "/console/executions?machine=" + HTML.queryEscape(machine.stateMachineArn) + "&offset=25")
            )
            #expect(onlyQuick.components(separatedBy: "class=\"execution-link\"").count - 1 == 5)
        }
        await harness.close()
    }

    @Test("Stop on the execution page aborts a running execution with the cause given")
    func stopFromExecutionPage() async throws {
        let harness = try await Harness()
        try await harness.app().test(.router) { client in
            var browser = Browser()
            let page = Self.body(try await browser.get(client, "/console/executions/view?arn=" + HTML.queryEscape(harness.executionArn)))
            #expect(page.contains(#"id="stop""#))
            let response = try await browser.post(client, "/console/executions/stop", ["arn": harness.executionArn, "cause": "duplicate upload"])
            #expect(response.headers[.location]?.contains("ok=Stopped%20clip-1.") == true)
        }
        let execution = try await harness.engine.describeExecution(arn: harness.executionArn)
        #expect(execution.status == .aborted)
        #expect(execution.cause == "duplicate upload")
        await harness.close()
    }

    @Test("a browser opening / is sent to the console; an AWS client is not")
    func browserAtRootGoesToConsole() async throws {
        let harness = try await Harness()
        try await harness.app().test(.router) { client in
            let browser = try await client.execute(uri: "/", method: .get, headers: [.accept: "text/html,application/xhtml+xml"])
            #expect(browser.status == .seeOther)
            #expect(browser.headers[.location] == "/console/")
            let console = try await client.execute(uri: "/console/", method: .get, headers: [.accept: "text/html"])
            #expect(console.status == .seeOther)
            #expect(console.headers[.location] == "/console/review")
            let query = try await client.execute(uri: "/?Action=ListTopics", method: .get, headers: [.accept: "text/html"])
            #expect(query.status != .seeOther)
        }
        await harness.close()
    }

    @Test("repeated failed sign-ins are answered 429 with Retry-After, even for the right secret, until the backoff passes")
    func failedSignInsBackOff() async throws {
        let harness = try await Harness()
        let credentials = AWSCredentials(["AKIDEDITOR": "editor-secret"])
        try await harness.app(credentials: credentials).test(.router) { client in
            var browser = Browser()
            _ = try await browser.get(client, "/console/login")
            for _ in 0..<6 {
                let wrong = try await browser.post(client, "/console/login", ["accessKeyId": "AKIDEDITOR", "secretAccessKey": "guess"])
                #expect(wrong.status == .seeOther)
            }
            let blocked = try await browser.post(client, "/console/login", ["accessKeyId": "AKIDEDITOR", "secretAccessKey": "editor-secret"])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] == "1")
            harness.clock.advance(milliseconds: 1000)
            let right = try await browser.post(client, "/console/login", ["accessKeyId": "AKIDEDITOR", "secretAccessKey": "editor-secret"])
            #expect(right.headers[.location] == "/console/review")
        }
        await harness.close()
    }

    @Test("the throttle doubles a client's wait per failure beyond the free ones, and the global allowance slows every client")
    func throttleState() {
        var state = LoginThrottle.State(policy: .init(freeFailures: 2, globalFreeFailures: 4))
        state.fail(client: "a", now: 0)
        state.fail(client: "a", now: 0)
        #expect(state.wait(client: "a", now: 0) == nil)
        state.fail(client: "a", now: 0)
        #expect(state.wait(client: "a", now: 0) == 1000)
        state.fail(client: "a", now: 0)
        #expect(state.wait(client: "a", now: 0) == 2000)
        #expect(state.wait(client: "b", now: 0) == nil)
        state.fail(client: "b", now: 0)
        #expect(state.wait(client: "b", now: 0) == 1000)
        state.succeed(client: "a")
        #expect(state.wait(client: "a", now: 0) == 1000)
        #expect(state.wait(client: "a", now: 1000) == nil)
    }

    @Test("with credentials, the console asks for them and records decisions under the key id")
    func credentialsRequireSignIn() async throws {
        let harness = try await Harness()
        let token = try #require(try await harness.engine.waitingTasks().first?.token)
        let credentials = AWSCredentials(["AKIDEDITOR": "editor-secret"])
        try await harness.app(credentials: credentials).test(.router) { client in
            var browser = Browser()
            let page = try await browser.get(client, "/console/review")
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/console/login")
            _ = try await browser.get(client, "/console/login")
            let unsigned = try await browser.post(client, "/console/review/approve", ["token": token])
            #expect(unsigned.headers[.location] == "/console/login")
            let wrong = try await browser.post(client, "/console/login", ["accessKeyId": "AKIDEDITOR", "secretAccessKey": "guess"])
            #expect(wrong.headers[.location]?.hasPrefix("/console/login?error=") == true)
            let anonymousCSRF = browser.csrf
            let right = try await browser.post(client, "/console/login", ["accessKeyId": "AKIDEDITOR", "secretAccessKey": "editor-secret"])
            #expect(right.headers[.location] == "/console/review")
            let queue = try await browser.get(client, "/console/review")
            #expect(queue.status == .ok)
            #expect(browser.csrf != anonymousCSRF)
            #expect(Self.body(queue).contains("AKIDEDITOR"))
            let approved = try await browser.post(client, "/console/review/approve", ["token": token])
            #expect(approved.headers[.location]?.hasPrefix("/console/review?ok=Approved.&n=") == true)
        }
        #expect(try harness.engine.taskDecisions(executionArn: harness.executionArn).map(\.decidedBy) == ["AKIDEDITOR"])
        await harness.close()
    }

    @Test("a notice shows only when the server signed it, so a link cannot put words on a page")
    func noticesMustBeSigned() async throws {
        let harness = try await Harness()
        let token = try #require(try await harness.engine.waitingTasks().first?.token)
        try await harness.app().test(.router) { client in
            var browser = Browser()
            let forged = Self.body(try await browser.get(client, "/console/review?error=Call%20555-0100%20to%20unlock"))
            #expect(!forged.contains("555-0100"))
            let response = try await browser.post(client, "/console/review/approve", ["token": token])
            let location = try #require(response.headers[.location])
            #expect(Self.body(try await browser.get(client, location)).contains(#"<p class="notice ok" id="notice">Approved.</p>"#))
            let tampered = location.replacingOccurrences(of: "Approved.", with: "Denied.")
            #expect(!Self.body(try await browser.get(client, tampered)).contains("Denied."))
        }
        await harness.close()
    }

    @Test("a signed-in session ends after 12 hours and the console asks again")
    func sessionsExpire() async throws {
        let harness = try await Harness()
        try await harness.app(credentials: AWSCredentials(["AKIDEDITOR": "editor-secret"])).test(.router) { client in
            var browser = Browser()
            _ = try await browser.get(client, "/console/login")
            _ = try await browser.post(client, "/console/login", ["accessKeyId": "AKIDEDITOR", "secretAccessKey": "editor-secret"])
            #expect(try await browser.get(client, "/console/review").status == .ok)
            harness.clock.advance(milliseconds: ConsoleSessions.lifetime)
            let expired = try await browser.get(client, "/console/review")
            #expect(expired.status == .seeOther)
            #expect(expired.headers[.location] == "/console/login")
        }
        await harness.close()
    }

    @Test("without credentials, a server listening beyond loopback refuses the console")
    func openNetworkWithoutCredentialsIsRefused() async throws {
        let harness = try await Harness()
        try await harness.app(host: "0.0.0.0").test(.router) { client in
            var browser = Browser()
            let response = try await browser.get(client, "/console/review")
            #expect(response.status == .forbidden)
        }
        await harness.close()
    }
}
