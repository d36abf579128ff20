/// What a Task state's `Resource` says about how the task runs: the one place the core
/// and the engine read it from, so they agree on which tasks are activities and which
/// get a task token.
public enum TaskResource {
    /// Whether `resource` is an activity ARN (`arn:aws:states:REGION:ACCOUNT:activity:NAME`),
    /// whose tasks wait for a worker to poll for them.
    public static func isActivity(_ resource: String) -> Bool {
        resource.hasPrefix("arn:aws:states:") && resource.contains(":activity:")
    }

    /// Whether a task of `resource` gets a task token when it is scheduled: activities
    /// and `.waitForTaskToken` integrations, which are answered by token. The core draws
    /// the token (recorded in `TaskScheduled` and read as `$$.Task.Token`); nothing else
    /// makes one.
    public static func takesToken(_ resource: String) -> Bool {
        resource.hasSuffix(".waitForTaskToken") || isActivity(resource)
    }

    /// `resource` without its integration-pattern suffix (`.waitForTaskToken`, `.sync:2`, `.sync`).
    public static func base(_ resource: String) -> String {
        for suffix in [".waitForTaskToken", ".sync:2", ".sync"] where resource.hasSuffix(suffix) {
            return String(resource.dropLast(suffix.count))
        }
        return resource
    }
}
