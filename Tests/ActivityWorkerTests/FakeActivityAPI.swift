import ActivityWorker
import JSON

/// A protocol-level fake of the Step Functions activity API: it hands out
/// queued tasks and records what the worker sends. There is no HTTP here; the
/// wire format is covered by `AWSJSONCallTests` and the signer's botocore
/// vectors, and the real round trip by the end-to-end test against
/// `stepline serve` once its activity API is on main.
actor FakeActivityAPI: ActivityAPI {
    enum Call: Equatable, Sendable {
        case heartbeat(token: String)
        case success(token: String, output: JSONValue)
        case failure(token: String, error: String, cause: String)
    }

    private var tasks: [ActivityTask]
    private var pollErrors: [ActivityAPIError]
    private var reportErrors: [ActivityAPIError]
    private let heartbeatError: ActivityAPIError?
    private(set) var calls: [Call] = []
    private(set) var polls = 0
    private var waiters: [(condition: @Sendable ([Call]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []

    init(
        tasks: [ActivityTask],
        pollErrors: [ActivityAPIError] = [],
        reportErrors: [ActivityAPIError] = [],
        heartbeatError: ActivityAPIError? = nil
    ) {
        self.tasks = tasks
        self.pollErrors = pollErrors
        self.reportErrors = reportErrors
        self.heartbeatError = heartbeatError
    }

    var remainingTasks: Int { tasks.count }

    func getActivityTask(activityArn: String, workerName: String) async throws -> ActivityTask? {
        polls += 1
        if !pollErrors.isEmpty { throw pollErrors.removeFirst() }
        if !tasks.isEmpty { return tasks.removeFirst() }
        // Nothing to hand out: hold the poll open until the worker cancels it.
        while true { try await Task.sleep(for: .seconds(3600)) }
    }

    func sendTaskHeartbeat(taskToken: String) async throws {
        if let heartbeatError { throw heartbeatError }
        record(.heartbeat(token: taskToken))
    }

    func sendTaskSuccess(taskToken: String, output: JSONValue) async throws {
        if !reportErrors.isEmpty { throw reportErrors.removeFirst() }
        record(.success(token: taskToken, output: output))
    }

    func sendTaskFailure(taskToken: String, error: String, cause: String) async throws {
        if !reportErrors.isEmpty { throw reportErrors.removeFirst() }
        record(.failure(token: taskToken, error: error, cause: cause))
    }

    /// Returns once the calls so far satisfy `condition`.
    func waitUntil(_ condition: @escaping @Sendable ([Call]) -> Bool) async {
        if condition(calls) { return }
        await withCheckedContinuation { waiters.append((condition, $0)) }
    }

    private func record(_ call: Call) {
        calls.append(call)
        let ready = waiters.filter { $0.condition(calls) }
        waiters.removeAll { $0.condition(calls) }
        for waiter in ready { waiter.continuation.resume() }
    }
}

extension FakeActivityAPI.Call {
    var isHeartbeat: Bool { if case .heartbeat = self { true } else { false } }
    var isReport: Bool { !isHeartbeat }
}
