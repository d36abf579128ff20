import Foundation

/// Blocks the current thread for `milliseconds` (only to poll for another thread's progress).
func usleepMilliseconds(_ milliseconds: UInt32) {
    usleep(milliseconds * 1_000)
}
