import Foundation
public import JSON
import Messaging
public import Queues
import Runtime

/// The queues, buses, rules and targets a `workflows/` directory declares in
/// `events.yaml` (or `.yml`, `.json`), deployed by `stepline serve --workflows` at start:
///
/// ```yaml
/// queues:
///   - name: media-review
///     attributes: { VisibilityTimeout: "30" }
/// buses:
///   - name: media-review
///     description: Renditions waiting for a person
/// rules:
///   - name: flagged-for-review
///     bus: media-review                 # optional, default
///     eventPattern: { detail-type: [FLAGGED_FOR_REVIEW] }   # or schedule: rate(5 minutes)
///     state: ENABLED                    # optional
///     targets:
///       - id: review-queue
///         queue: media-review           # or stateMachine:, bus:, function: (a handler) NAME, or arn: ARN
///         inputPath: $.detail           # or input: '{…}', or inputTransformer:
///         retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 600 }
///         deadLetterQueue: media-review-dlq   # a queue name or ARN
/// ```
///
/// Names stand for the ARNs of this server's region and account, so the file does
/// not change between machines. Applying is idempotent: what the log already
/// holds is left alone (nothing is written), what differs is updated, and a rule's
/// targets that the file no longer declares are removed, because the file owns
/// the rules it declares. Buses, rules and queues it does not mention are not touched.
public struct EventResources: Sendable, Hashable {
    /// A queue to create, with `CreateQueue`'s attributes.
    public struct QueueDeclaration: Sendable, Hashable {
        public var name: String
        public var attributes: [String: String]
    }

    /// A bus to create.
    public struct BusDeclaration: Sendable, Hashable {
        public var name: String
        public var description: String?
    }

    /// A rule with its targets, the targets already in AWS's `Targets` shape.
    public struct RuleDeclaration: Sendable, Hashable {
        public var definition: RuleFields
        public var targets: [JSONValue]
    }

    /// The `PutRule` fields a rule declares.
    public struct RuleFields: Sendable, Hashable {
        public var name: String
        public var bus: String
        public var eventPattern: String?
        public var scheduleExpression: String?
        public var state: String
        public var description: String?
    }

    public var queues: [QueueDeclaration] = []
    public var buses: [BusDeclaration] = []
    public var rules: [RuleDeclaration] = []

    /// The file names looked for in a workflows directory, in this order.
    public static let fileNames = ["events.yaml", "events.yml", "events.json"]

    /// Reads `path` (YAML, or JSON when it ends in `.json`).
    /// - Parameters:
    ///   - region: the region of the ARNs names stand for.
    ///   - account: the account of those ARNs.
    /// - Throws: ``EventResourcesError`` naming the file and the field that is wrong.
    public static func load(path: String, region: String, account: String) throws -> EventResources {
        let document: JSONValue
        do { document = try YAMLDocument.load(path: path) } catch { throw EventResourcesError(error.message) }
        return try parse(document, source: path, region: region, account: account)
    }

    /// Reads an already decoded document; `source` names it in errors.
    /// - Throws: ``EventResourcesError`` naming `source` and the field (`/rules/0/targets/1/queue`).
    public static func parse(_ document: JSONValue, source: String, region: String, account: String) throws -> EventResources {
        guard let top = document.objectValue else { throw EventResourcesError("\(source): / must be a mapping with queues, buses and rules") }
        for key in top.keys where !["queues", "buses", "rules"].contains(key) {
            throw EventResourcesError("\(source): /\(key) is not a known section (queues, buses, rules)")
        }
        var resources = EventResources()
        let reader = Reader(source: source, region: region, account: account)
        for (index, entry) in try reader.list(top["queues"], at: "/queues").enumerated() {
            let at = "/queues/\(index)"
            var attributes: [String: String] = [:]
            if let given = entry["attributes"] {
                guard let object = given.objectValue else { throw reader.error(at + "/attributes", "must be a mapping of attribute names to values") }
                for (key, value) in object.entries { attributes[key] = try reader.scalarText(value, at: "\(at)/attributes/\(key)") }
            }
            let name = try reader.string(entry, "name", at: at)
            do { _ = try QueueAttributes(attributes, queueName: name) } catch {
                throw reader.error(at + "/attributes", "\(error.message)")
            }
            resources.queues.append(QueueDeclaration(name: name, attributes: attributes))
        }
        for (index, entry) in try reader.list(top["buses"], at: "/buses").enumerated() {
            let at = "/buses/\(index)"
            resources.buses.append(BusDeclaration(name: try reader.string(entry, "name", at: at), description: try reader.optionalString(entry, "description", at: at)))
        }
        for (index, entry) in try reader.list(top["rules"], at: "/rules").enumerated() {
            resources.rules.append(try reader.rule(entry, at: "/rules/\(index)"))
        }
        return resources
    }

    /// Creates or updates what differs from the log; returns how many resources it changed
    /// (zero when the declarations are already deployed).
    /// - Throws: ``EventResourcesError`` naming `source`, the resource and what the
    ///   buses or queues refused.
    @discardableResult
    public func apply(to buses: EventBuses, queues: QueueService, source: String) async throws -> Int {
        var changed = 0
        for queue in self.queues {
            do {
                let arn = queues.arn(ofQueue: queue.name)
                if let existing = try queues.queue(arn: arn) {
                    let wanted = try QueueAttributes(queue.attributes, queueName: queue.name)
                    if existing.attributes.withDefaults != wanted.withDefaults {
                        var given = wanted.withDefaults
                        given["FifoQueue"] = nil
                        try await queues.setAttributes(arn: arn, given)
                        changed += 1
                    }
                } else {
                    try await queues.createQueue(name: queue.name, attributes: queue.attributes)
                    changed += 1
                }
            } catch { throw EventResourcesError("\(source): queue \(queue.name): \(error)") }
        }
        for bus in self.buses where (try? buses.describeEventBus(name: bus.name)) == nil {
            do { _ = try await buses.createEventBus(name: bus.name, description: bus.description) } catch {
                throw EventResourcesError("\(source): bus \(bus.name): \(error)")
            }
            changed += 1
        }
        for rule in rules {
            do { changed += try await apply(rule, to: buses) } catch {
                throw EventResourcesError("\(source): rule \(rule.definition.name) on bus \(rule.definition.bus): \(error)")
            }
        }
        return changed
    }

    private func apply(_ rule: RuleDeclaration, to buses: EventBuses) async throws -> Int {
        let fields = rule.definition
        var changed = 0
        let existing = try? buses.describeRule(bus: fields.bus, name: fields.name)
        let same =
            existing.map { stored in
                stored["State"]?.stringValue == fields.state && stored["Description"]?.stringValue == fields.description
                    && stored["ScheduleExpression"]?.stringValue == fields.scheduleExpression
                    && stored["EventPattern"]?.stringValue.flatMap { try? JSONParser.parse($0) } == fields.eventPattern.flatMap { try? JSONParser.parse($0) }
            } ?? false
        if !same {
            _ = try await buses.putRule(
                RuleDefinition(
                    name: fields.name, eventBusName: fields.bus, eventPattern: fields.eventPattern,
                    scheduleExpression: fields.scheduleExpression, state: fields.state, description: fields.description
                )
            )
            changed += 1
        }
        let stored = Dictionary(try buses.listTargets(bus: fields.bus, rule: fields.name).map { ($0["Id"]?.stringValue ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        let wanted = rule.targets.filter { stored[$0["Id"]?.stringValue ?? ""] != $0 }
        if !wanted.isEmpty {
            let failed = try await buses.putTargets(bus: fields.bus, rule: fields.name, targets: wanted)
            if let first = failed.first { throw EventResourcesError("target \(first.targetId): \(first.errorMessage)") }
            changed += 1
        }
        let declared = Set(rule.targets.compactMap { $0["Id"]?.stringValue })
        let stale = stored.keys.filter { !declared.contains($0) }.sorted()
        if !stale.isEmpty {
            try await buses.removeTargets(bus: fields.bus, rule: fields.name, ids: stale)
            changed += 1
        }
        return changed
    }
}

/// An event resources file that cannot be used, naming the file, the field and what is wrong.
public struct EventResourcesError: Error, Sendable, CustomStringConvertible {
    public let description: String
    package init(_ description: String) { self.description = description }
}

/// Field readers that put the file and the JSON pointer of the field in every error.
private struct Reader {
    package let source: String
    package let region: String
    package let account: String

    package func error(_ at: String, _ message: String) -> EventResourcesError { EventResourcesError("\(source): \(at) \(message)") }

    package func list(_ value: JSONValue?, at: String) throws -> [JSONValue] {
        guard let value, value != .null else { return [] }
        guard let list = value.arrayValue else { throw error(at, "must be a list") }
        for (index, entry) in list.enumerated() where entry.objectValue == nil {
            throw error("\(at)/\(index)", "must be a mapping")
        }
        return list
    }

    package func string(_ entry: JSONValue, _ key: String, at: String) throws -> String {
        guard let text = try optionalString(entry, key, at: at) else { throw error("\(at)/\(key)", "is required (a non-empty string)") }
        return text
    }

    package func optionalString(_ entry: JSONValue, _ key: String, at: String) throws -> String? {
        guard let value = entry[key], value != .null else { return nil }
        guard let text = value.stringValue, !text.isEmpty else { throw error("\(at)/\(key)", "must be a non-empty string, got \(value.typeName)") }
        return text
    }

    package func scalarText(_ value: JSONValue, at: String) throws -> String {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .object, .array: return value.serialized
        default: throw error(at, "must be a string or a number, got \(value.typeName)")
        }
    }

    package func checkKeys(_ entry: JSONValue, _ known: [String], at: String) throws {
        for key in entry.objectValue?.keys ?? [] where !known.contains(key) {
            throw error("\(at)/\(key)", "is not a known field (\(known.joined(separator: ", ")))")
        }
    }

    package func rule(_ entry: JSONValue, at: String) throws -> EventResources.RuleDeclaration {
        try checkKeys(entry, ["name", "bus", "eventPattern", "schedule", "state", "description", "targets"], at: at)
        let name = try string(entry, "name", at: at)
        var pattern: String?
        switch entry["eventPattern"] {
        case nil, .null?: pattern = nil
        case .string(let text)?: pattern = text
        case let value?: pattern = value.serialized
        }
        if let pattern {
            do { _ = try EventPattern(parsing: pattern) } catch { throw self.error(at + "/eventPattern", "is not a valid event pattern: \(error)") }
        }
        let schedule = try optionalString(entry, "schedule", at: at)
        guard (pattern == nil) != (schedule == nil) else { throw error(at, "needs exactly one of eventPattern and schedule") }
        let state = try optionalString(entry, "state", at: at) ?? "ENABLED"
        guard ["ENABLED", "DISABLED"].contains(state) else { throw error(at + "/state", "must be ENABLED or DISABLED, got '\(state)'") }
        let fields = EventResources.RuleFields(
            name: name, bus: try optionalString(entry, "bus", at: at) ?? "default", eventPattern: pattern,
            scheduleExpression: schedule, state: state, description: try optionalString(entry, "description", at: at)
        )
        var ids: Set<String> = []
        let targets = try list(entry["targets"], at: at + "/targets").enumerated().map { index, target in
            let parsed = try self.target(target, at: "\(at)/targets/\(index)")
            guard ids.insert(parsed["Id"]?.stringValue ?? "").inserted else {
                throw error("\(at)/targets/\(index)/id", "'\(parsed["Id"]?.stringValue ?? "")' is used twice in this rule")
            }
            return parsed
        }
        return EventResources.RuleDeclaration(definition: fields, targets: targets)
    }

    package func target(_ entry: JSONValue, at: String) throws -> JSONValue {
        try checkKeys(
            entry,
            ["id", "queue", "stateMachine", "bus", "function", "arn", "input", "inputPath", "inputTransformer", "retryPolicy", "deadLetterQueue", "messageGroupId"],
            at: at
        )
        var target: JSONObject = ["Id": .string(try string(entry, "id", at: at))]
        let kinds = ["queue", "stateMachine", "bus", "function", "arn"].filter { entry[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first else {
            throw error(at, "needs exactly one of queue, stateMachine, bus, function and arn, got \(kinds.isEmpty ? "none" : kinds.joined(separator: ", "))")
        }
        let name = try string(entry, kind, at: at)
        switch kind {
        case "queue": target["Arn"] = .string(queueArn(name))
        case "stateMachine": target["Arn"] = .string(name.hasPrefix("arn:") ? name : "arn:aws:states:\(region):\(account):stateMachine:\(name)")
        case "function": target["Arn"] = .string(name.hasPrefix("arn:") ? name : "arn:aws:lambda:\(region):\(account):function:\(name)")
        case "bus": target["Arn"] = .string(name.hasPrefix("arn:") ? name : "arn:aws:events:\(region):\(account):event-bus/\(name)")
        default: target["Arn"] = .string(name)
        }
        let inputs = ["input", "inputPath", "inputTransformer"].filter { entry[$0] != nil }
        guard inputs.count <= 1 else { throw error(at, "may have only one of input, inputPath and inputTransformer, got \(inputs.joined(separator: ", "))") }
        if let input = entry["input"] { target["Input"] = .string(input.stringValue ?? input.serialized) }
        if let path = try optionalString(entry, "inputPath", at: at) { target["InputPath"] = .string(path) }
        if let transformer = entry["inputTransformer"] {
            let tat = at + "/inputTransformer"
            try checkKeys(transformer, ["inputPathsMap", "inputTemplate"], at: tat)
            guard transformer.objectValue != nil else { throw error(tat, "must be a mapping with inputPathsMap and inputTemplate") }
            var object: JSONObject = ["InputTemplate": .string(try string(transformer, "inputTemplate", at: tat))]
            if let paths = transformer["inputPathsMap"] {
                guard let map = paths.objectValue, map.values.allSatisfy({ $0.stringValue != nil }) else {
                    throw error(tat + "/inputPathsMap", "must map names to JSONPath strings")
                }
                object["InputPathsMap"] = .object(map)
            }
            target["InputTransformer"] = .object(object)
        }
        if let retry = entry["retryPolicy"] {
            let rat = at + "/retryPolicy"
            try checkKeys(retry, ["maximumRetryAttempts", "maximumEventAgeInSeconds"], at: rat)
            var object = JSONObject()
            if let attempts = retry["maximumRetryAttempts"] {
                guard let number = attempts.integerValue, (0...185).contains(number) else { throw error(rat + "/maximumRetryAttempts", "must be an integer from 0 to 185") }
                object["MaximumRetryAttempts"] = .integer(number)
            }
            if let age = retry["maximumEventAgeInSeconds"] {
                guard let number = age.integerValue, (60...86_400).contains(number) else { throw error(rat + "/maximumEventAgeInSeconds", "must be an integer from 60 to 86400") }
                object["MaximumEventAgeInSeconds"] = .integer(number)
            }
            target["RetryPolicy"] = .object(object)
        }
        if let dlq = try optionalString(entry, "deadLetterQueue", at: at) { target["DeadLetterConfig"] = ["Arn": .string(queueArn(dlq))] }
        if let group = try optionalString(entry, "messageGroupId", at: at) { target["SqsParameters"] = ["MessageGroupId": .string(group)] }
        return .object(target)
    }

    package func queueArn(_ name: String) -> String { name.hasPrefix("arn:") ? name : "arn:aws:sqs:\(region):\(account):\(name)" }
}
