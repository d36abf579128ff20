internal import JSON
import Runtime
internal import ServiceLifecycle
internal import Workflows

extension StepFunctionsAPI {
    /// How long `GetActivityTask` waits for a task before answering without one, as AWS.
    static let activityPollTimeout = Duration.seconds(60)
    static let tokenLength = 1...2048

    func createActivity(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let name = try input.requiredString("name", length: 1...80)
        let activity = try await AWSService.stepFunctions.call {
            try await engine.createActivity(name: name, in: context.scope(in: engine.context))
        }
        return ["activityArn": .string(activity.activityArn), "creationDate": Self.date(activity.creationDate)]
    }

    func describeActivity(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("activityArn", service: "states", resourceTypes: ["activity"])
        let activity = try await AWSService.stepFunctions.call { try engine.describeActivity(arn: arn.description) }
        return Self.activityJSON(activity)
    }

    func listActivities(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let page = try PageRequest(input, codec: tokens, scope: "ListActivities")
        let activities = try await AWSService.stepFunctions.call { try engine.listActivities(in: context.scope(in: engine.context)) }
        let (items, next) = Self.page(activities, after: page, key: \.activityArn)
        return Self.listed("activities", items.map(Self.activityJSON), next: next)
    }

    func deleteActivity(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("activityArn", service: "states", resourceTypes: ["activity"])
        try await AWSService.stepFunctions.call { try await engine.deleteActivity(arn: arn.description) }
        return [:]
    }

    /// Long-polls for up to 60 seconds; no task is an answer without `taskToken`, as AWS gives.
    ///
    /// A poll ends early, without a task, when the server shuts down gracefully: otherwise
    /// every idle worker would hold SIGTERM up for the rest of its 60 seconds.
    func getActivityTask(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("activityArn", service: "states", resourceTypes: ["activity"])
        let worker = try input.string("workerName", length: 1...80)
        let task = try await AWSService.stepFunctions.call {
            try await cancelWhenGracefulShutdown {
                try await engine.getActivityTask(activityArn: arn.description, workerName: worker, timeout: Self.activityPollTimeout)
            }
        }
        guard let task else { return [:] }
        return ["taskToken": .string(task.taskToken), "input": .string(task.input)]
    }

    func sendTaskSuccess(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let token = try input.requiredString("taskToken", length: Self.tokenLength)
        let output = try input.requiredString("output", length: Self.dataLength)
        try await AWSService.stepFunctions.call { try await engine.sendTaskSuccess(token: token, output: output) }
        return [:]
    }

    func sendTaskFailure(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let token = try input.requiredString("taskToken", length: Self.tokenLength)
        let error = try input.string("error", length: 0...256)
        let cause = try input.string("cause", length: 0...32_768)
        try await AWSService.stepFunctions.call { try await engine.sendTaskFailure(token: token, error: error, cause: cause) }
        return [:]
    }

    func sendTaskHeartbeat(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let token = try input.requiredString("taskToken", length: Self.tokenLength)
        try await AWSService.stepFunctions.call { try await engine.sendTaskHeartbeat(token: token) }
        return [:]
    }

    static func activityJSON(_ activity: ActivityDescription) -> JSONValue {
        ["activityArn": .string(activity.activityArn), "name": .string(activity.name), "creationDate": date(activity.creationDate)]
    }
}
