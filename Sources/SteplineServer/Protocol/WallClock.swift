#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The real-time clock, read where the server needs the time of day (SigV4's 15-minute
/// window). Injected as a closure everywhere else, so tests give a fixed time.
public enum WallClock {
    /// Now, to the second.
    @Sendable public static func now() -> AMZDate {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return AMZDate(secondsSinceEpoch: Int64(spec.tv_sec))
    }
}
