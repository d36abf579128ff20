import Foundation

/// Runs `body` on a thread of its own and returns what it returns: for blocking work
/// (waiting for a child process, reading its output to the end) that must not hold a
/// thread of the cooperative pool.
///
/// The pool has as many threads as cores (two on CI), and Swift Testing runs suites in
/// parallel on it: two tests blocked in `waitUntilExit` stall every other test's tasks,
/// and their `eventually` bounds run out while nothing runs.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
