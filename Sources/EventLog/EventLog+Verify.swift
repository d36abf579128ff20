import Foundation
import LMDB

/// How far ``EventLog/verify(scratchDirectory:threads:progress:)`` got.
public struct VerifyProgress: Sendable {
    /// What verify is doing.
    public enum Phase: String, Sendable {
        /// Replaying the log into fresh indexes in the scratch environment.
        case rebuilding
        /// Comparing the rebuilt indexes with the live ones.
        case comparing
    }

    public let phase: Phase
    /// Records replayed (rebuilding) or index entries compared (comparing) so far.
    public let completed: Int
    /// Records in the log (rebuilding) or live index entries (comparing).
    public let total: Int
}

/// The first place where a live index differs from its rebuild.
public struct IndexDifference: Sendable, Hashable, CustomStringConvertible {
    /// How the live index differs from the rebuilt one.
    public enum Kind: String, Sendable {
        /// The rebuild has the key; the live index lacks it.
        case missing
        /// The live index has a key that the rebuild does not.
        case unexpected
        /// Both have the key with different values.
        case valueDiffers
        /// The stored position of the index is not the last record of the log.
        case staleIndex
    }

    /// The index the database belongs to.
    public let index: String
    /// The LMDB database where the difference is.
    public let database: String
    public let kind: Kind
    /// The key concerned.
    public let key: [UInt8]
    /// The live value, if the live index has the key.
    public let liveValue: [UInt8]?
    /// The rebuilt value, if the rebuild has the key.
    public let rebuiltValue: [UInt8]?

    public var description: String {
        let hex = key.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        let what =
            switch kind {
            case .missing: "is missing from the live index"
            case .unexpected: "is in the live index but not in the rebuild"
            case .valueDiffers: "has a different value in the live index"
            case .staleIndex: "records a position that is not the last record of the log"
            }
        return "index \(index), database \(database), key 0x\(hex) \(what)"
    }
}

/// What ``EventLog/verify(scratchDirectory:threads:progress:)`` found.
public struct VerifyReport: Sendable {
    /// The last sequence number of the snapshot verified (0 for an empty log).
    public let lastSequence: SequenceNumber
    /// Records replayed into the rebuild.
    public let recordsReplayed: Int
    /// The indexes checked, by name.
    public let indexes: [String]
    /// Index entries compared.
    public let entriesCompared: Int
    /// The first difference, or `nil` when every index matches its rebuild byte for byte.
    public let firstDifference: IndexDifference?

    /// Whether every index matches its rebuild.
    public var isClean: Bool { firstDifference == nil }
}

extension EventLog {
    /// Rebuilds every index from the log into a scratch environment and compares
    /// it byte for byte with the live one, in one snapshot of the live log.
    ///
    /// Indexes are rebuilt in parallel, one thread and one scratch environment
    /// each (up to the number of active processors at once), see ``IndexRebuild``;
    /// the comparison walks each live database beside its rebuild with two cursors.
    /// Replaying also decodes every record's header, so a corrupt record stops
    /// verify with an error naming it. The live snapshot is held for the whole
    /// run: in this process, map growth waits until verify returns.
    /// - Parameters:
    ///   - scratchDirectory: where to build; a fresh temporary directory (removed
    ///     afterwards) when `nil`. A given directory must not hold other environments.
    ///   - threads: how many indexes are rebuilt at once; `nil` for the number of
    ///     active processors. (Benchmarks compare with 1.)
    ///   - progress: called on the calling thread every 65,536 records or entries and
    ///     at the end of each phase. While rebuilding, `completed` is the records
    ///     replayed averaged over the indexes.
    /// - Throws: ``EventLogError`` for a corrupt record; ``LMDBError``; what an index's `apply` throws.
    public func verify(
        scratchDirectory: String? = nil,
        threads: Int? = nil,
        progress: (VerifyProgress) -> Void = { _ in }
    ) throws -> VerifyReport {
        let scratchPath: String
        if let scratchDirectory {
            scratchPath = scratchDirectory
        } else {
            scratchPath =
                FileManager.default.temporaryDirectory
                .appendingPathComponent("stepline-verify-\(UUID().uuidString)").path
        }
        try FileManager.default.createDirectory(atPath: scratchPath, withIntermediateDirectories: true)
        defer { if scratchDirectory == nil { try? FileManager.default.removeItem(atPath: scratchPath) } }

        let mapSize = environment.mapSize
        let rebuilds = try indexes.enumerated().map { position, registered in
            try IndexRebuild(of: registered, in: scratchPath + "/\(position)-\(registered.index.name)", mapSize: mapSize)
        }
        return try environment.read { live in
            let last = try live.withCursor(on: logDatabase) { cursor in
                try cursor.last() ? try cursor.withCurrent { key, _ in try RecordFormat.decodeKey(key) } : SequenceNumber(0)
            }
            let total = Int(last.rawValue)
            try rebuildInParallel(rebuilds, through: last, threads: threads) { replayed in
                progress(VerifyProgress(phase: .rebuilding, completed: replayed, total: total))
            }

            var compared = 0
            var liveTotal = 0
            for registered in indexes {
                for database in registered.databases.all { liveTotal += try live.entryCount(in: database) }
            }
            var difference: IndexDifference?
            search: for rebuild in rebuilds {
                let registered = rebuild.live
                if last.rawValue > 0 {
                    let position = try live.value(forKey: registered.positionKey.span.bytes, in: metaDatabase)
                    let expected = [UInt8](last.key.span.bytes.copiedBytes())
                    if position != expected {
                        difference = IndexDifference(
                            index: registered.index.name,
                            database: Self.metaDatabaseName,
                            kind: .staleIndex,
                            key: registered.positionKey,
                            liveValue: position,
                            rebuiltValue: expected
                        )
                        break search
                    }
                }
                difference = try rebuild.environment.read { rebuilt in
                    for (liveDatabase, rebuiltDatabase) in zip(registered.databases.all, rebuild.databases.all) {
                        if let difference = try Self.firstDifference(
                            index: registered.index.name,
                            live: (live, liveDatabase),
                            rebuilt: (rebuilt, rebuiltDatabase),
                            compared: &compared,
                            report: { progress(VerifyProgress(phase: .comparing, completed: $0, total: liveTotal)) }
                        ) {
                            return difference
                        }
                    }
                    return nil
                }
                if difference != nil { break search }
            }
            progress(VerifyProgress(phase: .comparing, completed: compared, total: liveTotal))
            return VerifyReport(
                lastSequence: last,
                recordsReplayed: total,
                indexes: indexes.map(\.index.name),
                entriesCompared: compared,
                firstDifference: difference
            )
        }
    }

    /// Runs every rebuild through `last`, on `threads` threads (default: one per
    /// active processor; never more than indexes), each taking the next index not yet started, and reports the records
    /// replayed, averaged over the indexes, on the calling thread, which waits.
    /// The first error of any rebuild stops the others and is rethrown.
    private func rebuildInParallel(
        _ rebuilds: [IndexRebuild],
        through last: SequenceNumber,
        threads: Int?,
        progress: (Int) -> Void
    ) throws {
        let total = Int(last.rawValue)
        guard total > 0, !rebuilds.isEmpty else {
            progress(0)
            return
        }
        let threads = max(1, min(rebuilds.count, threads ?? ProcessInfo.processInfo.activeProcessorCount))
        let board = RebuildBoard(threads: threads)
        for number in 0..<threads {
            let thread = Thread { [self] in
                while let position = board.take(below: rebuilds.count) {
                    do {
                        try rebuilds[position].replay(self, through: last, replayed: board.add, shouldStop: board.failed)
                    } catch {
                        board.fail(error)
                    }
                }
                board.finish()
            }
            thread.name = "stepline-verify-\(number)"
            thread.start()
        }
        var reported = 0
        while true {
            let (replayed, running) = board.wait()
            if running == 0 { break }
            let average = replayed / rebuilds.count
            if average >= reported + 65_536 {
                progress(average)
                reported = average
            }
        }
        if let error = board.error { throw error }
        progress(total)
    }

    /// Walks both databases in key order and returns the first difference.
    private static func firstDifference(
        index: String,
        live: (ReadTransaction, Database),
        rebuilt: (ReadTransaction, Database),
        compared: inout Int,
        report: (Int) -> Void
    ) throws -> IndexDifference? {
        let name = live.1.name ?? "(main)"
        return try live.0.withCursor(on: live.1) { liveCursor in
            try rebuilt.0.withCursor(on: rebuilt.1) { rebuiltCursor in
                var liveOn = try liveCursor.first()
                var rebuiltOn = try rebuiltCursor.first()
                while liveOn || rebuiltOn {
                    if !rebuiltOn {
                        return IndexDifference(
                            index: index,
                            database: name,
                            kind: .unexpected,
                            key: try liveCursor.key(),
                            liveValue: try liveCursor.value(),
                            rebuiltValue: nil
                        )
                    }
                    if !liveOn {
                        return IndexDifference(
                            index: index,
                            database: name,
                            kind: .missing,
                            key: try rebuiltCursor.key(),
                            liveValue: nil,
                            rebuiltValue: try rebuiltCursor.value()
                        )
                    }
                    let (keyOrder, valuesEqual) = try liveCursor.withCurrent { liveKey, liveValue in
                        try rebuiltCursor.withCurrent { rebuiltKey, rebuiltValue in
                            (liveKey.compareBytes(to: rebuiltKey), liveValue.compareBytes(to: rebuiltValue) == 0)
                        }
                    }
                    if keyOrder < 0 {
                        return IndexDifference(
                            index: index,
                            database: name,
                            kind: .unexpected,
                            key: try liveCursor.key(),
                            liveValue: try liveCursor.value(),
                            rebuiltValue: nil
                        )
                    }
                    if keyOrder > 0 {
                        return IndexDifference(
                            index: index,
                            database: name,
                            kind: .missing,
                            key: try rebuiltCursor.key(),
                            liveValue: nil,
                            rebuiltValue: try rebuiltCursor.value()
                        )
                    }
                    if !valuesEqual {
                        return IndexDifference(
                            index: index,
                            database: name,
                            kind: .valueDiffers,
                            key: try liveCursor.key(),
                            liveValue: try liveCursor.value(),
                            rebuiltValue: try rebuiltCursor.value()
                        )
                    }
                    compared += 1
                    if compared % 65_536 == 0 { report(compared) }
                    liveOn = try liveCursor.next()
                    rebuiltOn = try rebuiltCursor.next()
                }
                return nil
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
