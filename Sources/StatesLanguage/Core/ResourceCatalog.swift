/// What the engine knows, when it decides, about the resources Task states name: which
/// activities exist. A Task state naming an activity that does not exist fails with
/// `States.Runtime` before it is scheduled, as in AWS.
///
/// Part of the command (``ExecutionCommand/resources``) rather than a question the core
/// asks while deciding, so ``ExecutionState/decide(_:)`` stays a function of the state
/// and the command; replay never needs it, because its verdict is in the events.
public struct ResourceCatalog: Sendable, Hashable {
    /// The ARNs of the activities that exist; `nil` checks nothing (embedded runs, tests).
    public var activities: Set<String>?

    public init(activities: Set<String>? = nil) {
        self.activities = activities
    }

    /// Why `resource` cannot be used now, or `nil` when it can.
    public func unavailable(_ resource: String) -> String? {
        guard let activities, TaskResource.isActivity(resource) else { return nil }
        let activityArn = TaskResource.base(resource)
        return activities.contains(activityArn) ? nil : "The activity \(activityArn) does not exist."
    }
}
