import Logging
import Synchronization

/// A log handler that keeps every entry, so tests can check what was logged and with which metadata.
struct RecordingLogHandler: LogHandler {
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    final class Store: Sendable {
        let entries = Mutex<[Entry]>([])

        /// Every entry so far, oldest first.
        var recorded: [Entry] { entries.withLock { $0 } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.entries.withLock { $0.append(Entry(level: event.level, message: "\(event.message)", metadata: merged)) }
    }

    /// A logger writing into a fresh store, and the store.
    static func logger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "test") { _ in RecordingLogHandler(store: store) }, store)
    }
}
