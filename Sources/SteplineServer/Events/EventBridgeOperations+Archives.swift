import EventBuses
import JSON
import Runtime
import Workflows

extension EventBridgeOperations {
    /// The members of `CreateArchive` and, without `EventSourceArn` (an archive keeps
    /// its source), of `UpdateArchive`.
    static func archiveDefinition(_ input: AWSInput, withSource: Bool) throws(AWSError) -> ArchiveDefinition {
        ArchiveDefinition(
            name: try input.requiredString("ArchiveName", length: 1...48),
            eventSourceArn: try withSource ? input.requiredString("EventSourceArn", length: 1...1600) : nil,
            description: try input.string("Description", length: 0...512),
            eventPattern: try input.string("EventPattern", length: 0...4096),
            retentionDays: try input.integer("RetentionDays", range: 0...Int(Int32.max))
        )
    }

    /// Registers the archive and replay operations (`CreateArchive` … `CancelReplay`).
    static func registerArchives(in table: inout AWSOperationTable, buses: EventBuses, tokens: PaginationTokenCodec) {
        table.register("CreateArchive") { input, _ async throws(AWSError) in
            let definition = try archiveDefinition(input, withSource: true)
            return stateShape(times(try await AWSService.events.call { try await buses.createArchive(definition) }), arn: "ArchiveArn")
        }
        table.register("UpdateArchive") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            var definition = try archiveDefinition(input, withSource: false)
            definition.name = buses.storageName(definition.name, in: scope)
            return stateShape(times(try await AWSService.events.call { try await buses.updateArchive(definition) }), arn: "ArchiveArn")
        }
        table.register("DescribeArchive") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let name = try input.requiredString("ArchiveName", length: 1...48)
            return times(try await AWSService.events.call { try buses.describeArchive(name: buses.storageName(name, in: scope)) })
        }
        table.register("DeleteArchive") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let name = try input.requiredString("ArchiveName", length: 1...48)
            try await AWSService.events.call { try await buses.deleteArchive(name: buses.storageName(name, in: scope)) }
            return [:]
        }
        table.register("ListArchives") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let prefix = try input.string("NamePrefix", length: 1...48)
            let source = try input.string("EventSourceArn", length: 1...1600)
            let state = try input.string("State")
            let page = try limitPage(input, tokens, scope: "ListArchives \(scope) \(prefix ?? "") \(source ?? "") \(state ?? "")")
            let all = try await AWSService.events.call {
                try buses.listArchives(namePrefix: prefix, eventSourceArn: source, state: state, in: scope)
            }
            return paged(all.map(times), key: "Archives", by: "ArchiveName", page)
        }
        table.register("StartReplay") { input, _ async throws(AWSError) in
            let destination = try input.requiredStructure("Destination")
            let definition = ReplayDefinition(
                name: try input.requiredString("ReplayName", length: 1...64),
                description: try input.string("Description", length: 0...512),
                eventSourceArn: try input.requiredString("EventSourceArn", length: 1...1600),
                eventStartTime: try requiredTime(input, "EventStartTime"),
                eventEndTime: try requiredTime(input, "EventEndTime"),
                destinationArn: try destination.requiredString("Arn", length: 1...1600),
                filterArns: (try destination.list("FilterArns") ?? []).compactMap(\.stringValue))
            let replay = times(try await AWSService.events.call { try await buses.startReplay(definition) })
            return ["ReplayArn": replay["ReplayArn"] ?? .null, "State": replay["State"] ?? .null, "ReplayStartTime": replay["ReplayStartTime"] ?? .null]
        }
        table.register("DescribeReplay") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let name = try input.requiredString("ReplayName", length: 1...64)
            return times(try await AWSService.events.call { try buses.describeReplay(name: buses.storageName(name, in: scope)) })
        }
        table.register("ListReplays") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let prefix = try input.string("NamePrefix", length: 1...64)
            let state = try input.string("State")
            let source = try input.string("EventSourceArn", length: 1...1600)
            let page = try limitPage(input, tokens, scope: "ListReplays \(scope) \(prefix ?? "") \(state ?? "") \(source ?? "")")
            let all = try await AWSService.events.call {
                try buses.listReplays(namePrefix: prefix, state: state, eventSourceArn: source, in: scope)
            }
            return paged(all.map(times), key: "Replays", by: "ReplayName", page)
        }
        table.register("CancelReplay") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let name = try input.requiredString("ReplayName", length: 1...64)
            let replay = try await AWSService.events.call { try await buses.cancelReplay(name: buses.storageName(name, in: scope)) }
            return ["ReplayArn": replay["ReplayArn"] ?? .null, "State": replay["State"] ?? .null]
        }
    }

    static func requiredTime(_ input: AWSInput, _ member: String) throws(AWSError) -> Int64 {
        guard let time = try input.timestamp(member) else {
            throw AWSError.validation(member: member, constraint: "Member must not be null", value: "null")
        }
        return time.millisecondsSinceEpoch
    }

    /// An archive or replay with its times (stored in milliseconds) in epoch seconds, as the API sends timestamps,
    /// and its name without the scope it is stored with.
    static func times(_ value: JSONValue) -> JSONValue {
        guard case .object(var object) = value else { return value }
        for key in ["ArchiveName", "ReplayName"] {
            if let stored = object[key]?.stringValue { object[key] = .string(ResourceScope.plainName(ofStorageName: stored)) }
        }
        for key in ["CreationTime", "EventStartTime", "EventEndTime", "EventLastReplayedTime", "ReplayStartTime", "ReplayEndTime"] {
            if let milliseconds = object[key]?.integerValue { object[key] = .double(Double(milliseconds) / 1000) }
        }
        return .object(object)
    }

    /// `CreateArchive` and `UpdateArchive`'s answer: the ARN, state and creation time.
    static func stateShape(_ value: JSONValue, arn: String) -> JSONValue {
        ["ArchiveArn": value[arn] ?? .null, "State": value["State"] ?? .null, "CreationTime": value["CreationTime"] ?? .null]
    }
}
