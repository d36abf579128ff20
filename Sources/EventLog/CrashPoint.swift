import Foundation
import Synchronization

/// A named place where the process aborts itself when the environment variable
/// `STEPLINE_CRASH_POINT` names it, for crash-recovery tests and chaos runs.
///
/// `STEPLINE_CRASH_POINT=NAME` aborts the first time `NAME` is reached;
/// `NAME:N` the `N`th time, counting from process start. The process sends
/// itself `SIGKILL`, so it dies exactly as on `kill -9`: no `defer`, no
/// graceful shutdown, nothing committed that was not committed already, and
/// no crash report (an `abort()` makes the Swift runtime spend seconds on a
/// backtrace, which slows a campaign down). Without the variable ``reach()``
/// costs one check of a value read once. The names and what must hold after a
/// restart at each point are in `docs/crash-points.md`.
///
/// Why named points and not random kills: a kill lands wherever the process
/// happens to be, so the narrow windows (committed but not answered, answered
/// but not dispatched) are hit rarely and never on demand. A named point hits
/// each window every time, so a test can check the guarantee of that window.
///
/// ## Topics
/// ### The points
/// - ``beforeCommit``
/// - ``afterCommit``
/// - ``beforeDispatch``
/// - ``afterDispatch``
public struct CrashPoint: Sendable, Hashable, CustomStringConvertible {
    /// The name `STEPLINE_CRASH_POINT` uses.
    public let name: String

    /// The log writer wrote and indexed a group commit but has not committed it:
    /// nothing of the group survives.
    public static let beforeCommit = CrashPoint(name: "before-commit")
    /// The log writer committed a group but resumed none of its callers: all of
    /// the group survives and nobody was answered.
    public static let afterCommit = CrashPoint(name: "after-commit")
    /// The engine is about to hand a committed Task to its handler: the step
    /// that scheduled it survives, the handler was not called.
    public static let beforeDispatch = CrashPoint(name: "before-dispatch")
    /// The Task's handler answered, its result is not committed: the effect
    /// happened, and recovery runs the task again with the same idempotency key.
    public static let afterDispatch = CrashPoint(name: "after-dispatch")

    /// Every point, in the order a command reaches them.
    public static let all: [CrashPoint] = [.beforeCommit, .afterCommit, .beforeDispatch, .afterDispatch]

    /// The environment variable that arms a point.
    public static let environmentVariable = "STEPLINE_CRASH_POINT"

    /// Aborts the process if this is the armed point and this is the time it was armed for.
    public func reach() {
        guard case .armed(let armed)? = Self.armed, armed.point == self else { return }
        let count = armed.reached.add(1, ordering: .relaxed).newValue
        guard count == armed.time else { return }
        FileHandle.standardError.write(Data("stepline: crash point \(name) reached (time \(count)): killing the process\n".utf8))
        kill(getpid(), SIGKILL)
        // SIGKILL cannot be caught, so this is not reached; should it be, leave without cleanup all the same.
        _exit(137)
    }

    /// Checks `STEPLINE_CRASH_POINT`: an unknown name or a bad count is an
    /// error, so a typo never runs a campaign without crashes.
    /// - Throws: ``EventLogError`` `invalidCrashPoint`, naming the value and the known names.
    public static func checkEnvironment() throws {
        if case .invalid(let message)? = armed {
            throw EventLogError(.invalidCrashPoint, message)
        }
    }

    public var description: String { name }

    /// What the environment armed, read once (a static `let` is initialized once, thread-safely).
    static let armed: Arming? = Arming.parse(ProcessInfo.processInfo.environment[environmentVariable])

    enum Arming: Sendable {
        case armed(ArmedCrashPoint)
        case invalid(String)

        /// `NAME` or `NAME:N`; `nil` for an unset or empty value.
        static func parse(_ value: String?) -> Arming? {
            guard let value, !value.isEmpty else { return nil }
            let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let known = CrashPoint.all.map(\.name).joined(separator: ", ")
            guard let point = CrashPoint.all.first(where: { $0.name == parts[0] }) else {
                return .invalid("\(environmentVariable)=\(value): unknown crash point '\(parts[0])'; known: \(known)")
            }
            var time = 1
            if parts.count == 2 {
                guard let count = Int(parts[1]), count >= 1 else {
                    return .invalid("\(environmentVariable)=\(value): the count after ':' must be a whole number ≥ 1")
                }
                time = count
            }
            return .armed(ArmedCrashPoint(point: point, time: time))
        }
    }
}

/// The armed point and how often it was reached.
final class ArmedCrashPoint: Sendable {
    let point: CrashPoint
    /// The time (1-based) at which to abort.
    let time: Int
    let reached = Atomic<Int>(0)

    init(point: CrashPoint, time: Int) {
        self.point = point
        self.time = time
    }
}
