import EventLog
import Foundation
public import JSON
import LMDB
import Memberwise
import Messaging
public import Runtime

/// What `StartReplay` asks for.
@MemberwiseInit(.public)
public struct ReplayDefinition: Sendable {
    public var name: String
    public var description: String? = nil
    /// The archive's ARN.
    public var eventSourceArn: String
    /// The window of accept times, in milliseconds since the epoch: start inclusive, end exclusive.
    public var eventStartTime: Int64
    public var eventEndTime: Int64
    /// The bus to replay to: the archive's own bus (EventBridge allows no other).
    public var destinationArn: String
    /// Rule ARNs that may receive replayed events; empty means every matching rule.
    public var filterArns: [String] = []
}

/// The internal fields of a stored replay, which the API does not show.
package enum ReplayRow {
    /// The next log sequence to read.
    package static let position = "SteplinePosition"
    /// The last log sequence the replay reads: the log as it was at the start,
    /// so a replay never reads the events it replays itself.
    package static let through = "SteplineThrough"

    package static func shown(_ replay: JSONValue) -> JSONValue {
        guard case .object(var object) = replay else { return replay }
        object[position] = nil
        object[through] = nil
        return .object(object)
    }
}

extension EventBuses {
    // MARK: Replays

    /// How many log records one replay step reads at most, and how many events it re-sends.
    package static let replayStepRecords: UInt64 = 4_096
    package static let replayStepEvents = 100

    /// The name in an archive ARN (`arn:aws:events:REGION:ACCOUNT:archive/NAME`).
    package static func archiveName(_ arn: String) -> String? {
        arn.range(of: ":archive/").map { String(arn[$0.upperBound...]) }
    }

    /// The ARN of the replay stored as `stored`.
    package nonisolated func replayArn(_ stored: String) -> String {
        let (scope, name) = scopedName(stored)
        return arn("replay/\(name)", in: scope)
    }

    package nonisolated func storedReplay(_ name: String) throws -> JSONValue? { try archiveValue(name, in: .replays) }

    /// `StartReplay`: re-sends the archive's events accepted in the window to
    /// the rules of its bus as they are now, each with `replay-name` and a new
    /// id. Starting is one record (`STARTING`); ``advanceReplays()`` re-sends the
    /// events step by step, each step one transaction with its events, so a
    /// restart resumes where the last step committed.
    /// - Throws: ``EngineError`` `ResourceAlreadyExistsException`,
    ///   `ResourceNotFoundException` (archive), `ValidationException` (window,
    ///   another bus, a filter rule not on the bus).
    ///
    /// The replay lives in its archive's account and region, stored under its storage name.
    public func startReplay(_ definition: ReplayDefinition) async throws -> JSONValue {
        try Self.validateName(definition.name, member: "replayName")
        let scope = context.scope(ofArn: definition.eventSourceArn)
        let name = storageName(definition.name, in: scope)
        if try storedReplay(name) != nil {
            throw EngineError(.resourceAlreadyExists, "Replay \(definition.name) already exists.")
        }
        let archiveName = storageName(Self.archiveName(definition.eventSourceArn) ?? "", in: scope)
        let archive = try requireArchive(archiveName)
        guard definition.eventStartTime < definition.eventEndTime else {
            throw EngineError(.validation, "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.")
        }
        guard archive["EventSourceArn"]?.stringValue == definition.destinationArn else {
            throw EngineError(.validation, "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.")
        }
        let bus = busName(definition.destinationArn)
        for arn in definition.filterArns where !(routes[bus]?.rules.values.contains { $0.arn == arn } ?? false) {
            throw EngineError(.validation, "Parameter Destination.FilterArns is not valid. Reason: rule \(arn) is not a rule of event bus \(bus).")
        }
        let time = now()
        let start = try firstSequence(atOrAfter: max(definition.eventStartTime, Int64(archive["CreationTime"]?.integerValue ?? 0)))
        var destination: JSONObject = ["Arn": .string(definition.destinationArn)]
        if !definition.filterArns.isEmpty { destination["FilterArns"] = .array(definition.filterArns.map { .string($0) }) }
        var replay: JSONObject = [
            "ReplayName": .string(name), "ReplayArn": .string(replayArn(name)), "State": "STARTING",
            "EventSourceArn": .string(definition.eventSourceArn), "Destination": .object(destination),
            "EventStartTime": .integer(Int(definition.eventStartTime)), "EventEndTime": .integer(Int(definition.eventEndTime)),
            "ReplayStartTime": .integer(Int(time)), ReplayRow.position: .integer(Int(start.rawValue)),
            ReplayRow.through: .integer(Int(log.lastSequence?.rawValue ?? 0)),
        ]
        if let description = definition.description { replay["Description"] = .string(description) }
        try await append([(EventArchiveRecordKind.replayPut, ["replay": .object(replay), "time": .integer(Int(time))])], about: replayArn(name))
        armClock(at: now())
        return ReplayRow.shown(.object(replay))
    }

    /// `DescribeReplay`.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`.
    public nonisolated func describeReplay(name: String) throws -> JSONValue {
        guard let replay = try storedReplay(name) else {
            throw EngineError(.resourceNotFound, "Replay \(scopedName(name).name) does not exist.")
        }
        return ReplayRow.shown(replay)
    }

    /// `ListReplays`: those of `scope` (`nil`: the default scope) by name, filtered by
    /// prefix, state and archive ARN.
    public nonisolated func listReplays(
        namePrefix: String?,
        state: String?,
        eventSourceArn: String?,
        in scope: ResourceScope? = nil
    ) throws -> [JSONValue] {
        try archiveValues(.replays, of: scope, arn: "ReplayArn", name: "ReplayName", namePrefix: namePrefix).filter { replay in
            (state.map { replay["State"]?.stringValue == $0 } ?? true)
                && (eventSourceArn.map { replay["EventSourceArn"]?.stringValue == $0 } ?? true)
        }.map(ReplayRow.shown)
    }

    /// `CancelReplay`: stops a replay between two steps; what it re-sent stays sent.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`, `IllegalStatusException`
    ///   (the replay already ended).
    public func cancelReplay(name: String) async throws -> JSONValue {
        guard case .object(var replay) = try storedReplay(name) else {
            throw EngineError(.resourceNotFound, "Replay \(scopedName(name).name) does not exist.")
        }
        guard ["STARTING", "RUNNING"].contains(replay["State"]?.stringValue ?? "") else {
            throw EngineError(.illegalStatus, "Replay \(scopedName(name).name) is not in a valid state for this operation.")
        }
        let time = now()
        replay["State"] = "CANCELLED"
        replay["ReplayEndTime"] = .integer(Int(time))
        try await append([(EventArchiveRecordKind.replayPut, ["replay": .object(replay), "time": .integer(Int(time))])], about: replayArn(name))
        return ReplayRow.shown(.object(replay))
    }

    /// Advances every running replay by one step: reads up to
    /// ``replayStepRecords`` log records from its position, re-sends up to
    /// ``replayStepEvents`` archived events accepted in its window, and writes
    /// its new position, all in one transaction. Returns how many events were re-sent.
    @discardableResult
    public func advanceReplays() async throws -> Int {
        var total = 0
        for value in try archiveValues(.replays) where ["STARTING", "RUNNING"].contains(value["State"]?.stringValue ?? "") {
            total += try await advance(replay: value)
        }
        return total
    }

    private func advance(replay value: JSONValue) async throws -> Int {
        guard case .object(var replay) = value, let name = replay["ReplayName"]?.stringValue else { return 0 }
        let time = now()
        let archiveName = replay["EventSourceArn"]?.stringValue.flatMap(Self.archiveName)
        let position = SequenceNumber(UInt64(replay[ReplayRow.position]?.integerValue ?? 1))
        let through = SequenceNumber(UInt64(replay[ReplayRow.through]?.integerValue ?? 0))
        let window = Int64(replay["EventStartTime"]?.integerValue ?? 0)..<Int64(replay["EventEndTime"]?.integerValue ?? 0)
        var records: [(RecordKind, JSONValue)] = []
        var deliveries: [EventDelivery] = []
        var next = SequenceNumber(max(position.rawValue, through.rawValue + 1))
        var sent = 0
        if position <= through, let archiveName, let archive = try storedArchive(archiveName) {
            let bus = busName(archive["EventSourceArn"]?.stringValue)
            let filter = Set((replay["Destination"]?["FilterArns"]?.arrayValue ?? []).compactMap(\.stringValue))
            let last = SequenceNumber(min(through.rawValue, position.rawValue + Self.replayStepRecords - 1))
            next = last.next
            var found: [(JSONValue, Int64)] = []
            try forEachArchived(archive: archive, from: position, through: last) { sequence, event, accepted in
                guard window.contains(accepted) else { return true }
                found.append((event, accepted))
                if found.count == Self.replayStepEvents {
                    next = sequence.next
                    return false
                }
                return true
            }
            for (original, accepted) in found {
                guard case .object(var event) = original else { continue }
                event["id"] = .string(UUID().uuidString.lowercased())
                event["replay-name"] = .string(scopedName(name).name)
                let replayed = JSONValue.object(event)
                var rules = routes[bus]?.matcher.matches(replayed).sorted() ?? []
                if !filter.isEmpty { rules = rules.filter { routes[bus]?.rules[$0].map { filter.contains($0.arn) } ?? false } }
                route(replayed, on: bus, at: time, hops: 0, records: &records, deliveries: &deliveries, ruleNames: rules)
                replay["EventLastReplayedTime"] = .integer(Int(accepted))
            }
            sent = found.count
        }
        replay[ReplayRow.position] = .integer(Int(next.rawValue))
        replay["State"] = next > through ? "COMPLETED" : "RUNNING"
        if next > through { replay["ReplayEndTime"] = .integer(Int(time)) }
        records.insert((EventArchiveRecordKind.replayPut, ["replay": .object(replay), "time": .integer(Int(time))]), at: 0)
        try await append(records, about: replayArn(name))
        return sent
    }
}
