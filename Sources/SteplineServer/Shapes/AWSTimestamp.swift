public import JSON

/// A point in time as the AWS JSON protocols carry it: seconds since the epoch, as a
/// JSON number with a fraction for milliseconds (`1700000000.123`).
///
/// Milliseconds are the precision AWS returns (`startDate`, `creationDate`, …) and that
/// botocore turns back into `datetime`s, so they are what is stored.
public struct AWSTimestamp: Sendable, Hashable, Comparable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    /// Reads an epoch-seconds JSON number, rounding to the millisecond; `nil` if `value`
    /// is not a number or is out of range.
    public init?(json value: JSONValue) {
        switch value {
        case .integer(let seconds):
            let (milliseconds, overflow) = Int64(seconds).multipliedReportingOverflow(by: 1_000)
            guard !overflow else { return nil }
            self.millisecondsSinceEpoch = milliseconds
        case .double(let seconds):
            let milliseconds = (seconds * 1_000).rounded()
            guard milliseconds.isFinite, abs(milliseconds) < 9.2e18 else { return nil }
            self.millisecondsSinceEpoch = Int64(milliseconds)
        default:
            return nil
        }
    }

    /// The JSON number: an integer when there are no milliseconds, else a double.
    public var jsonValue: JSONValue {
        if millisecondsSinceEpoch % 1_000 == 0 { return .integer(Int(millisecondsSinceEpoch / 1_000)) }
        return .double(Double(millisecondsSinceEpoch) / 1_000)
    }

    public static func < (lhs: AWSTimestamp, rhs: AWSTimestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }
}
