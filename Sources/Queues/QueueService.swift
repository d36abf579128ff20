public import EventLog
import Foundation
package import JSON
package import LMDB
public import Messaging
public import Runtime
package import Synchronization

/// Durable queues with SQS semantics, every change a ``QueueRecordKind`` record.
///
/// Each operation decides inside ``EventLog/transact(_:)``: it reads the queue's
/// current contents from ``QueueIndex`` in the writer's transaction, appends the
/// record its decision causes, and returns only after the commit. Two receivers
/// can therefore never get the same message, and a send is accepted only when it
/// is on disk. Visibility timeouts and delays are times written into the records
/// (`visible`), compared with the clock when receiving: no timer records.
///
/// Other parts of the Engine deliver to a queue exactly once by calling
/// ``send(in:queueArn:messages:time:)`` inside their own transaction.
public final class QueueService: Sendable {
    /// What only the queues read; the rest (log, region, account, clock, scheduler)
    /// is the ``ServiceContext`` every service shares.
    public struct Configuration: Sendable {
        /// The pause between two steps of a running message move task in ``run()``;
        /// each step moves up to a task's `MaxNumberOfMessagesPerSecond`, so this
        /// is the second that rate is per.
        public var moveTaskInterval: Duration = .seconds(1)
        public init() {}
    }

    public let context: ServiceContext
    public let configuration: Configuration
    public var log: EventLog { context.log }
    /// Where the next move task step waits (``run()`` runs it): the context's.
    public var scheduler: Scheduler { context.scheduler }
    /// Whether ``run()`` runs, so move tasks step on the scheduler.
    package let movesTasks = Atomic<Bool>(false)
    package let databases: IndexDatabases
    /// Long-polling receivers, woken after every commit that may make a message visible.
    private let waiters = Mutex<[UInt64: Waiter]>([:])

    package enum Waiter {
        case waiting(CheckedContinuation<Void, Never>)
        /// Woken or timed out before the receiver registered: it returns at once.
        case done
    }
    private let nextWaiter = Atomic<UInt64>(0)
    /// How many times receivers were woken: a receive that saw nothing notes it before
    /// looking, and does not park if a commit woke receivers since (it would miss it).
    private let wakeUps = Atomic<UInt64>(0)

    /// Serves the queues of `context`'s log, which must have been opened with a
    /// ``QueueIndex`` (`Stepline.open` registers it).
    public init(context: ServiceContext, configuration: Configuration = Configuration()) throws(QueueError) {
        guard let databases = context.log.databases(ofIndex: QueueIndex().name) else {
            throw QueueError(.storage, "the log was opened without the queues index")
        }
        self.context = context
        self.configuration = configuration
        self.databases = databases
        // Whoever commits a change that can make a message receivable (this service, a
        // Task state's step, a topic's fan-out, a rule's delivery, a pipe), long-polling
        // receivers look again once it is durable.
        context.log.observeCommits(of: Self.receivableChanges) { [weak self] records in
            if records.contains(where: Self.mayMakeReceivable) { self?.wakeReceivers() }
        }
    }

    /// Record kinds after which a waiting receive may find a message: one was sent or
    /// moved in (a receive that moves messages to a dead-letter queue), became visible,
    /// unblocked its FIFO group, or the queue changed or went away.
    static let receivableChanges: Set<RecordKind> = [
        QueueRecordKind.sent, QueueRecordKind.received, QueueRecordKind.visibilityChanged, QueueRecordKind.messagesDeleted,
        QueueRecordKind.attributesSet, QueueRecordKind.moveTask, QueueRecordKind.purged, QueueRecordKind.deleted,
    ]

    /// Whether `record` can make a message receivable: a receive only when it moved
    /// messages to a dead-letter queue, so receivers are not woken by every receive.
    static func mayMakeReceivable(_ record: CommittedRecord) -> Bool {
        guard record.header.kind == QueueRecordKind.received else { return true }
        guard let fields = try? RecordFields(raw: record.payload[...], what: "receive"), let moved = try? fields.raw("moved") else {
            return false
        }
        return !moved.elementsEqual("[]".utf8)
    }

    package func db(_ which: QueueIndex.DB) -> Database { databases[which.rawValue] }
    package func now() -> Int64 { context.now() }

    /// `arn:aws:sqs:REGION:ACCOUNT:NAME` of `scope` (`nil`: the default scope, where the
    /// CLI and configuration files name queues).
    public func arn(ofQueue name: String, in scope: ResourceScope? = nil) -> String {
        (scope ?? context.defaultScope).arn("sqs", name)
    }

    // MARK: Queues

    /// A queue as stored.
    public struct Queue: Sendable, Hashable {
        public var arn: String
        public var name: String
        public var attributes: QueueAttributes
        public var created: Int64
        public var modified: Int64
        /// Its cost allocation tags (`TagQueue`), by key.
        public var tags: [String: String]

        package init(row: JSONValue) throws {
            arn = row["arn"]?.stringValue ?? ""
            name = row["name"]?.stringValue ?? ""
            var values: [String: String] = [:]
            for (key, value) in row["attributes"]?.objectValue?.entries ?? JSONObject().entries { values[key] = value.stringValue }
            attributes = QueueAttributes(stored: values)
            created = Int64(row["created"]?.integerValue ?? 0)
            modified = Int64(row["modified"]?.integerValue ?? 0)
            tags = [:]
            for (key, value) in row["tags"]?.objectValue?.entries ?? JSONObject().entries { tags[key] = value.stringValue }
        }
    }

    package static func validateName(_ name: String) throws(QueueError) {
        let base = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        let allowed = base.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard allowed, (1...80).contains(name.utf8.count), !base.isEmpty else {
            throw QueueError(.invalidParameterValue, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
    }

    package func queue(_ arn: String, in transaction: ReadTransaction) throws -> Queue? {
        guard let bytes = try transaction.value(forKey: QueueKeys.text(arn), in: db(.queues)) else { return nil }
        return try Queue(row: try JSONParser.parse(bytes: bytes))
    }

    package func requireQueue(_ arn: String, in transaction: ReadTransaction) throws -> Queue {
        guard let queue = try queue(arn, in: transaction) else {
            throw QueueError(.queueDoesNotExist, "The specified queue does not exist.")
        }
        return queue
    }

    /// The queue `arn`, or `nil`.
    public func queue(arn: String) throws -> Queue? { try log.read { try queue(arn, in: $0) } }

    /// Runs `body` in the writer's transaction; a failure of the log becomes a ``ServiceError``
    /// (``ServiceError/storage(_:about:)``), a ``QueueError`` of `body` passes through.
    package func transact<Result: Sendable>(_ body: @escaping @Sendable (AppendTransaction) throws -> Result) async throws -> Result {
        try await log.transact(about: nil, passing: { $0 is QueueError }, body)
    }

    package func appendRecord(_ kind: RecordKind, _ payload: JSONValue, time: Int64, in append: AppendTransaction) throws {
        try append.append(Record(kind: kind, timestamp: time * 1000, payload: payload.bytes))
    }

    /// Creates queue `name` in `scope` (`nil`: the default scope) with `tags`, or returns
    /// the existing one (tags unchanged) if its attributes are the same.
    /// - Throws: ``QueueError`` `QueueNameExists` when they differ; attribute and tag errors.
    @discardableResult
    public func createQueue(
        name: String,
        attributes given: [String: String],
        tags: [String: String] = [:],
        in scope: ResourceScope? = nil
    ) async throws -> Queue {
        try Self.validateName(name)
        let attributes = try QueueAttributes(given, queueName: name)
        let tags = try QueueTags.merging(tags, into: [:], queueName: name)
        let arn = arn(ofQueue: name, in: scope)
        let time = now()
        return try await transact { append in
            if let existing = try self.queue(arn, in: append.transaction) {
                guard existing.attributes.withDefaults == attributes.withDefaults else {
                    throw QueueError(.queueNameExists, "A queue already exists with the same name and a different value for attribute(s) \(Self.differing(existing.attributes, attributes).joined(separator: ", "))")
                }
                return existing
            }
            try self.validateRedrive(attributes, given: given["RedrivePolicy"], in: append.transaction)
            var object = JSONObject()
            for (key, value) in attributes.values.sorted(by: { $0.key < $1.key }) { object[key] = .string(value) }
            try self.appendRecord(
                QueueRecordKind.created, ["arn": .string(arn), "name": .string(name), "attributes": .object(object), "time": .integer(Int(time))],
                time: time, in: append)
            if !tags.isEmpty { try self.appendTags(arn: arn, set: tags, remove: [], time: time, in: append) }
            return try self.requireQueue(arn, in: append.transaction)
        }
    }

    /// Checks that the dead-letter queue of a `RedrivePolicy` being set (`given`, as the
    /// caller wrote it) exists and is of the queue's type
    /// (``RedrivePolicy/validateTarget(_:sourceIsFifo:text:)``). A policy set earlier is
    /// not checked again: its dead-letter queue may since have been deleted, as in SQS.
    func validateRedrive(_ attributes: QueueAttributes, given text: String?, in transaction: ReadTransaction) throws {
        guard let text, !text.isEmpty, let policy = attributes.redrivePolicy else { return }
        let target = try queue(policy.deadLetterTargetArn, in: transaction)
        try policy.validateTarget(target?.attributes, sourceIsFifo: attributes.isFifo, text: text)
    }

    package static func differing(_ lhs: QueueAttributes, _ rhs: QueueAttributes) -> [String] {
        let left = lhs.withDefaults, right = rhs.withDefaults
        return Set(left.keys).union(right.keys).filter { left[$0] != right[$0] }.sorted()
    }

    /// The queues of `scope` (`nil`: the default scope) whose names start with `prefix`, by name.
    public func listQueues(prefix: String = "", in scope: ResourceScope? = nil) throws -> [Queue] {
        // Keys are ARNs, so the scope's queues are one key range.
        let start = Array((scope ?? context.defaultScope).arnPrefix("sqs").utf8)
        return try log.read { try $0.values(withPrefix: start + Array(prefix.utf8), in: db(.queues)) }
            .map { try Queue(row: try JSONParser.parse(bytes: $0)) }
            .sorted { $0.name < $1.name }
    }

    /// Every queue of every scope, by ARN.
    package func allQueues() throws -> [Queue] {
        try log.read { try $0.values(withPrefix: [], in: db(.queues)) }.map { try Queue(row: try JSONParser.parse(bytes: $0)) }
    }

    /// Sets attributes (`FifoQueue` cannot change).
    public func setAttributes(arn: String, _ given: [String: String]) async throws {
        let time = now()
        try await transact { append in
            var attributes = try self.requireQueue(arn, in: append.transaction).attributes
            let wasFifo = attributes.isFifo
            try attributes.merge(given)
            guard attributes.isFifo == wasFifo else {
                throw QueueError(.invalidAttributeName, "Unknown Attribute FifoQueue.")
            }
            try attributes.validateCombination()
            try self.validateRedrive(attributes, given: given["RedrivePolicy"], in: append.transaction)
            var object = JSONObject()
            for (key, value) in given.sorted(by: { $0.key < $1.key }) { object[key] = .string(value) }
            try self.appendRecord(
                QueueRecordKind.attributesSet, ["arn": .string(arn), "attributes": .object(object), "time": .integer(Int(time))],
                time: time, in: append)
        }
    }

    /// Deletes the queue and its messages.
    public func deleteQueue(arn: String) async throws {
        let time = now()
        try await transact { append in
            _ = try self.requireQueue(arn, in: append.transaction)
            try self.appendRecord(QueueRecordKind.deleted, ["arn": .string(arn), "time": .integer(Int(time))], time: time, in: append)
        }
    }

    /// Removes every message of the queue.
    public func purgeQueue(arn: String) async throws {
        let time = now()
        try await transact { append in
            _ = try self.requireQueue(arn, in: append.transaction)
            try self.appendRecord(QueueRecordKind.purged, ["arn": .string(arn), "time": .integer(Int(time))], time: time, in: append)
        }
    }

    /// The source queues whose `RedrivePolicy` names `arn` as their dead-letter queue.
    public func deadLetterSourceQueues(of arn: String) throws -> [Queue] {
        _ = try log.read { try requireQueue(arn, in: $0) }
        return try allQueues().filter { $0.attributes.redrivePolicy?.deadLetterTargetArn == arn }
    }

    // MARK: Waiting

    /// How many long-polling receives are parked, waiting for a commit to wake them.
    public var waitingReceivers: Int {
        waiters.withLock { waiters in waiters.values.count { if case .waiting = $0 { true } else { false } } }
    }

    /// Wakes every long-polling receiver to look again.
    package func wakeReceivers() {
        let woken = waiters.withLock { waiters in
            wakeUps.add(1, ordering: .sequentiallyConsistent)
            var continuations: [CheckedContinuation<Void, Never>] = []
            for (id, waiter) in waiters {
                if case .waiting(let continuation) = waiter { continuations.append(continuation) }
                waiters[id] = .done
            }
            return continuations
        }
        for continuation in woken { continuation.resume() }
    }

    /// The count of wake-ups so far, for ``waitForChange(since:atMost:orUntil:)``: read it
    /// before looking for messages.
    package var wakeUpCount: UInt64 { wakeUps.load(ordering: .sequentiallyConsistent) }

    /// Waits until a commit wakes receivers, `duration` passes, or the clock reaches
    /// `visible` (when a message becomes visible), whichever comes first; at once when
    /// receivers were woken since `seen` (``wakeUpCount`` read before the look that found nothing).
    package func waitForChange(since seen: UInt64, atMost duration: Duration, orUntil visible: Int64? = nil) async {
        let id = nextWaiter.add(1, ordering: .relaxed).newValue
        @Sendable func timedOut() {
            let waiter = waiters.withLock { waiters in
                let current = waiters[id]
                waiters[id] = .done
                return current
            }
            if case .waiting(let continuation) = waiter { continuation.resume() }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let resumeNow = self.waiters.withLock { waiters in
                        if case .done = waiters[id] { return true }
                        // Counted under the same lock as wake-ups: none can slip in between.
                        if self.wakeUps.load(ordering: .sequentiallyConsistent) != seen { return true }
                        waiters[id] = .waiting(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: duration)
                timedOut()
            }
            if let visible {
                group.addTask { [clock = context.clock] in
                    do { try await clock.sleep(untilMilliseconds: visible) } catch { return }
                    timedOut()
                }
            }
            await group.next()
            group.cancelAll()
        }
        _ = waiters.withLock { $0.removeValue(forKey: id) }
    }
}
