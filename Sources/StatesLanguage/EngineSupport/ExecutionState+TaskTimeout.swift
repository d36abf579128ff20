extension ExecutionState {
    /// Times out an open task with `error` (the Engine's heartbeat deadline:
    /// `States.HeartbeatTimeout`): records `TaskTimedOut` and lets the state's
    /// Retry and Catch handle the error, exactly as a `TimeoutSeconds` timer does.
    ///
    /// The Engine owns heartbeat deadlines because a heartbeat is an outside
    /// call, not an event; only its consequence is history.
    /// - Throws: ``CommandRejection`` when not running or the task is not open.
    public mutating func handleTaskTimeout(
        taskId: Int,
        error: String,
        now: Timestamp,
        entropy: UInt64,
        tokenSecret: [UInt8]? = nil
    )
        throws(CommandRejection) -> [HistoryEvent]
    {
        guard status == .running else {
            throw CommandRejection(reason: .notRunning, message: "The execution is \(status.rawValue), not RUNNING.")
        }
        let frame = frames.firstIndex { frame in
            if case .task(taskId)? = frame?.frame.waiting { return true }
            return false
        }
        guard let task = openTasks[taskId], let frame else {
            throw CommandRejection(reason: .unknownTask, message: "No open task has id \(taskId).")
        }
        var decision = Decision(now: now, random: SplitMix64(seed: entropy), tokenSecret: tokenSecret)
        emit(frame, .taskTimedOut(taskId: taskId, resource: task.resource, error: error, cause: nil), &decision)
        runAndPropagate(frame, .fail(StatesError(error)), &decision)
        return decision.events
    }
}
