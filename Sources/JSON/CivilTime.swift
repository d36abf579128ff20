/// An instant in UTC as its ``CivilDate`` and time of day, to the millisecond:
/// what Stepline's timestamps are written from (ASL context times, SNS
/// notifications, SigV4 dates).
public struct CivilTime: Sendable, Hashable {
    public var date: CivilDate
    /// 0 to 23.
    public var hour: Int
    /// 0 to 59.
    public var minute: Int
    /// 0 to 59.
    public var second: Int
    /// 0 to 999.
    public var millisecond: Int

    /// How ``iso8601(_:)`` writes a time.
    public enum Format: Sendable {
        /// `2024-01-02T03:04:05.678Z`: the extended format with milliseconds.
        case extendedWithMilliseconds
        /// `2024-01-02T03:04:05Z`.
        case extended
        /// `20240102T030405Z`: the basic format, as SigV4's `X-Amz-Date`.
        case basic
    }

    /// The instant `milliseconds` after 1970-01-01T00:00:00Z (before it when
    /// negative: days and seconds count down from the epoch, the time of day up).
    public init(millisecondsSinceEpoch milliseconds: Int64) {
        let millisecondsPerDay: Int64 = 86_400_000
        var days = milliseconds / millisecondsPerDay
        var rest = milliseconds % millisecondsPerDay
        if rest < 0 {
            rest += millisecondsPerDay
            days -= 1
        }
        date = CivilDate(daysSinceEpoch: days)
        hour = Int(rest / 3_600_000)
        minute = Int(rest / 60_000 % 60)
        second = Int(rest / 1000 % 60)
        millisecond = Int(rest % 1000)
    }

    /// The instant `seconds` after 1970-01-01T00:00:00Z.
    public init(secondsSinceEpoch seconds: Int64) {
        self.init(millisecondsSinceEpoch: seconds * 1000)
    }

    /// ISO 8601 text in UTC (`Z`), the year in four digits.
    public func iso8601(_ format: Format = .extendedWithMilliseconds) -> String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let day = [pad(date.year, 4), pad(date.month, 2), pad(date.day, 2)]
        let time = [pad(hour, 2), pad(minute, 2), pad(second, 2)]
        switch format {
        case .extendedWithMilliseconds:
            return day.joined(separator: "-") + "T" + time.joined(separator: ":") + "." + pad(millisecond, 3) + "Z"
        case .extended:
            return day.joined(separator: "-") + "T" + time.joined(separator: ":") + "Z"
        case .basic:
            return day.joined() + "T" + time.joined() + "Z"
        }
    }
}
