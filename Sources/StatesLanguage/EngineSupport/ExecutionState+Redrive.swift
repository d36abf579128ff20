public import JSON

extension ExecutionState {
    /// Makes a state rebuilt from the events before a failure ready to resume
    /// (RedriveExecution): later events get ids after `lastHistoryEventId`, so the
    /// history keeps the failed attempt's events and continues after them, and
    /// the old execution-wide timeout is dropped (``redrive(_:)`` arms a new one).
    public mutating func prepareForRedrive(lastHistoryEventId: Int) {
        lastEventId = max(lastEventId, lastHistoryEventId)
        timers = timers.filter { $0.value.reason != .executionTimeout }
    }

    /// Continues event ids after `lastHistoryEventId` (replay of a redriven execution).
    public mutating func continueEventIds(after lastHistoryEventId: Int) {
        lastEventId = max(lastEventId, lastHistoryEventId)
    }

    /// What a redrive must do besides re-dispatching what is open in the rebuilt state.
    public struct Redrive: Sendable {
        /// How many times the execution has been redriven, this one included.
        public var redriveCount: Int
        /// The state that failed in evaluation (a Fail state, a data-flow error,
        /// a Choice without a match), entered again in its frame with its input;
        /// `nil` when the failure was a task's or a timer's, which stay open and run again.
        public var reenter: Reentry?
        public var now: Timestamp
        public var entropy: UInt64
        /// See ``ExecutionCommand/tokenSecret``.
        public var tokenSecret: [UInt8]?

        public init(redriveCount: Int, reenter: Reentry? = nil, now: Timestamp, entropy: UInt64, tokenSecret: [UInt8]? = nil) {
            self.redriveCount = redriveCount
            self.reenter = reenter
            self.now = now
            self.entropy = entropy
            self.tokenSecret = tokenSecret
        }
    }

    /// A state to enter again: its frame (from its `StateEntered` event), name and raw input.
    public struct Reentry: Sendable {
        public var frame: Int
        public var name: String
        public var input: JSONValue

        public init(frame: Int, name: String, input: JSONValue) {
            self.frame = frame
            self.name = name
            self.input = input
        }
    }

    /// Resumes a state rebuilt (with ``apply(_:)``) from the events before a
    /// failure: records `ExecutionRedriven`, arms the execution-wide timeout
    /// afresh (AWS resets it on redrive), and enters the failed state again when
    /// the failure was not a task's.
    ///
    /// Call ``prepareForRedrive(lastHistoryEventId:)`` first.
    /// - Throws: ``CommandRejection`` when the rebuilt state is not running.
    public mutating func redrive(_ redrive: Redrive) throws(CommandRejection) -> [HistoryEvent] {
        guard status == .running else {
            throw CommandRejection(reason: .notRunning, message: "The execution is \(status.rawValue), not RUNNING.")
        }
        var decision = Decision(now: redrive.now, random: SplitMix64(seed: redrive.entropy), tokenSecret: redrive.tokenSecret)
        emit(0, .executionRedriven(redriveCount: redrive.redriveCount), &decision)
        if let timeout = definition.timeoutSeconds {
            emit(
                0,
                .timerScheduled(timerId: nextTimerId, due: redrive.now.adding(seconds: Int64(timeout)), reason: .executionTimeout),
                &decision
            )
        }
        if let reentry = redrive.reenter, reentry.frame < frames.count, frames[reentry.frame] != nil {
            runAndPropagate(reentry.frame, .enter(reentry.name, reentry.input), &decision)
        }
        return decision.events
    }
}
