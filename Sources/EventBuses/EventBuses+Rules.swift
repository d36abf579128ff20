public import JSON
import Memberwise
package import Messaging
import Runtime

/// What `PutRule` asks for.
@MemberwiseInit(.public)
public struct RuleDefinition: Sendable {
    public var name: String
    /// The bus name or ARN; `nil` means `default`.
    public var eventBusName: String? = nil
    public var eventPattern: String? = nil
    public var scheduleExpression: String? = nil
    /// `ENABLED` (default) or `DISABLED`.
    public var state: String? = nil
    public var description: String? = nil
    public var roleArn: String? = nil
}

/// A target `PutTargets` could not add: AWS reports these per entry.
public struct FailedTargetEntry: Sendable, Hashable {
    public var targetId: String
    public var errorCode: String
    public var errorMessage: String
}

extension EventBuses {
    // MARK: Rules

    /// Creates or replaces a rule and returns its ARN. A rule keeps its targets
    /// when it is replaced.
    /// - Throws: ``EngineError`` `ResourceNotFoundException` (bus),
    ///   `InvalidEventPatternException` with AWS's message, `ValidationException`
    ///   (neither pattern nor schedule; a schedule not on the default bus or not
    ///   valid, with the reason; an empty pattern or schedule counts as absent).
    public func putRule(_ definition: RuleDefinition) async throws -> String {
        // AWS takes an empty pattern or schedule as one not given.
        var definition = definition
        if definition.eventPattern?.isEmpty == true { definition.eventPattern = nil }
        if definition.scheduleExpression?.isEmpty == true { definition.scheduleExpression = nil }
        let bus = busName(definition.eventBusName)
        try Self.validateName(definition.name, member: "name")
        _ = try requireBus(bus)
        let (patternText, pattern) = try Self.patternOrSchedule(definition, onDefaultBus: isDefaultBus(bus))
        let state = definition.state ?? "ENABLED"
        guard ["ENABLED", "DISABLED"].contains(state) else {
            throw EngineError(
                .validation,
                "1 validation error detected: Value '\(state)' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]"
            )
        }
        let arn = ruleArn(bus: bus, name: definition.name)
        var rule: JSONObject = [
            "Name": .string(definition.name), "Arn": .string(arn), "EventBusName": .string(bus),
            "State": .string(state),
        ]
        if let patternText { rule["EventPattern"] = .string(patternText) }
        if let schedule = definition.scheduleExpression { rule["ScheduleExpression"] = .string(schedule) }
        if let description = definition.description { rule["Description"] = .string(description) }
        if let role = definition.roleArn { rule["RoleArn"] = .string(role) }
        try await append([(EventsRecordKind.rulePut, ["rule": .object(rule)])], about: arn)
        install(rule: .object(rule), bus: bus, name: definition.name, pattern: pattern)
        return arn
    }

    /// Updates the in-memory route of a rule after its record committed (or at load).
    package func install(rule: JSONValue, bus: String, name: String, pattern: EventPattern? = nil) {
        let enabled = rule["State"]?.stringValue == "ENABLED"
        let parsed = pattern ?? rule["EventPattern"]?.stringValue.flatMap { try? EventPattern(parsing: $0) }
        var routes = self.routes[bus] ?? BusRoutes()
        var route = routes.rules[name] ?? RuleRoute(arn: rule["Arn"]?.stringValue ?? "", enabled: enabled)
        route.enabled = enabled
        route.pattern = parsed
        routes.rules[name] = route
        routes.matcher.remove(rule: name)
        if enabled, let parsed { routes.matcher.add(rule: name, pattern: parsed) }
        self.routes[bus] = routes
        // A new, changed or re-enabled schedule may fire before the tick now scheduled.
        if enabled, rule["ScheduleExpression"] != nil { armClock(at: now()) }
    }

    /// `EnableRule` and `DisableRule`.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`.
    public func setRuleState(bus: String?, name: String, enabled: Bool) async throws {
        let bus = busName(bus)
        guard case .object(var rule) = try describeRule(bus: bus, name: name) else { return }
        rule["State"] = .string(enabled ? "ENABLED" : "DISABLED")
        try await append([(EventsRecordKind.rulePut, ["rule": .object(rule)])], about: ruleArn(bus: bus, name: name))
        install(rule: .object(rule), bus: bus, name: name)
    }

    /// The rule as `DescribeRule` answers.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`.
    public nonisolated func describeRule(bus: String?, name: String) throws -> JSONValue {
        let bus = busName(bus)
        guard let rule = try stored(EventKeys.rule(bus, name), in: .rules) else {
            throw EngineError(.resourceNotFound, "Rule \(name) does not exist on EventBus \(scopedName(bus).name).")
        }
        return rule
    }

    /// The rules of a bus whose names start with `namePrefix`, by name.
    /// - Throws: ``EngineError`` `ResourceNotFoundException` (bus).
    public nonisolated func listRules(bus: String?, namePrefix: String?) throws -> [JSONValue] {
        let bus = busName(bus)
        _ = try requireBus(bus)
        return try values(in: .rules, prefix: EventKeys.rule(bus, namePrefix ?? ""))
    }

    /// `ListRuleNamesByTarget`: the names of the bus's rules with a target whose `Arn`
    /// is `targetArn`, by name, each once however many of its targets have that ARN.
    /// - Throws: ``EngineError`` `ResourceNotFoundException` (bus).
    public nonisolated func listRuleNames(byTarget targetArn: String, bus: String?) throws -> [String] {
        let bus = busName(bus)
        _ = try requireBus(bus)
        let names = try values(in: .targets, prefix: EventKeys.bus(bus) + [0]).compactMap { target in
            target["Arn"]?.stringValue == targetArn ? target["RuleName"]?.stringValue : nil
        }
        return Array(Set(names)).sorted()
    }

    /// Deletes a rule; refused while it has targets, as AWS does.
    /// - Throws: ``EngineError`` `ValidationException` (targets remain).
    public func deleteRule(bus: String?, name: String) async throws {
        let bus = busName(bus)
        guard try stored(EventKeys.rule(bus, name), in: .rules) != nil else { return }
        if try !listTargets(bus: bus, rule: name).isEmpty {
            throw EngineError(.validation, "Rule can't be deleted since it has targets.")
        }
        try await append(
            [(EventsRecordKind.ruleDeleted, ["bus": .string(bus), "name": .string(name)])],
            about: ruleArn(bus: bus, name: name)
        )
        routes[bus]?.matcher.remove(rule: name)
        routes[bus]?.rules[name] = nil
    }

    /// `TestEventPattern`: whether `event` (a whole envelope, as JSON text) matches `pattern`.
    /// - Throws: ``EngineError`` `ValidationException` (event), `InvalidEventPatternException` (pattern).
    public nonisolated func testEventPattern(event: String, pattern: String) throws -> Bool {
        do { return try TestEventPattern.evaluate(event: event, pattern: pattern) } catch {
            throw EngineError(EngineError.Code(rawValue: error.code.rawValue), error.message)
        }
    }

    // MARK: Targets

    /// Adds or replaces targets of a rule (AWS's `Targets` structures). Targets
    /// that cannot be used are returned, not thrown, as `PutTargets` reports them.
    /// - Throws: ``EngineError`` `ResourceNotFoundException` (rule),
    ///   `ValidationException` (an input setting AWS refuses).
    public func putTargets(bus: String?, rule: String, targets: [JSONValue]) async throws -> [FailedTargetEntry] {
        let bus = busName(bus)
        _ = try describeRule(bus: bus, name: rule)
        var accepted: [JSONValue] = []
        var installed: [TargetRoute] = []
        var failed: [FailedTargetEntry] = []
        for value in targets {
            guard case .object(var target) = value else {
                throw EngineError(.validation, "Each of Targets must be a structure.")
            }
            let id = target["Id"]?.stringValue ?? ""
            let arn = target["Arn"]?.stringValue ?? ""
            if arn.hasPrefix("arn:aws:sqs:"), arn.hasSuffix(".fifo"), target["SqsParameters"]?["MessageGroupId"]?.stringValue == nil {
                throw EngineError(.validation, "Parameter(s) SqsParameters must be specified for target: \(id).")
            }
            if let deadLetterArn = target["DeadLetterConfig"]?["Arn"]?.stringValue, !deadLetterArn.hasPrefix("arn:aws:sqs:") {
                failed.append(
                    FailedTargetEntry(
                        targetId: id,
                        errorCode: "ValidationException",
                        errorMessage: "DeadLetterConfig.Arn must be the ARN of an SQS queue, got \(deadLetterArn)."
                    )
                )
                continue
            }
            target["EventBusName"] = .string(bus)
            target["RuleName"] = .string(rule)
            installed.append(try Self.targetRoute(.object(target)))
            accepted.append(.object(target))
        }
        if !accepted.isEmpty {
            try await append(
                [(EventsRecordKind.targetsPut, ["bus": .string(bus), "rule": .string(rule), "targets": .array(accepted)])],
                about: ruleArn(bus: bus, name: rule)
            )
            for route in installed { routes[bus]?.rules[rule]?.targets[route.id] = route }
        }
        return failed
    }

    /// Removes targets by id (ids that are not there are ignored).
    public func removeTargets(bus: String?, rule: String, ids: [String]) async throws {
        let bus = busName(bus)
        _ = try describeRule(bus: bus, name: rule)
        try await append(
            [
                (
                    EventsRecordKind.targetsRemoved,
                    ["bus": .string(bus), "rule": .string(rule), "ids": .array(ids.map { .string($0) })]
                )
            ],
            about: ruleArn(bus: bus, name: rule)
        )
        for id in ids { routes[bus]?.rules[rule]?.targets[id] = nil }
    }

    /// The targets of a rule, as `ListTargetsByRule` shows them, by id.
    /// - Throws: ``EngineError`` `ResourceNotFoundException` (rule).
    public nonisolated func listTargets(bus: String?, rule: String) throws -> [JSONValue] {
        let bus = busName(bus)
        _ = try describeRule(bus: bus, name: rule)
        return try values(in: .targets, prefix: EventKeys.rule(bus, rule) + [0]).map { value in
            guard case .object(var object) = value else { return value }
            object["EventBusName"] = nil
            object["RuleName"] = nil
            return .object(object)
        }
    }

    /// Reads a target structure into its route, checking its input settings.
    package static func targetRoute(_ target: JSONValue) throws -> TargetRoute {
        let id = target["Id"]?.stringValue ?? ""
        let input: TargetInput
        do {
            var transformer: (inputPathsMap: [(String, String)], inputTemplate: String)?
            if let object = target["InputTransformer"] {
                let paths = object["InputPathsMap"]?.objectValue?.entries.map { ($0.0, $0.1.stringValue ?? "") } ?? []
                transformer = (paths, object["InputTemplate"]?.stringValue ?? "")
            }
            input = try TargetInput(
                targetId: id,
                input: target["Input"]?.stringValue,
                inputPath: target["InputPath"]?.stringValue,
                inputTransformer: transformer
            )
        } catch {
            throw EngineError(EngineError.Code(rawValue: error.code.rawValue), error.message)
        }
        return TargetRoute(
            id: id,
            arn: target["Arn"]?.stringValue ?? "",
            input: input,
            maximumRetryAttempts: target["RetryPolicy"]?["MaximumRetryAttempts"]?.integerValue ?? 185,
            maximumEventAgeSeconds: target["RetryPolicy"]?["MaximumEventAgeInSeconds"]?.integerValue ?? 86_400,
            deadLetterArn: target["DeadLetterConfig"]?["Arn"]?.stringValue,
            messageGroupId: target["SqsParameters"]?["MessageGroupId"]?.stringValue
        )
    }
}
