public import EventBuses
import HTTPTypes
import JSON
import Runtime
import Workflows

/// The EventBridge JSON API (`AWSEvents.*`, awsJson 1.1) over ``EventBuses``.
///
/// Each operation reads its input as AWS's model names it, calls the buses and
/// shapes the output; engine errors keep their AWS code (`ResourceNotFoundException`,
/// `InvalidEventPatternException`, `ValidationException`) and message.
///
/// ```swift
/// let handler = EventBridgeOperations.table(buses: try await EventBuses.open(engine: engine))
/// ```
public enum EventBridgeOperations {
    /// The operation table to register with the server.
    public static func table(buses: EventBuses, tokens: PaginationTokenCodec = PaginationTokenCodec()) -> AWSOperationTable {
        var table = AWSOperationTable(service: .events)
        table.register("CreateEventBus") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let name = try input.requiredString("Name", length: 1...256)
            let description = try input.string("Description", length: 0...512)
            let arn = try await AWSService.events.call { try await buses.createEventBus(name: name, description: description, in: scope) }
            return ["EventBusArn": .string(arn)]
        }
        table.register("DescribeEventBus") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let name = try input.string("Name", length: 1...1600)
            return presented(try await AWSService.events.call { try buses.describeEventBus(name: buses.busName(name, in: scope)) }, buses)
        }
        table.register("DeleteEventBus") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let name = try input.requiredString("Name", length: 1...256)
            try await AWSService.events.call { try await buses.deleteEventBus(name: buses.busName(name, in: scope)) }
            return [:]
        }
        table.register("ListEventBuses") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let prefix = try input.string("NamePrefix", length: 1...256)
            let page = try limitPage(input, tokens, scope: "ListEventBuses \(scope) \(prefix ?? "")")
            let all = try await AWSService.events.call { try buses.listEventBuses(namePrefix: prefix, in: scope) }
            return paged(all.map { presented($0, buses) }, key: "EventBuses", by: "Name", page)
        }
        table.register("PutRule") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let definition = RuleDefinition(
                name: try input.requiredString("Name", length: 1...64),
                eventBusName: buses.busName(try input.string("EventBusName", length: 1...1600), in: scope),
                eventPattern: try input.string("EventPattern", length: 0...4096),
                scheduleExpression: try input.string("ScheduleExpression", length: 0...256),
                state: try input.string("State"),
                description: try input.string("Description", length: 0...512),
                roleArn: try input.string("RoleArn", length: 1...1600)
            )
            let arn = try await AWSService.events.call { try await buses.putRule(definition) }
            return ["RuleArn": .string(arn)]
        }
        for (operation, enabled) in [("EnableRule", true), ("DisableRule", false)] {
            table.register(operation) { input, context async throws(AWSError) in
                let scope = try await requestScope(of: context, buses)
                let name = try input.requiredString("Name", length: 1...64)
                let bus = buses.busName(try input.string("EventBusName", length: 1...1600), in: scope)
                try await AWSService.events.call { try await buses.setRuleState(bus: bus, name: name, enabled: enabled) }
                return [:]
            }
        }
        table.register("DescribeRule") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let (name, bus) = try ruleReference(input, member: "Name", scope: scope, buses)
            return presentedRule(try await AWSService.events.call { try buses.describeRule(bus: bus, name: name) }, buses)
        }
        table.register("ListRules") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let prefix = try input.string("NamePrefix", length: 1...64)
            let bus = buses.busName(try input.string("EventBusName", length: 1...1600), in: scope)
            let page = try limitPage(input, tokens, scope: "ListRules \(bus) \(prefix ?? "")")
            let all = try await AWSService.events.call { try buses.listRules(bus: bus, namePrefix: prefix) }
            return paged(all.map { presentedRule($0, buses) }, key: "Rules", by: "Name", page)
        }
        table.register("DeleteRule") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let (name, bus) = try ruleReference(input, member: "Name", scope: scope, buses)
            try await AWSService.events.call { try await buses.deleteRule(bus: bus, name: name) }
            return [:]
        }
        table.register("PutTargets") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let (rule, bus) = try ruleReference(input, member: "Rule", scope: scope, buses)
            let targets = try input.list("Targets", count: 1...100) ?? []
            for arn in targets.compactMap({ $0["Arn"]?.stringValue }) where !isValidTargetArn(arn, invoker: buses.context.invoker) {
                throw AWSError(.validation, "Parameter \(arn) is not valid. Reason: Provided Arn is not in correct format.")
            }
            let failed = try await AWSService.events.call { try await buses.putTargets(bus: bus, rule: rule, targets: targets) }
            return [
                "FailedEntryCount": .integer(failed.count),
                "FailedEntries": .array(
                    failed.map {
                        ["TargetId": .string($0.targetId), "ErrorCode": .string($0.errorCode), "ErrorMessage": .string($0.errorMessage)]
                    }
                ),
            ]
        }
        table.register("RemoveTargets") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let (rule, bus) = try ruleReference(input, member: "Rule", scope: scope, buses)
            let ids = (try input.list("Ids", count: 1...100) ?? []).compactMap(\.stringValue)
            try await AWSService.events.call { try await buses.removeTargets(bus: bus, rule: rule, ids: ids) }
            return ["FailedEntryCount": 0, "FailedEntries": []]
        }
        table.register("ListTargetsByRule") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let (rule, bus) = try ruleReference(input, member: "Rule", scope: scope, buses)
            let page = try limitPage(input, tokens, scope: "ListTargetsByRule \(bus) \(rule)")
            let all = try await AWSService.events.call { try buses.listTargets(bus: bus, rule: rule) }
            return paged(all, key: "Targets", by: "Id", page)
        }
        table.register("ListRuleNamesByTarget") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let targetArn = try input.requiredString("TargetArn", length: 1...1600)
            let bus = buses.busName(try input.string("EventBusName", length: 1...1600), in: scope)
            let page = try limitPage(input, tokens, scope: "ListRuleNamesByTarget \(bus) \(targetArn)")
            let names = try await AWSService.events.call { try buses.listRuleNames(byTarget: targetArn, bus: bus) }
            let listing = paged(names.map { ["Name": .string($0)] }, key: "RuleNames", by: "Name", page)
            var output = listing.objectValue ?? [:]
            output["RuleNames"] = .array((listing["RuleNames"]?.arrayValue ?? []).compactMap { $0["Name"] })
            return .object(output)
        }
        table.register("PutEvents") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let entries = try input.structures("Entries", count: 1...EventBuses.maximumEntries) ?? []
            var events: [EventEntry] = []
            for entry in entries {
                events.append(
                    EventEntry(
                        source: try entry.string("Source"),
                        detailType: try entry.string("DetailType"),
                        detail: try entry.string("Detail"),
                        resources: (try entry.list("Resources") ?? []).compactMap(\.stringValue),
                        time: try entry.timestamp("Time")?.millisecondsSinceEpoch,
                        eventBusName: buses.busName(try entry.string("EventBusName"), in: scope)
                    )
                )
            }
            let results = try await AWSService.events.call { try await buses.putEvents(events) }
            return [
                "FailedEntryCount": .integer(results.filter { $0.eventId == nil }.count),
                "Entries": .array(
                    results.map { result in
                        if let id = result.eventId { return ["EventId": .string(id)] }
                        return ["ErrorCode": .string(result.errorCode ?? ""), "ErrorMessage": .string(result.errorMessage ?? "")]
                    }
                ),
            ]
        }
        table.register("TestEventPattern") { input, _ async throws(AWSError) in
            let pattern = try input.requiredString("EventPattern", length: 0...4096)
            let event = try input.requiredString("Event")
            return ["Result": .bool(try await AWSService.events.call { try buses.testEventPattern(event: event, pattern: pattern) })]
        }
        registerConnections(in: &table, buses: buses, tokens: tokens)
        registerArchives(in: &table, buses: buses, tokens: tokens)
        return table
    }

    /// Whether a `PutTargets` target `Arn` has the form AWS accepts,
    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` (region and account may be empty, as
    /// for global services), or is one of Stepline's own targets: an `http(s)://` URL or a
    /// resource the handler map (`workflows/handlers.yaml`, in-process handlers) binds.
    static func isValidTargetArn(_ arn: String, invoker: Invoker) -> Bool {
        if arn.hasPrefix("http://") || arn.hasPrefix("https://") { return true }
        if invoker.inProcessHandlers[arn] != nil || invoker.handlers.handler(for: arn) != nil { return true }
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        return parts.count == 6 && parts[0] == "arn" && !parts[1].isEmpty && !parts[2].isEmpty && !parts[5].isEmpty
    }

    /// The `Limit`/`NextToken` page of a listing: every EventBridge List operation pages alike.
    static func limitPage(_ input: AWSInput, _ tokens: PaginationTokenCodec, scope: String) throws(AWSError) -> PageRequest {
        try PageRequest(
            input,
            sizeMember: "Limit",
            tokenMember: "NextToken",
            defaultLimit: 100,
            maximumLimit: 100,
            codec: tokens,
            scope: scope
        )
    }

    /// A rule named by `member`, on the bus of `EventBusName` (the default bus when absent)
    /// as the buses store it: a name is one of the request's `scope`, an ARN one of its own.
    static func ruleReference(_ input: AWSInput, member: String, scope: ResourceScope, _ buses: EventBuses) throws(AWSError) -> (String, String) {
        (try input.requiredString(member, length: 1...64), buses.busName(try input.string("EventBusName", length: 1...1600), in: scope))
    }

    /// The request's account and region (``AWSRequestContext/scope(in:)``), whose
    /// `default` bus is made the first time the scope is used, as every account has one
    /// in every region.
    static func requestScope(of context: AWSRequestContext, _ buses: EventBuses) async throws(AWSError) -> ResourceScope {
        let scope = context.scope(in: buses.context)
        if scope != buses.context.defaultScope {
            try await AWSService.events.call { try await buses.ensureDefaultBus(in: scope) }
        }
        return scope
    }

    /// A rule as the API shows it: `EventBusName` without the scope it is stored with.
    static func presentedRule(_ rule: JSONValue, _ buses: EventBuses) -> JSONValue {
        guard case .object(var object) = rule, let bus = object["EventBusName"]?.stringValue else { return rule }
        object["EventBusName"] = .string(buses.scopedName(bus).name)
        return .object(object)
    }

    /// A bus as the API shows it: `CreationTime` and `LastModifiedTime` in seconds, `Name`
    /// without the scope it is stored with. No operation changes a bus after it is made, so
    /// it was last modified when it was created.
    static func presented(_ bus: JSONValue, _ buses: EventBuses) -> JSONValue {
        guard case .object(var object) = bus else { return bus }
        if let name = object["Name"]?.stringValue { object["Name"] = .string(buses.scopedName(name).name) }
        if let milliseconds = object["CreationTime"]?.integerValue {
            object["CreationTime"] = .double(Double(milliseconds) / 1000)
            object["LastModifiedTime"] = .double(Double(milliseconds) / 1000)
        }
        if object["Description"] == .null { object["Description"] = nil }
        return .object(object)
    }

    /// One page of `items` (sorted by `field`), continuing after the token's position.
    static func paged(_ items: [JSONValue], key: String, by field: String, _ page: PageRequest) -> JSONValue {
        let rest: [JSONValue]
        if let after = page.position?.stringValue {
            rest = items.filter { ($0[field]?.stringValue ?? "") > after }
        } else {
            rest = items
        }
        var output: JSONObject = [key: .array(Array(rest.prefix(page.limit)))]
        if rest.count > page.limit, let last = rest[page.limit - 1][field] {
            output["NextToken"] = .string(page.nextToken(after: last))
        }
        return .object(output)
    }
}
