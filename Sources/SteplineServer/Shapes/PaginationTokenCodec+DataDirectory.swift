internal import Foundation

extension PaginationTokenCodec {
    /// The name of the key file ``stored(inDirectory:)`` keeps in the data directory.
    public static let keyFileName = "pagination-token.key"

    /// A codec whose key lives in `directory`, so `NextToken`s stay valid across restarts.
    ///
    /// The first call creates `pagination-token.key` there (32 random bytes, mode 0600,
    /// written to a temporary file and renamed, so a crash never leaves a short key);
    /// later calls, in this process or the next, read the same key. A client paging
    /// through `ListTopics` while the server restarts then carries on where it was
    /// instead of getting `InvalidParameter`.
    ///
    /// - Throws: ``PaginationKeyError`` if the file cannot be read or written, or holds
    ///   fewer than 16 bytes (a truncated or foreign file: delete it to make a new key,
    ///   which only invalidates outstanding tokens).
    public static func stored(inDirectory directory: String) throws(PaginationKeyError) -> PaginationTokenCodec {
        let path = (directory as NSString).appendingPathComponent(keyFileName)
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count >= 16 else {
                throw PaginationKeyError(path: path, reason: "holds \(data.count) bytes, needs at least 16; delete it to make a new key")
            }
            return PaginationTokenCodec(key: Array(data))
        }
        let fresh = PaginationTokenCodec()
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard Self.writeOwnerOnly(fresh.keyBytes, to: temporary) else { throw PaginationKeyError(path: path, reason: "cannot be created") }
        // link(2) refuses an existing target, so when two processes race the first key wins
        // and the loser reads it back: every process on this directory signs with one key.
        let linked = link(temporary, path) == 0
        unlink(temporary)
        if linked { return fresh }
        guard let data = FileManager.default.contents(atPath: path), data.count >= 16 else {
            throw PaginationKeyError(path: path, reason: "cannot be read after another process created it")
        }
        return PaginationTokenCodec(key: Array(data))
    }
}

extension PaginationTokenCodec {
    /// Writes `bytes` to a new file created with mode 0600 by `open` itself, so the key is
    /// never readable by others, not even between creating the file and changing its mode.
    static func writeOwnerOnly(_ bytes: [UInt8], to path: String) -> Bool {
        unlink(path)
        let file = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard file >= 0 else { return false }
        let written = bytes.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
        let synced = fsync(file) == 0
        return close(file) == 0 && written == bytes.count && synced
    }
}

/// The pagination key file in the data directory could not be used.
public struct PaginationKeyError: Error, CustomStringConvertible {
    /// The key file's path.
    public let path: String
    /// What is wrong with it, and what to do.
    public let reason: String

    public var description: String { "pagination token key \(path) \(reason)" }
}
