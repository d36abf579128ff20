import Foundation

/// A fresh temporary data directory, removed when the value goes away (so at the
/// end of the test that made it): every test gets its own log.
public struct TemporaryDirectory: ~Copyable {
    /// The directory's path; it exists until the value is dropped.
    public let path: String

    public init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("stepline-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
