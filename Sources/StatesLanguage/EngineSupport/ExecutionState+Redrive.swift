extension ExecutionState {
    /// Makes a state rebuilt from the events before a failure ready to resume
    /// (RedriveExecution): later events get ids after `lastHistoryEventId`, so the
    /// history keeps the failed attempt's events and continues after them, and
    /// the execution-wide timeout does not fire again at once.
    public mutating func prepareForRedrive(lastHistoryEventId: Int) {
        lastEventId = max(lastEventId, lastHistoryEventId)
        timers = timers.filter { $0.value.reason != .executionTimeout }
    }

    /// Continues event ids after `lastHistoryEventId` (replay of a redriven execution).
    public mutating func continueEventIds(after lastHistoryEventId: Int) {
        lastEventId = max(lastEventId, lastHistoryEventId)
    }
}
