/// An EventBridge rule's `ScheduleExpression`: `rate(5 minutes)` or
/// `cron(0 12 * * ? *)`, and when it fires next.
///
/// Pure: times are milliseconds since the epoch given by the caller, and every
/// schedule is in UTC, as EventBridge rules are. The Engine asks
/// ``nextFire(after:start:)`` for the first fire after the last one it recorded.
///
/// ```swift
/// let noon = try ScheduleExpression(parsing: "cron(0 12 * * ? *)")
/// noon.nextFire(after: 0, start: 0)  // 43_200_000: 1970-01-01T12:00:00Z
/// ```
public enum ScheduleExpression: Sendable, Hashable {
    /// Every `period` milliseconds, counted from the rule's start.
    case rate(period: Int64)
    case cron(CronExpression)

    /// Parses `rate(VALUE UNIT)` or `cron(SIX FIELDS)`.
    /// - Throws: ``ScheduleExpressionError`` naming the part that is wrong.
    public init(parsing text: String) throws(ScheduleExpressionError) {
        let trimmed = text.trimmingSpaces
        if let body = Self.body(trimmed, of: "rate") {
            self = .rate(period: try Self.ratePeriod(body))
        } else if let body = Self.body(trimmed, of: "cron") {
            self = .cron(try CronExpression(parsing: body))
        } else {
            throw ScheduleExpressionError("it must be rate(value unit) or cron(minutes hours day-of-month month day-of-week year)")
        }
    }

    static func body(_ text: String, of function: String) -> String? {
        guard text.hasPrefix(function + "("), text.hasSuffix(")") else { return nil }
        return String(text.dropFirst(function.count + 1).dropLast())
    }

    /// `5 minutes` → 300 000. AWS wants the singular unit for 1 and the plural otherwise.
    static func ratePeriod(_ body: String) throws(ScheduleExpressionError) -> Int64 {
        let parts = body.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, let value = Int64(parts[0]), value > 0 else {
            throw ScheduleExpressionError("rate() takes a positive whole number and a unit, as in rate(5 minutes)")
        }
        let units: [String: Int64] = ["minute": 60_000, "hour": 3_600_000, "day": 86_400_000]
        let unit = String(parts[1])
        let singular = value == 1 ? unit : (unit.hasSuffix("s") ? String(unit.dropLast()) : "")
        guard let milliseconds = units[singular] else {
            throw ScheduleExpressionError(
                "rate() unit '\(unit)' must be minute, hour or day for 1, and minutes, hours or days for more")
        }
        let (period, overflow) = value.multipliedReportingOverflow(by: milliseconds)
        guard !overflow else { throw ScheduleExpressionError("rate() value \(value) is too large") }
        return period
    }

    /// The first fire strictly after `time`. A rate fires at `start + k × period`
    /// (k ≥ 1); a cron at the minutes its fields match. `nil` when a cron's years
    /// are all past.
    public func nextFire(after time: Int64, start: Int64) -> Int64? {
        switch self {
        case .rate(let period):
            guard time >= start else { return start + period }
            return start + ((time - start) / period + 1) * period
        case .cron(let cron):
            return cron.nextFire(after: time)
        }
    }

    /// The last fire at or before `time` that is after `previous`: what a
    /// scheduler that was not running fires once on waking, instead of every
    /// fire it missed. `nil` when nothing is due.
    public func latestFire(atOrBefore time: Int64, after previous: Int64, start: Int64) -> Int64? {
        guard var due = nextFire(after: previous, start: start), due <= time else { return nil }
        switch self {
        case .rate(let period):
            return due + (time - due) / period * period
        case .cron(let cron):
            while let next = cron.nextFire(after: due), next <= time { due = next }
            return due
        }
    }
}

/// Why a `ScheduleExpression` was refused. ``message`` is EventBridge's
/// `ValidationException` text with the reason appended.
public struct ScheduleExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and where, as in "day-of-week: '8' is outside 1-7".
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var message: String { "Parameter ScheduleExpression is not valid. Reason: \(reason)." }
    public var description: String { message }
}

extension String {
    var trimmingSpaces: String {
        var view = Substring(self)
        while view.first?.isWhitespace == true { view = view.dropFirst() }
        while view.last?.isWhitespace == true { view = view.dropLast() }
        return String(view)
    }
}
