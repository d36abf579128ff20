package import EventLog
import Foundation
public import JSON
import LMDB
import Memberwise
package import Messaging
public import Runtime

/// What `CreateArchive` and `UpdateArchive` ask for.
@MemberwiseInit(.public)
public struct ArchiveDefinition: Sendable {
    public var name: String
    /// The bus ARN (`CreateArchive`'s `EventSourceArn`); ignored by updates.
    public var eventSourceArn: String? = nil
    public var description: String? = nil
    public var eventPattern: String? = nil
    /// Days to keep events; 0 (or `nil` on create) keeps them forever.
    public var retentionDays: Int? = nil
}

extension EventBuses {
    // MARK: Archives

    /// The ARN of the archive stored as `stored`.
    package nonisolated func archiveArn(_ stored: String) -> String {
        let (scope, name) = scopedName(stored)
        return arn("archive/\(name)", in: scope)
    }

    package nonisolated func storedArchive(_ name: String) throws -> JSONValue? { try archiveValue(name, in: .archives) }

    /// The archive or replay named `name`, as the index keeps it.
    package nonisolated func archiveValue(_ name: String, in which: EventArchiveIndex.DB) throws -> JSONValue? {
        guard let index = archiveIndex else { return nil }
        return try log.read { try $0.jsonValue(forKey: Array(name.utf8), in: index[which.rawValue]) }
    }

    package nonisolated func archiveValues(_ which: EventArchiveIndex.DB) throws -> [JSONValue] {
        guard let index = archiveIndex else { return [] }
        return try log.read { try $0.jsonValues(withPrefix: [], in: index[which.rawValue]) }
    }

    package static func checkedPattern(_ text: String?) throws -> EventPattern? {
        guard let text else { return nil }
        do { return try EventPattern(parsing: text) } catch {
            throw EngineError(EngineError.Code(rawValue: error.code.rawValue), error.message)
        }
    }

    package static func checkedRetention(_ days: Int?) throws {
        if let days, days < 0 {
            throw EngineError(
                .validation,
                "1 validation error detected: Value '\(days)' at 'retentionDays' failed to satisfy constraint: Member must have value greater than or equal to 0")
        }
    }

    /// `CreateArchive`: an archive of the events accepted on a bus from now on
    /// (those matching `EventPattern`, when given). It is one record; the
    /// events stay where they are, in the log.
    /// The archive lives in its bus's account and region, and is stored under its storage name.
    /// - Throws: ``EngineError`` `ResourceAlreadyExistsException`,
    ///   `ResourceNotFoundException` (bus), `InvalidEventPatternException`, `ValidationException`.
    public func createArchive(_ definition: ArchiveDefinition) async throws -> JSONValue {
        try Self.validateName(definition.name, member: "archiveName")
        guard let source = definition.eventSourceArn else {
            throw EngineError(.validation, "Parameter EventSourceArn is required.")
        }
        let bus = busName(source)
        guard source.hasPrefix("arn:"), try storedBus(bus) != nil else {
            throw EngineError(.resourceNotFound, "Event bus \(scopedName(bus).name) does not exist.")
        }
        _ = try Self.checkedPattern(definition.eventPattern)
        try Self.checkedRetention(definition.retentionDays)
        let name = storageName(definition.name, in: scopedName(bus).scope)
        if try storedArchive(name) != nil {
            throw EngineError(.resourceAlreadyExists, "Archive \(definition.name) already exists.")
        }
        let time = now()
        var archive: JSONObject = [
            "ArchiveName": .string(name), "ArchiveArn": .string(archiveArn(name)),
            "EventSourceArn": .string(busArn(bus)), "State": "ENABLED", "RetentionDays": .integer(definition.retentionDays ?? 0),
            "CreationTime": .integer(Int(time)),
        ]
        if let description = definition.description { archive["Description"] = .string(description) }
        if let pattern = definition.eventPattern { archive["EventPattern"] = .string(pattern) }
        try await append([(EventArchiveRecordKind.archivePut, ["archive": .object(archive), "time": .integer(Int(time))])], about: archiveArn(name))
        return .object(archive)
    }

    /// `DescribeArchive`: the archive, with `EventCount` and `SizeBytes` of the
    /// events it holds now (counted from the log).
    /// - Throws: ``EngineError`` `ResourceNotFoundException`.
    public nonisolated func describeArchive(name: String) throws -> JSONValue {
        guard case .object(var archive) = try requireArchive(name) else { return .null }
        var count = 0, size = 0
        try forEachArchived(archive: .object(archive), from: nil, through: nil) { _, event, _ in
            count += 1
            size += event.serialized.utf8.count
            return true
        }
        archive["EventCount"] = .integer(count)
        archive["SizeBytes"] = .integer(size)
        return .object(archive)
    }

    package nonisolated func requireArchive(_ name: String) throws -> JSONValue {
        guard let archive = try storedArchive(name) else {
            throw EngineError(.resourceNotFound, "Archive \(scopedName(name).name) does not exist.")
        }
        return archive
    }

    /// `ListArchives`: those of `scope` (`nil`: the default scope) by name, filtered by
    /// prefix, source bus ARN and state.
    public nonisolated func listArchives(
        namePrefix: String?,
        eventSourceArn: String?,
        state: String?,
        in scope: ResourceScope? = nil
    ) throws -> [JSONValue] {
        try archiveValues(.archives, of: scope, arn: "ArchiveArn", name: "ArchiveName", namePrefix: namePrefix).filter { archive in
            (eventSourceArn.map { archive["EventSourceArn"]?.stringValue == $0 } ?? true)
                && (state.map { archive["State"]?.stringValue == $0 } ?? true)
        }
    }

    /// The archives or replays of `scope` (`nil`: the default scope), by the ARN in member
    /// `arn`, whose plain name (member `name`) starts with `namePrefix`.
    package nonisolated func archiveValues(
        _ which: EventArchiveIndex.DB,
        of scope: ResourceScope?,
        arn: String,
        name: String,
        namePrefix: String?
    ) throws -> [JSONValue] {
        let scope = scope ?? context.defaultScope
        return try archiveValues(which).filter { row in
            scope.owns(row[arn]?.stringValue ?? "")
                && (namePrefix.map { scopedName(row[name]?.stringValue ?? "").name.hasPrefix($0) } ?? true)
        }
    }

    /// `UpdateArchive`: a new description, pattern or retention; events already
    /// accepted are judged by the new pattern from then on.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`, `InvalidEventPatternException`.
    public func updateArchive(_ definition: ArchiveDefinition) async throws -> JSONValue {
        guard case .object(var archive) = try requireArchive(definition.name) else { return .null }
        _ = try Self.checkedPattern(definition.eventPattern)
        try Self.checkedRetention(definition.retentionDays)
        if let description = definition.description { archive["Description"] = .string(description) }
        if let pattern = definition.eventPattern { archive["EventPattern"] = pattern.isEmpty ? nil : .string(pattern) }
        if let days = definition.retentionDays { archive["RetentionDays"] = .integer(days) }
        try await append([(EventArchiveRecordKind.archivePut, ["archive": .object(archive), "time": .integer(Int(now()))])], about: archiveArn(definition.name))
        return .object(archive)
    }

    /// `DeleteArchive`.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`.
    public func deleteArchive(name: String) async throws {
        _ = try requireArchive(name)
        try await append([(EventArchiveRecordKind.archiveDeleted, ["name": .string(name), "time": .integer(Int(now()))])], about: archiveArn(name))
    }

    /// Calls `body` with the sequence, event and accept time (ms) of each event
    /// of `archive` in log order, from sequence `from` through `through`, until it
    /// returns `false`: events accepted on the archive's bus since its creation,
    /// within its retention, matching its pattern, and not replays themselves.
    package nonisolated func forEachArchived(
        archive: JSONValue, from: SequenceNumber?, through: SequenceNumber?,
        _ body: (SequenceNumber, JSONValue, Int64) throws -> Bool
    ) throws {
        let bus = busName(archive["EventSourceArn"]?.stringValue)
        let pattern = try Self.checkedPattern(archive["EventPattern"]?.stringValue)
        let created = Int64(archive["CreationTime"]?.integerValue ?? 0)
        let retention = Int64(archive["RetentionDays"]?.integerValue ?? 0) * 86_400_000
        let oldest = retention > 0 ? max(created, now() - retention) : created
        let start = try from ?? firstSequence(atOrAfter: oldest)
        var stop = false
        try log.scan(from: start, through: through) { sequence, header, payload in
            guard !stop, header.kind == EventsRecordKind.eventAccepted else { return }
            let record = try JSONParser.parse(bytes: payload.copiedBytes())
            let event = record["event"] ?? .null
            let time = Int64(record["time"]?.integerValue ?? 0)
            guard record["bus"]?.stringValue == bus, time >= oldest, event["replay-name"] == nil,
                pattern?.matches(event) ?? true
            else { return }
            stop = try !body(sequence, event, time)
        }
    }

    /// The first log sequence whose record was written at or after `time` (ms),
    /// by binary search on record timestamps, less a minute: records are stamped
    /// before their group commit, so neighbours may be slightly out of order.
    package nonisolated func firstSequence(atOrAfter time: Int64) throws -> SequenceNumber {
        guard let last = log.lastSequence else { return .first }
        let target = (time - 60_000) * 1000
        var low = SequenceNumber.first.rawValue, high = last.rawValue
        while low < high {
            let middle = low + (high - low) / 2
            let stamp = try log.entry(at: SequenceNumber(middle))?.header.timestamp ?? .max
            if stamp < target { low = middle + 1 } else { high = middle }
        }
        return SequenceNumber(low)
    }
}
