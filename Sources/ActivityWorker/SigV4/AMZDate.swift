import Foundation

/// The `X-Amz-Date` form of a time: `YYYYMMDD'T'HHMMSS'Z'`, in UTC.
public enum AMZDate {
    /// ISO 8601's basic format in UTC; fixed, so the result is the same on every machine and locale.
    private static let style = Date.ISO8601FormatStyle(
        dateSeparator: .omitted,
        dateTimeSeparator: .standard,
        timeSeparator: .omitted,
        timeZone: .gmt
    )

    /// Formats seconds since 1970-01-01T00:00:00Z.
    public static func string(secondsSince1970 seconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(seconds)).formatted(style)
    }
}
