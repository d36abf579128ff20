import JSON
import Logging
import ServiceLifecycle
import Testing

@testable import ActivityWorker

private let logger = Logger(label: "ActivityWorkerTests") { _ in SwiftLogNoOpLogHandler() }

private func worker(
    _ api: FakeActivityAPI,
    heartbeat: Duration = .seconds(3600),
    handler: @escaping ActivityWorker.Handler
) -> ActivityWorker {
    ActivityWorker(
        api: api,
        configuration: .init(
            activityArn: "arn:aws:states:us-east-1:123456789012:activity:media-transcode",
            workerName: "test-worker",
            heartbeatInterval: heartbeat,
            pollBackoff: .milliseconds(1),
            maximumPollBackoff: .milliseconds(4)
        ),
        logger: logger,
        handler: handler
    )
}

/// Runs `worker` in a ServiceGroup until `until` returns, then shuts it down gracefully.
private func runUntil(_ worker: ActivityWorker, _ until: @escaping @Sendable () async -> Void) async throws {
    let group = ServiceGroup(services: [worker], logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        await until()
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

@Suite(.timeLimit(.minutes(1))) struct ActivityWorkerTests {
    @Test func aHandlersOutputIsSentWithSendTaskSuccess() async throws {
        let api = FakeActivityAPI(tasks: [ActivityTask(taskToken: "t1", input: ["height": 360])])
        let worker = worker(api) { task in ["rendition": .string("\(task.input["height"]?.integerValue ?? 0)p")] }
        try await runUntil(worker) { await api.waitUntil { $0.contains { $0.isReport } } }
        #expect(await api.calls == [.success(token: "t1", output: ["rendition": "360p"])])
    }

    @Test func anActivityFailureIsSentWithItsErrorAndCause() async throws {
        let api = FakeActivityAPI(tasks: [ActivityTask(taskToken: "t1", input: [:])])
        let worker = worker(api) { _ in throw ActivityFailure(error: "Media.DiskFull", cause: "no space left") }
        try await runUntil(worker) { await api.waitUntil { $0.contains { $0.isReport } } }
        #expect(await api.calls == [.failure(token: "t1", error: "Media.DiskFull", cause: "no space left")])
    }

    @Test func anyOtherErrorFailsTheTaskAsHandlerError() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "broken pipe" } }
        let api = FakeActivityAPI(tasks: [ActivityTask(taskToken: "t1", input: [:])])
        let worker = worker(api) { _ in throw Broken() }
        try await runUntil(worker) { await api.waitUntil { $0.contains { $0.isReport } } }
        #expect(await api.calls == [.failure(token: "t1", error: "ActivityWorker.HandlerError", cause: "broken pipe")])
    }

    @Test func heartbeatsAreSentWhileTheHandlerWorks() async throws {
        let api = FakeActivityAPI(tasks: [ActivityTask(taskToken: "t1", input: [:])])
        // The handler finishes only after the service has seen two heartbeats for its token.
        let worker = worker(api, heartbeat: .milliseconds(5)) { _ in
            await api.waitUntil { $0.filter { $0 == .heartbeat(token: "t1") }.count >= 2 }
            return ["done": true]
        }
        try await runUntil(worker) { await api.waitUntil { $0.contains { $0.isReport } } }
        let calls = await api.calls
        #expect(calls.filter(\.isHeartbeat).count >= 2)
        #expect(calls.filter(\.isReport) == [.success(token: "t1", output: ["done": true])])
        #expect(calls.last == .success(token: "t1", output: ["done": true]))
    }

    @Test func aTaskTheServiceTimedOutIsCancelledAndNotReported() async throws {
        let api = FakeActivityAPI(
            tasks: [ActivityTask(taskToken: "t1", input: [:]), ActivityTask(taskToken: "t2", input: [:])],
            heartbeatError: ActivityAPIError(code: "TaskTimedOut", message: "Task Timed Out", status: 400)
        )
        let worker = worker(api, heartbeat: .milliseconds(5)) { task in
            if task.taskToken == "t1" {
                while true { try await Task.sleep(for: .seconds(3600)) }  // ends only by cancellation
            }
            return ["second": true]
        }
        try await runUntil(worker) { await api.waitUntil { $0.contains { $0.isReport } } }
        // t1 was abandoned (no report); the worker went on to t2.
        #expect(await api.calls == [.success(token: "t2", output: ["second": true])])
    }

    @Test func gracefulShutdownLetsTheTaskInHandFinishAndTakesNoOther() async throws {
        let api = FakeActivityAPI(
            tasks: [ActivityTask(taskToken: "t1", input: [:]), ActivityTask(taskToken: "t2", input: [:])])
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let worker = worker(api) { task in
            startedContinuation.yield()
            // Keep working until the shutdown has reached this task, as a long transcode would.
            while !Task.isShuttingDownGracefully { await Task.yield() }
            return ["finished": .string(task.taskToken)]
        }
        try await runUntil(worker) {
            var iterator = started.makeAsyncIterator()
            _ = await iterator.next()
        }
        #expect(await api.calls == [.success(token: "t1", output: ["finished": "t1"])])
        #expect(await api.polls == 1)
        #expect(await api.remainingTasks == 1)
    }

    @Test func gracefulShutdownEndsAnOpenLongPoll() async throws {
        let api = FakeActivityAPI(tasks: [])
        let worker = worker(api) { _ in ["unused": true] }
        // run() returning at all is the behaviour: the fake's poll would otherwise hold for an hour.
        try await runUntil(worker) {
            while await api.polls == 0 { await Task.yield() }
        }
        #expect(await api.calls.isEmpty)
    }

    @Test func aFailedPollIsRetried() async throws {
        let api = FakeActivityAPI(
            tasks: [ActivityTask(taskToken: "t1", input: [:])],
            pollErrors: [ActivityAPIError(code: "RequestFailed", message: "connection refused", status: 0)]
        )
        let worker = worker(api) { _ in ["ok": true] }
        try await runUntil(worker) { await api.waitUntil { $0.contains { $0.isReport } } }
        #expect(await api.calls == [.success(token: "t1", output: ["ok": true])])
        #expect(await api.polls >= 2)
    }

    @Test func aResultIsReportedAgainAfterATransientFailure() async throws {
        let api = FakeActivityAPI(
            tasks: [ActivityTask(taskToken: "t1", input: [:])],
            reportErrors: [ActivityAPIError(code: "InternalFailure", message: "try later", status: 500)]
        )
        let worker = worker(api) { _ in ["ok": true] }
        try await runUntil(worker) { await api.waitUntil { $0.contains { $0.isReport } } }
        #expect(await api.calls == [.success(token: "t1", output: ["ok": true])])
    }

    @Test func aResultTheServiceRefusesIsNotRetried() async throws {
        let api = FakeActivityAPI(
            tasks: [ActivityTask(taskToken: "t1", input: [:]), ActivityTask(taskToken: "t2", input: [:])],
            reportErrors: [ActivityAPIError(code: "TaskTimedOut", message: "gone", status: 400)]
        )
        let worker = worker(api) { task in ["token": .string(task.taskToken)] }
        try await runUntil(worker) { await api.waitUntil { $0.contains { $0.isReport } } }
        // t1's refused report was dropped, not retried (the refusal consumed the only error); t2 was reported.
        #expect(await api.calls == [.success(token: "t2", output: ["token": "t2"])])
    }
}
