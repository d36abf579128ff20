public import EventLog
import HeapModule
import JSON
public import LMDB
import Runtime
import StatesLanguage

/// The Engine's views of the log, maintained in the transaction that appends
/// each record and rebuilt by `stepline verify` from the records alone.
///
/// | database | key | value |
/// |---|---|---|
/// | `engine.stateMachines` | state machine ARN | current ``StateMachineDescription`` |
/// | `engine.revisions` | ARN, 0, revision id | that revision's description (executions keep theirs) |
/// | `engine.activities` | activity ARN | ``ActivityDescription`` |
/// | `engine.executions` | execution ARN | ``ExecutionDescription`` |
/// | `engine.executionsByMachine` | machine ARN, 0, inverted start time, execution ARN | empty (newest first) |
/// | `engine.openExecutions` | execution ARN | stream id: what recovery loads |
/// | `engine.timers` | due time, execution ARN, 0, timer id | empty: armed, not yet fired |
/// | `engine.pendingTasks` | execution ARN, 0, task id | the task, its token and heartbeat deadline: re-dispatched after a crash |
/// | `engine.taskTokens` | token | execution ARN and task id: open tokens only |
/// | `engine.deadLetters` | execution ARN | failed, timed out or aborted, not redriven |
/// | `engine.review` | execution ARN | failed again after a redrive; resolution once resolved |
/// | `engine.startCommands` | sequence number of the command | the ``StartCommand`` payload: committed, not yet applied |
public struct EngineIndex: LogIndex {
    public let name = "engine"
    public let databaseNames = [
        "engine.stateMachines", "engine.revisions", "engine.activities", "engine.executions",
        "engine.executionsByMachine", "engine.openExecutions", "engine.timers", "engine.pendingTasks",
        "engine.taskTokens", "engine.deadLetters", "engine.review", "engine.startCommands",
    ]

    package enum DB: Int {
        case stateMachines, revisions, activities, executions, executionsByMachine, openExecutions, timers,
            pendingTasks, taskTokens, deadLetters, review, startCommands
    }

    public init() {}

    public func wants(_ kind: RecordKind) -> Bool { Self.appliers.kinds.contains(kind) }

    public func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        try Self.appliers.apply(entry, to: databases, in: transaction)
    }

    /// The appliers, by kind and version: frozen once shipped; a payload change adds a
    /// version (and its registration in ``EngineRecordKind/all``) beside the old one.
    package static let appliers: RecordAppliers = {
        var appliers = RecordAppliers()
        // Version 1 holds each opened task's token beside it, version 2 only in the task.
        for version: UInt16 in 1...2 {
            appliers.register(EngineRecordKind.executionStep, version: version) { entry, databases, transaction in
                try applyStep(ExecutionStep.IndexView(payload: entry.payload, version: version), databases, transaction)
            }
        }
        for kind in [EngineRecordKind.stateMachineCreated, EngineRecordKind.stateMachineUpdated] {
            appliers.register(kind, version: 1) { entry, databases, transaction in
                let machine = try StateMachineDescription(recordBytes: entry.payload)
                let value = machine.recordBytes
                try transaction.put(value, forKey: Keys.text(machine.stateMachineArn), in: db(.stateMachines, databases))
                try transaction.put(
                    value,
                    forKey: Keys.revision(machine.stateMachineArn, machine.revisionId),
                    in: db(.revisions, databases)
                )
            }
        }
        appliers.register(EngineRecordKind.stateMachineDeleted, version: 1) { entry, databases, transaction in
            let deletion = try StateMachineDeletion(recordBytes: entry.payload)
            try transaction.delete(key: Keys.text(deletion.stateMachineArn), in: db(.stateMachines, databases))
        }
        appliers.register(EngineRecordKind.activityCreated, version: 1) { entry, databases, transaction in
            let activity = try ActivityDescription(recordBytes: entry.payload)
            try transaction.put(activity.recordBytes, forKey: Keys.text(activity.activityArn), in: db(.activities, databases))
        }
        appliers.register(EngineRecordKind.activityDeleted, version: 1) { entry, databases, transaction in
            let deletion = try ActivityDeletion(recordBytes: entry.payload)
            try transaction.delete(key: Keys.text(deletion.activityArn), in: db(.activities, databases))
        }
        appliers.register(EngineRecordKind.taskHeartbeat, version: 1) { entry, databases, transaction in
            // A heartbeat for a task that closed meanwhile changes nothing.
            let heartbeat = try TaskHeartbeat(recordBytes: entry.payload)
            let key = Keys.task(heartbeat.executionArn, heartbeat.taskId)
            guard let current = try transaction.value(forKey: key, in: db(.pendingTasks, databases)) else { return }
            var open = try ExecutionStep.OpenTask(recordBytes: current)
            open.heartbeatDue = heartbeat.due
            try transaction.put(open.recordBytes, forKey: key, in: db(.pendingTasks, databases))
        }
        appliers.register(EngineRecordKind.startRequested, version: 1) { entry, databases, transaction in
            try transaction.put(entry.payload, forKey: StartCommand.key(entry.sequence), in: db(.startCommands, databases))
        }
        appliers.register(EngineRecordKind.startApplied, version: 1) { entry, databases, transaction in
            let applied = try StartApplied(recordBytes: entry.payload)
            try transaction.delete(key: StartCommand.key(applied.command), in: db(.startCommands, databases))
        }
        appliers.register(EngineRecordKind.reviewResolved, version: 1) { entry, databases, transaction in
            let resolution = try ReviewResolution(recordBytes: entry.payload)
            let key = Keys.text(resolution.executionArn)
            guard let current = try transaction.value(forKey: key, in: db(.review, databases)) else { return }
            var item = try FailedExecutionItem(recordBytes: current)
            item.resolution = resolution.reason
            item.resolvedDate = resolution.time
            try transaction.put(item.recordBytes, forKey: key, in: db(.review, databases))
        }
        return appliers
    }()

    private static func db(_ which: DB, _ databases: IndexDatabases) -> Database { databases[which.rawValue] }

    private static func applyStep(
        _ step: ExecutionStep.IndexView,
        _ databases: IndexDatabases,
        _ transaction: WriteTransaction
    ) throws {
        func db(_ which: DB) -> Database { databases[which.rawValue] }
        let arn = step.executionArn
        try transaction.put(step.row.bytes, forKey: Keys.text(arn), in: db(.executions))
        if step.started && !step.redriven {
            try transaction.put(
                [],
                forKey: Keys.byMachine(step.stateMachineArn, startDate: step.startDate, arn),
                in: db(.executionsByMachine)
            )
        }
        for timer in step.timersCleared {
            try transaction.delete(key: Keys.timer(due: timer.due, arn, timer.timerId), in: db(.timers))
        }
        for timer in step.timersArmed {
            try transaction.put([], forKey: Keys.timer(due: timer.due, arn, timer.timerId), in: db(.timers))
        }
        for taskId in step.tasksClosed {
            let key = Keys.task(arn, taskId)
            if let value = try transaction.value(forKey: key, in: db(.pendingTasks)) {
                // Only the token is needed, not the task (whose input may be large).
                let open = try RecordFields(bytes: value, what: "open task \(taskId) of \(arn)", keeping: ["token"])
                if let token = open.optionalString("token") { try transaction.delete(key: Keys.text(token), in: db(.taskTokens)) }
                try transaction.delete(key: key, in: db(.pendingTasks))
            }
        }
        for open in step.tasksOpened {
            try transaction.put(open.value, forKey: Keys.task(arn, open.taskId), in: db(.pendingTasks))
            if let token = open.token {
                let value: JSONValue = ["executionArn": .string(arn), "taskId": .integer(open.taskId)]
                try transaction.put(value.bytes, forKey: Keys.text(token), in: db(.taskTokens))
            }
        }
        if step.redriven {
            // Redriven: the item is being processed again, whichever view held it.
            try transaction.delete(key: Keys.text(arn), in: db(.deadLetters))
            try transaction.delete(key: Keys.text(arn), in: db(.review))
        }
        switch step.status {
        case .running, .notStarted:
            try transaction.put(Keys.bigEndian(step.stream), forKey: Keys.text(arn), in: db(.openExecutions))
        case .succeeded:
            try transaction.delete(key: Keys.text(arn), in: db(.openExecutions))
        case .failed, .timedOut, .aborted:
            // Aborted executions are redrivable too (AWS), so they are dead letters as well.
            try transaction.delete(key: Keys.text(arn), in: db(.openExecutions))
            let item = FailedExecutionItem(try step.description).recordBytes
            try transaction.put(item, forKey: Keys.text(arn), in: db(step.redriveCount == 0 ? .deadLetters : .review))
        }
    }
}

extension Keys {
    package static func revision(_ arn: String, _ revisionId: String) -> [UInt8] { joined(arn, revisionId) }

    /// Newest first: the start time is inverted.
    package static func byMachine(_ machineArn: String, startDate: Int64, _ arn: String) -> [UInt8] {
        var key = text(machineArn, separated: true, then: UInt64.max - UInt64(max(0, startDate)))
        key.append(contentsOf: arn.utf8)
        return key
    }

    package static func timer(due: Int64, _ arn: String, _ timerId: Int) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(arn.utf8.count + 17)
        appendBigEndian(UInt64(max(0, due)), to: &key)
        key.append(contentsOf: arn.utf8)
        key.append(0)
        appendBigEndian(UInt64(bitPattern: Int64(timerId)), to: &key)
        return key
    }

    /// Task ids may be negative (tasks inside a distributed map run): the sign
    /// bit is flipped so byte order is numeric order.
    package static func task(_ arn: String, _ taskId: Int) -> [UInt8] {
        text(arn, separated: true, then: UInt64(bitPattern: Int64(taskId)) ^ (1 << 63))
    }
}
