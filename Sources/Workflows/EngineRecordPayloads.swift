import Runtime

// The payloads of the Engine's small record kinds (``EngineRecordKind``), each
// declared once: its writer and every index that reads it use the type.

/// ``EngineRecordKind/stateMachineDeleted``: `{stateMachineArn}` (the engine's
/// and the versions' index read it).
package struct StateMachineDeletion: RecordPayload, Sendable, Hashable {
    package static let recordName = "state machine deletion"
    package var stateMachineArn: String
}

/// ``EngineRecordKind/activityDeleted``: `{activityArn}` (the engine's and the
/// versions' index read it).
package struct ActivityDeletion: RecordPayload, Sendable, Hashable {
    package static let recordName = "activity deletion"
    package var activityArn: String
}

/// ``EngineRecordKind/taskHeartbeat``: `{executionArn, taskId, due}`, the task's
/// new heartbeat deadline (milliseconds since the epoch).
package struct TaskHeartbeat: RecordPayload, Sendable, Hashable {
    package static let recordName = "task heartbeat"
    package var executionArn: String
    package var taskId: Int
    package var due: Int64
}

/// ``EngineRecordKind/reviewResolved``: `{executionArn, reason, time}`.
package struct ReviewResolution: RecordPayload, Sendable, Hashable {
    package static let recordName = "review resolution"
    package var executionArn: String
    package var reason: String
    package var time: Int64
}
