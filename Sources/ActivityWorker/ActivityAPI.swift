public import JSON

/// The four Step Functions operations an activity worker uses.
///
/// ``StepFunctionsActivityClient`` speaks them over HTTP; the abstraction lets
/// ``ActivityWorker``'s loop (polling, heartbeats, stopping) be tested without a
/// server, and lets an embedding program hand tasks over in process.
public protocol ActivityAPI: Sendable {
    /// Long-polls for a task of `activityArn`; `nil` when the poll ended empty.
    func getActivityTask(activityArn: String, workerName: String) async throws -> ActivityTask?
    /// Tells the service the task is still being worked on.
    func sendTaskHeartbeat(taskToken: String) async throws
    func sendTaskSuccess(taskToken: String, output: JSONValue) async throws
    func sendTaskFailure(taskToken: String, error: String, cause: String) async throws
}
