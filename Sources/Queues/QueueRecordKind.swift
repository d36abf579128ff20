public import EventLog
import Runtime

/// The record kinds of durable queues. Every queue change is one of these;
/// ``QueueIndex`` derives the queues' contents from them.
///
/// Payloads are JSON objects; message locations are `{"s": sequence, "i": position}`,
/// the record that put the message in its queue and its place in that record.
public enum QueueRecordKind {
    /// `{arn, name, attributes, time}`.
    public static let created = RecordKind(40)
    /// `{arn, attributes, time}`: attributes set (an empty string removes one).
    public static let attributesSet = RecordKind(41)
    /// `{arn, time}`.
    public static let deleted = RecordKind(42)
    /// `{arn, time}`: every message removed.
    public static let purged = RecordKind(43)
    /// `{arn, time, messages: [message]}`: accepted messages, in order.
    public static let sent = RecordKind(44)
    /// `{arn, time, received: [{s, i, count, visible, handle}], moved: [{s, i, to}]}`.
    public static let received = RecordKind(45)
    /// `{arn, time, messages: [{s, i}]}`.
    public static let messagesDeleted = RecordKind(46)
    /// `{arn, time, changes: [{s, i, visible}]}`.
    public static let visibilityChanged = RecordKind(47)
    /// `{time, task, moves: [{from, s, i, to}], upTo?}`: a message move task as it
    /// now is and the messages this step moved. A task is started (`RUNNING`,
    /// with `upTo`, the last log sequence whose messages it moves), advanced
    /// step by step, and ends `COMPLETED` or `CANCELLED`, each one such record.
    public static let moveTask = RecordKind(48)
    /// `{arn, time, tags: {key: value}, untagged: [key]}`: `TagQueue` (or `tags` on
    /// `CreateQueue`, in the creating transaction) sets `tags`, `UntagQueue` removes `untagged`.
    public static let tagged = RecordKind(49)

    /// Every queue kind, for the index's filter.
    package static let all: Set<RecordKind> = [created, attributesSet, deleted, purged, sent, received, messagesDeleted, visibilityChanged, moveTask, tagged]

    /// Registers the queue kinds in `kinds`.
    public static func register(in kinds: inout RecordKinds) {
        kinds.register(created, name: "queue.created", versions: 1...1)
        kinds.register(attributesSet, name: "queue.attributesSet", versions: 1...1)
        kinds.register(deleted, name: "queue.deleted", versions: 1...1)
        kinds.register(purged, name: "queue.purged", versions: 1...1)
        kinds.register(sent, name: "queue.sent", versions: 1...1)
        kinds.register(received, name: "queue.received", versions: 1...1)
        kinds.register(messagesDeleted, name: "queue.messagesDeleted", versions: 1...1)
        kinds.register(visibilityChanged, name: "queue.visibilityChanged", versions: 1...1)
        kinds.register(moveTask, name: "queue.moveTask", versions: 1...1)
        kinds.register(tagged, name: "queue.tagged", versions: 1...1)
    }
}
