public import JSON
import Memberwise

extension ExecutionState {
    /// Makes a state rebuilt from the events before a failure ready to resume
    /// (RedriveExecution): later events get ids after `lastHistoryEventId`, so the
    /// history keeps the failed attempt's events and continues after them, and
    /// the old execution-wide timeout is dropped (the ``ExecutionCommand/Kind/redrive(redriveCount:reenter:)``
    /// command arms a new one). Then decide that command on it.
    public mutating func prepareForRedrive(lastHistoryEventId: Int) {
        lastEventId = max(lastEventId, lastHistoryEventId)
        timers = timers.filter { $0.value.reason != .executionTimeout }
    }

    /// Continues event ids after `lastHistoryEventId` (replay of a redriven execution).
    public mutating func continueEventIds(after lastHistoryEventId: Int) {
        lastEventId = max(lastEventId, lastHistoryEventId)
    }

    /// A state to enter again: its frame (from its `StateEntered` event), name and raw input.
    @MemberwiseInit(.public)
    public struct Reentry: Sendable {
        public var frame: Int
        public var name: String
        public var input: JSONValue
    }
}
