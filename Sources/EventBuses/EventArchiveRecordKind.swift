public import EventLog
import Runtime

/// The record kinds of scheduled rules, archives and replays (numbers 50…53,
/// in the queues area's range 49…59), indexed by ``EventArchiveIndex``.
///
/// The events themselves are ``EventsRecordKind/eventAccepted`` records: a
/// scheduled fire and a replayed event are accepted in the same transaction as
/// the record here that causes them, so each happens exactly once.
public enum EventArchiveRecordKind {
    /// A scheduled rule fired: `{bus, rule, arn, scheduled, time}`; the event it
    /// caused is accepted in the same transaction.
    public static let scheduleFired = RecordKind(50)
    /// An archive was created or updated: `{archive, time}`, the whole archive.
    public static let archivePut = RecordKind(51)
    /// An archive was deleted: `{name, time}`.
    public static let archiveDeleted = RecordKind(52)
    /// A replay was started, advanced, cancelled or completed: `{replay, time}`,
    /// the whole replay with its position; the events it re-sent in this step
    /// are accepted in the same transaction.
    public static let replayPut = RecordKind(53)

    package static let all: Set<RecordKind> = [scheduleFired, archivePut, archiveDeleted, replayPut]

    /// Adds these kinds to `kinds` (`Stepline.recordKinds` calls it).
    public static func register(in kinds: inout RecordKinds) {
        kinds.register(scheduleFired, name: "events.schedule.fired", versions: 1...1)
        kinds.register(archivePut, name: "events.archive.put", versions: 1...1)
        kinds.register(archiveDeleted, name: "events.archive.deleted", versions: 1...1)
        kinds.register(replayPut, name: "events.replay.put", versions: 1...1)
    }
}
