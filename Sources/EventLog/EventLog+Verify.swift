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
    /// For each index, by name, the CPU seconds its `apply` took while rebuilding
    /// (its threads' time): where a slow verify spends its time.
    public let rebuildCPUSeconds: [String: Double]

    /// Whether every index matches its rebuild.
    public var isClean: Bool { firstDifference == nil }
}

extension EventLog {
    /// Rebuilds every index from the log into a scratch environment and compares
    /// it byte for byte with the live one, in one snapshot of the live log.
    ///
    /// The calling thread reads the log once (``ReplayReader``) and hands batches
    /// of records to `threads` rebuild threads, which apply them to each index's
    /// scratch environment (one per index, see ``IndexRebuild``), any free thread
    /// taking any index whose batches wait (``RebuildBoard``). The comparison walks
    /// each live database beside its rebuild with two cursors: an index is compared
    /// by a rebuild thread as soon as it has applied every record, in a read
    /// transaction of its own on the same snapshot (the same `mdb_txn_id`), while
    /// other indexes are still rebuilding; if that snapshot cannot be read there,
    /// the calling thread compares it afterwards.
    /// Reading decodes every record's header, so a corrupt record stops verify
    /// with an error naming it. The live snapshot is held for the whole run: in
    /// this process, map growth waits until verify returns.
    /// - Parameters:
    ///   - scratchDirectory: where to build; a fresh temporary directory (removed
    ///     afterwards) when `nil`. A given directory must not hold other environments.
    ///   - threads: how many threads apply records to the rebuilt indexes; `nil` for
    ///     the number of active processors; never more than the indexes. (Benchmarks
    ///     compare with 1.) The log is read on the calling thread besides.
    ///   - progress: called on the calling thread every 65,536 records or entries and
    ///     at the end of each phase. While rebuilding, `completed` is the records
    ///     that every index has applied.
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
            var liveTotal = 0
            for registered in indexes {
                for database in registered.databases.all { liveTotal += try live.entryCount(in: database) }
            }
            let (cpuSeconds, comparisons) = try rebuild(rebuilds, from: live, through: last, threads: threads) { replayed in
                progress(VerifyProgress(phase: .rebuilding, completed: replayed, total: total))
            }

            // The first difference in the order of the indexes; those no rebuild thread
            // compared are compared here, in the snapshot read so far.
            var compared = 0
            var difference: IndexDifference?
            for (rebuild, comparison) in zip(rebuilds, comparisons) {
                if case .compared(let found, let entries)? = comparison {
                    compared += entries
                    difference = found
                } else {
                    progress(VerifyProgress(phase: .comparing, completed: compared, total: liveTotal))
                    difference = try compare(rebuild, with: live, through: last, compared: &compared) {
                        progress(VerifyProgress(phase: .comparing, completed: $0, total: liveTotal))
                    }
                }
                if difference != nil { break }
            }
            progress(VerifyProgress(phase: .comparing, completed: compared, total: liveTotal))
            return VerifyReport(
                lastSequence: last,
                recordsReplayed: total,
                indexes: indexes.map(\.index.name),
                entriesCompared: compared,
                firstDifference: difference,
                rebuildCPUSeconds: Dictionary(uniqueKeysWithValues: zip(indexes.map(\.index.name), cpuSeconds))
            )
        }
    }

    /// Compares one rebuilt index with the live one in `live` (the snapshot whose
    /// last record is `last`): first the position the live index records, then each
    /// database, counting matching entries in `compared`. Returns the first difference.
    private func compare(
        _ rebuild: IndexRebuild,
        with live: ReadTransaction,
        through last: SequenceNumber,
        compared: inout Int,
        report: (Int) -> Void = { _ in }
    ) throws -> IndexDifference? {
        let registered = rebuild.live
        if last.rawValue > 0 {
            let position = try live.value(forKey: registered.positionKey.span.bytes, in: metaDatabase)
            let expected = [UInt8](last.key.span.bytes.copiedBytes())
            if position != expected {
                return IndexDifference(
                    index: registered.index.name,
                    database: Self.metaDatabaseName,
                    kind: .staleIndex,
                    key: registered.positionKey,
                    liveValue: position,
                    rebuiltValue: expected
                )
            }
        }
        return try rebuild.environment.read { rebuilt in
            for (liveDatabase, rebuiltDatabase) in zip(registered.databases.all, rebuild.databases.all) {
                if let difference = try Self.firstDifference(
                    index: registered.index.name,
                    live: (live, liveDatabase),
                    rebuilt: (rebuilt, rebuiltDatabase),
                    compared: &compared,
                    report: report
                ) {
                    return difference
                }
            }
            return nil
        }
    }

    /// Replays records `1...last` into every rebuild: reads them on the calling
    /// thread in `live` and applies them on `threads` threads (default: one per
    /// active processor; never more than rebuilds), reporting the records every
    /// index has applied. A thread with no records to apply compares an index that
    /// has applied them all, in a read transaction of its own on `live`'s snapshot.
    /// The first error, of the reader or of any rebuild, stops the others and is
    /// rethrown once no thread is working. Returns the thread time each rebuild's
    /// `apply` took, in seconds, and what comparing each index found (`nil` or
    /// ``LaneComparison/deferred`` for those the caller must compare).
    private func rebuild(
        _ rebuilds: [IndexRebuild],
        from live: ReadTransaction,
        through last: SequenceNumber,
        threads: Int?,
        progress: (Int) -> Void
    ) throws -> (cpuSeconds: [Double], comparisons: [LaneComparison?]) {
        let total = Int(last.rawValue)
        guard total > 0, !rebuilds.isEmpty else {
            progress(0)
            return (rebuilds.map { _ in 0 }, rebuilds.map { _ in nil })
        }
        let snapshot = live.snapshotID
        let threads = max(1, min(rebuilds.count, threads ?? ProcessInfo.processInfo.activeProcessorCount))
        // Eight batches queued per index at most (and eight more being applied):
        // enough that a thread finishing one index finds another's work waiting,
        // and at most 64 MiB of payloads (ReplayReader.batchBytes) in memory.
        let board = RebuildBoard(indexes: rebuilds.count, capacity: 8)
        for number in 0..<threads {
            let thread = Thread {
                while let work = board.take() {
                    switch work {
                    case .apply(let lane, let batches):
                        let started = Self.threadCPUSeconds()
                        do {
                            try rebuilds[lane].apply(batches, lane: lane)
                            let records = batches.reduce(0) { $0 + $1.records }
                            board.applied(lane: lane, records: records, cpuSeconds: Self.threadCPUSeconds() - started)
                        } catch {
                            board.fail(error, lane: lane)
                        }
                    case .compare(let lane):
                        do {
                            let comparison: LaneComparison? = try self.environment.readUnlessGrowing { own in
                                guard own.snapshotID == snapshot else { return .deferred }
                                var entries = 0
                                let difference = try self.compare(rebuilds[lane], with: own, through: last, compared: &entries)
                                return .compared(difference: difference, entries: entries)
                            }
                            board.compared(lane: lane, comparison ?? .deferred)
                        } catch {
                            board.fail(error, lane: lane)
                        }
                    }
                }
            }
            thread.name = "stepline-verify-\(number)"
            thread.start()
        }
        var reported = 0
        func report(_ applied: Int) {
            if applied >= reported + 65_536 {
                progress(applied)
                reported = applied
            }
        }
        var reader = ReplayReader(indexes: rebuilds.map(\.live.index))
        do {
            try reader.read(logDatabase, in: live, through: last) { batch in
                guard board.deliver(batch) else { return false }
                report(board.applied)
                return true
            }
        } catch {
            board.fail(error)
        }
        board.endReading()
        var seen = 0
        while true {
            let (applied, settled) = board.wait(past: seen)
            if settled { break }
            seen = applied
            report(applied)
        }
        if let error = board.error { throw error }
        progress(total)
        return (board.cpuSeconds, board.comparisons)
    }

    /// The CPU time of the calling thread so far, in seconds.
    private static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
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
                /// The difference at the current entry of the live cursor (`.unexpected`),
                /// of the rebuilt one (`.missing`), or of both (`.valueDiffers`).
                func difference(_ kind: IndexDifference.Kind) throws -> IndexDifference {
                    let atLive = kind != .missing
                    return IndexDifference(
                        index: index,
                        database: name,
                        kind: kind,
                        key: try atLive ? liveCursor.key() : rebuiltCursor.key(),
                        liveValue: atLive ? try liveCursor.value() : nil,
                        rebuiltValue: kind == .unexpected ? nil : try rebuiltCursor.value()
                    )
                }
                var liveOn = try liveCursor.first()
                var rebuiltOn = try rebuiltCursor.first()
                while liveOn || rebuiltOn {
                    if !rebuiltOn { return try difference(.unexpected) }
                    if !liveOn { return try difference(.missing) }
                    let (keyOrder, valuesEqual) = try liveCursor.withCurrent { liveKey, liveValue in
                        try rebuiltCursor.withCurrent { rebuiltKey, rebuiltValue in
                            (liveKey.compareBytes(to: rebuiltKey), liveValue.compareBytes(to: rebuiltValue) == 0)
                        }
                    }
                    if keyOrder < 0 { return try difference(.unexpected) }
                    if keyOrder > 0 { return try difference(.missing) }
                    if !valuesEqual { return try difference(.valueDiffers) }
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
