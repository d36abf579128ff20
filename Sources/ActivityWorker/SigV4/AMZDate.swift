import JSON

/// The `X-Amz-Date` form of a time: `YYYYMMDD'T'HHMMSS'Z'`, in UTC.
public enum AMZDate {
    /// Formats seconds since 1970-01-01T00:00:00Z.
    public static func string(secondsSince1970 seconds: Int64) -> String {
        CivilTime(secondsSinceEpoch: seconds).iso8601(.basic)
    }
}
