package import EventLog
import Foundation
public import JSON
package import LMDB
import Logging
package import Messaging
public import Queues
public import Runtime
import Synchronization
public import Topics

/// Event buses, rules and targets run durably on the Engine's log: EventBridge's
/// semantics (from `Messaging`) made records, views and deliveries.
///
/// Every change is a record (``EventsRecordKind``) and every view an
/// ``EventsIndex`` database written in the same transaction. `PutEvents` matches
/// each event against the bus's rules and writes, in the record that accepts the
/// event, the deliveries it causes (``EventDelivery``): an event forwarded to
/// another bus is accepted there in the same transaction, a queue, topic or state
/// machine target is delivered in that transaction too (a state machine by a start
/// command the workflow engine applies once from the log), all exactly once, and
/// HTTP endpoints and local handlers are called at least once with the event id as
/// idempotency key. The commit of an accepted event schedules its other deliveries,
/// whoever wrote it (``scheduleDeliveries(recordedIn:)``). A failed delivery is retried
/// on a durable timer by its target's `RetryPolicy`, and then becomes a
/// ``DeadLetter`` that ``redrive(deliveryId:)`` sends again.
///
/// Open it on an opened ``Engine`` with ``open(engine:)``, and keep ``run()``
/// running beside the engine's.
///
/// ## Topics
/// ### Buses
/// - ``createEventBus(name:description:in:)``
/// - ``describeEventBus(name:)``
/// - ``listEventBuses(namePrefix:in:)``
/// - ``deleteEventBus(name:)``
/// - ``putEvents(_:)``
/// ### Rules and targets
/// - ``putRule(_:)``
/// - ``setRuleState(bus:name:enabled:)``
/// - ``describeRule(bus:name:)``
/// - ``listRules(bus:namePrefix:)``
/// - ``deleteRule(bus:name:)``
/// - ``putTargets(bus:rule:targets:)``
/// - ``removeTargets(bus:rule:ids:)``
/// - ``listTargets(bus:rule:)``
/// ### Deliveries
/// - ``run()``
/// - ``pendingDeliveries()``
/// - ``deadLetters()``
/// - ``redrive(deliveryId:)``
public actor EventBuses {
    /// The bus every account has, which cannot be deleted.
    public static let defaultBusName = "default"
    /// AWS's limits on one `PutEvents` request.
    public static let maximumEntries = 10
    public static let maximumRequestBytes = 256 * 1024
    /// How many buses an event may be forwarded through, so a cycle of bus
    /// targets ends (AWS refuses deeper chains too).
    package static let maximumHops = 5

    /// The log, clock, scheduler and invoker shared with the other services.
    public nonisolated let context: ServiceContext
    /// What starts the executions of state-machine targets (the workflow engine).
    public nonisolated let executions: any ExecutionStarting
    /// The queues that SQS targets and dead-letter queues deliver to, in the
    /// transaction of the record that causes the delivery.
    public nonisolated let queues: QueueService
    /// The topics that SNS targets publish to, in the same way.
    public nonisolated let topics: TopicService
    package nonisolated let index: IndexDatabases
    package nonisolated var log: EventLog { context.log }

    /// Routing state of each bus, loaded from the views at open and changed
    /// only after the record that changes it committed.
    package var routes: [String: BusRoutes] = [:]
    /// Every delivery not yet done: scheduled, attempted, retried, dead-lettered and redriven.
    package nonisolated let deliveries: DeliveryLifecycle<EventDelivery>
    /// The pause between replay steps while ``EventBusClock`` runs; `nil`: it does not, nothing ticks.
    package var clockReplayStep: Duration?

    package struct BusRoutes {
        package var matcher = RuleMatcher()
        package var rules: [String: RuleRoute] = [:]
    }

    package struct RuleRoute {
        package var arn: String
        package var enabled: Bool
        package var pattern: EventPattern?
        package var targets: [String: TargetRoute] = [:]
    }

    package struct TargetRoute {
        package var id: String
        package var arn: String
        package var input: TargetInput
        package var maximumRetryAttempts: Int
        package var maximumEventAgeSeconds: Int
        package var deadLetterArn: String?
        /// `SqsParameters.MessageGroupId`, for FIFO queue targets.
        package var messageGroupId: String?
    }

    /// Opens the buses of `context`'s log: loads rules and targets into matchers,
    /// re-queues every pending delivery (recovery), and creates the `default`
    /// bus the first time.
    ///
    /// `queues` is the ``QueueService`` of the process, so that receivers long-polling
    /// a queue wake up when a rule delivers to it; `executions` starts the executions
    /// of state-machine targets; `topics` are the process's topics, for SNS targets.
    /// - Throws: ``EngineError`` when the views cannot be read or the default bus not written.
    public static func open(
        context: ServiceContext, queues: QueueService, topics: TopicService, executions: any ExecutionStarting
    ) async throws -> EventBuses {
        guard let index = context.log.databases(ofIndex: EventsIndex().name) else {
            throw EngineError(.storage, "The log was opened without the events index; open it with Stepline.open.")
        }
        let buses = EventBuses(context: context, queues: queues, topics: topics, executions: executions, index: index)
        // Before the pending view is read: a delivery committed in between is seen twice
        // (and scheduled once) rather than missed.
        context.log.observeCommits(of: deliveringKinds) { [weak buses] records in buses?.scheduleDeliveries(recordedIn: records) }
        try await buses.load()
        if try buses.storedBus(defaultBusName) == nil {
            _ = try await buses.createEventBus(name: defaultBusName, description: nil)
        }
        return buses
    }

    package init(context: ServiceContext, queues: QueueService, topics: TopicService, executions: any ExecutionStarting, index: IndexDatabases) {
        self.context = context
        self.executions = executions
        self.queues = queues
        self.topics = topics
        self.index = index
        deliveries = DeliveryLifecycle(context: context, key: Self.dueKey, maxConcurrentAttempts: context.maxConcurrentCalls)
        deliveries.connect(self)
    }

    package nonisolated func db(_ which: EventsIndex.DB) -> Database { index[which.rawValue] }
    package nonisolated func now() -> Int64 { context.now() }

    private func load() throws {
        for bus in try values(in: .buses) {
            routes[bus["Name"]?.stringValue ?? ""] = BusRoutes()
        }
        for rule in try values(in: .rules) {
            let bus = rule["EventBusName"]?.stringValue ?? ""
            let name = rule["Name"]?.stringValue ?? ""
            install(rule: rule, bus: bus, name: name)
        }
        for target in try values(in: .targets) {
            let bus = target["EventBusName"]?.stringValue ?? ""
            let rule = target["RuleName"]?.stringValue ?? ""
            if let route = try? Self.targetRoute(target) { routes[bus]?.rules[rule]?.targets[route.id] = route }
        }
        try deliveries.scheduleUnknown { try values(in: .pending).map { try EventDelivery(recordJSON: $0) } }
    }

    package nonisolated func values(in which: EventsIndex.DB, prefix: [UInt8] = []) throws -> [JSONValue] {
        try log.read { try $0.jsonValues(withPrefix: prefix, in: db(which)) }
    }

    package nonisolated func stored(_ key: [UInt8], in which: EventsIndex.DB) throws -> JSONValue? {
        try log.read { try $0.jsonValue(forKey: key, in: db(which)) }
    }

    package nonisolated func storedBus(_ name: String) throws -> JSONValue? { try stored(EventKeys.bus(name), in: .buses) }

    /// Appends JSON records in one transaction and waits for the commit.
    package func append(_ records: [(RecordKind, JSONValue)], about subject: String) async throws {
        let time = now()
        try await log.append(records.map { Self.record($0.0, $0.1, time: time) }, about: subject)
    }

    /// Runs `body` in the writer's transaction (records plus queue sends that
    /// must commit together) and waits for the commit.
    package nonisolated func transact<Result: Sendable>(
        about subject: String,
        _ body: @escaping @Sendable (AppendTransaction) throws -> Result
    ) async throws -> Result {
        try await log.transact(about: subject, passing: { $0 is EngineError || $0 is DeliveryFailure }, body)
    }

    /// An events record stamped with `time` (milliseconds; headers hold microseconds).
    package static func record(_ kind: RecordKind, _ payload: JSONValue, time: Int64) -> Record {
        Record(kind: kind, timestamp: time * 1000, stream: .none, payload: payload.bytes)
    }

    /// The record kinds whose commits change what ``deliveries`` schedules: an accepted
    /// event decides its deliveries; a success in the same commit finishes one that was
    /// delivered in the transaction that accepted the event (a queue, topic or state
    /// machine target).
    static let deliveringKinds: Set<RecordKind> = [EventsRecordKind.eventAccepted, EventsRecordKind.deliverySucceeded]

    /// Schedules the deliveries that committed `records` decided and did not finish,
    /// whoever's transaction wrote them: `PutEvents`, a webhook, a schedule's fire, a
    /// replay, a Task state's `events:putEvents`, a pipe's bus target. Called by the log's
    /// commit observer (``EventLog/EventLog/observeCommits(of:_:)``), so no writer
    /// schedules by hand.
    ///
    /// It runs on the log's writer thread, so it builds only the deliveries left to
    /// schedule: those delivered in the accepting transaction are skipped by their id.
    package nonisolated func scheduleDeliveries(recordedIn records: [CommittedRecord]) {
        var finished: Set<String> = []
        var decided: [EventDelivery] = []
        for record in records where record.header.kind == EventsRecordKind.deliverySucceeded {
            guard let id = try? RecordFields(raw: record.payload[...], what: "delivery success").string("deliveryId") else { continue }
            finished.insert(id)
        }
        // Most accepted events cause no delivery: found out by bytes, as the index does.
        for record in records where record.header.kind == EventsRecordKind.eventAccepted {
            guard EventsIndex.contains(record.payload, EventsIndex.deliveryIdMarker) else { continue }
            do {
                let fields = try RecordFields(raw: record.payload[...], what: "events record at \(record.sequence)")
                for var object in try fields.objects(inArray: "deliveries") {
                    guard let id = object.member("deliveryId")?.stringValue, !finished.contains(id) else { continue }
                    // As the pending view holds it: its history starts with the record that decided it.
                    object.set("log", [.integer(Int(record.sequence.rawValue))])
                    decided.append(try EventDelivery(recordBytes: object.bytes))
                }
            } catch {
                // The index applied this record in its transaction, so it reads; should it not,
                // its deliveries are still in `events.pending` and the next open schedules them.
                context.logger.error(
                    "a committed events record could not be read",
                    metadata: ["sequence": "\(record.sequence.rawValue)", "error": "\(error)"])
            }
        }
        if !decided.isEmpty { deliveries.scheduleUnknown { decided } }
    }

    // MARK: Names and ARNs

    /// The bus `nameOrArn` names (an `EventBusName` may be either) as it is stored: a name
    /// of the default scope is itself, an ARN is its bus in the ARN's scope
    /// (``ResourceScope/storageName(_:defaultScope:)``), and `nil` is the `default` bus of `scope`
    /// (`nil`: the default scope). A plain name is read in `scope`, or, without one, taken
    /// as a storage name already (what the buses pass between themselves).
    public nonisolated func busName(_ nameOrArn: String?, in scope: ResourceScope? = nil) -> String {
        guard let text = nameOrArn, !text.isEmpty else { return storageName(Self.defaultBusName, in: scope) }
        if text.hasPrefix("arn:"), let range = text.range(of: ":event-bus/") {
            return storageName(String(text[range.upperBound...]), in: context.scope(ofArn: text))
        }
        return scope.map { storageName(text, in: $0) } ?? text
    }

    /// The key a resource named `name` of `scope` (`nil`: the default scope) is stored under:
    /// the name itself in the default scope, qualified with the scope in any other. Bus
    /// names, and the names of archives, connections and API destinations, are stored so;
    /// a rule's name needs no qualifier, its bus has one.
    public nonisolated func storageName(_ name: String, in scope: ResourceScope?) -> String {
        (scope ?? context.defaultScope).storageName(name, defaultScope: context.defaultScope)
    }

    /// The scope and the name as AWS shows it of a stored name.
    public nonisolated func scopedName(_ stored: String) -> (scope: ResourceScope, name: String) {
        ResourceScope.parseStorageName(stored, defaultScope: context.defaultScope)
    }

    /// `arn:aws:events:REGION:ACCOUNT:RESOURCE` of `scope` (`nil`: the default scope),
    /// the shape of every EventBridge ARN.
    package nonisolated func arn(_ resource: String, in scope: ResourceScope? = nil) -> String {
        (scope ?? context.defaultScope).arn("events", resource)
    }

    /// `arn:aws:events:REGION:ACCOUNT:TYPE/NAME/UUID`: connections and API destinations get
    /// a new ARN each time their name is created; ``resourceName(_:type:)`` reads `NAME` back.
    /// `stored` is the stored name, whose scope the ARN takes.
    package nonisolated func uniqueArn(_ type: String, _ stored: String) -> String {
        let (scope, name) = scopedName(stored)
        return arn("\(type)/\(name)/\(UUID().uuidString.lowercased())", in: scope)
    }

    /// The ARN of the bus stored as `bus`.
    package nonisolated func busArn(_ bus: String) -> String {
        let (scope, name) = scopedName(bus)
        return arn("event-bus/\(name)", in: scope)
    }

    /// The ARN of rule `name` of the bus stored as `bus`: `rule/NAME` on a default bus, `rule/BUS/NAME` on another.
    package nonisolated func ruleArn(bus: String, name: String) -> String {
        let (scope, busName) = scopedName(bus)
        return busName == Self.defaultBusName ? arn("rule/\(name)", in: scope) : arn("rule/\(busName)/\(name)", in: scope)
    }

    /// Whether the bus stored as `bus` is the `default` bus of its scope.
    package nonisolated func isDefaultBus(_ bus: String) -> Bool { scopedName(bus).name == Self.defaultBusName }

    package nonisolated func requireBus(_ name: String) throws -> JSONValue {
        guard let bus = try storedBus(name) else {
            throw EngineError(.resourceNotFound, "Event bus \(scopedName(name).name) does not exist.")
        }
        return bus
    }

    package static func validateName(_ name: String, member: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
        guard (1...64).contains(name.count), name.allSatisfy({ allowed.contains($0) }) else {
            throw EngineError(
                .validation,
                "1 validation error detected: Value '\(name)' at '\(member)' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"
            )
        }
    }

    // MARK: Buses

    /// Creates a bus in `scope` (`nil`: the default scope) and returns its ARN.
    /// - Throws: ``EngineError`` `ResourceAlreadyExistsException`, `ValidationException`.
    public func createEventBus(name plainName: String, description: String?, in scope: ResourceScope? = nil) async throws -> String {
        try Self.validateName(plainName, member: "name")
        let name = storageName(plainName, in: scope)
        if try storedBus(name) != nil || routes[name] != nil {
            throw EngineError(.resourceAlreadyExists, "Event bus \(plainName) already exists.")
        }
        let arn = busArn(name)
        var record: JSONObject = ["name": .string(name), "arn": .string(arn), "time": .integer(Int(now()))]
        if let description { record["description"] = .string(description) }
        routes[name] = BusRoutes()
        do { try await append([(EventsRecordKind.busCreated, .object(record))], about: arn) } catch {
            routes[name] = nil
            throw error
        }
        return arn
    }

    /// The bus as `DescribeEventBus` answers (`Name`, `Arn`, `Description`, `CreationTime` in ms).
    public nonisolated func describeEventBus(name: String) throws -> JSONValue { try requireBus(busName(name)) }

    /// Every bus of `scope` (`nil`: the default scope) whose name starts with `namePrefix`, by name.
    public nonisolated func listEventBuses(namePrefix: String?, in scope: ResourceScope? = nil) throws -> [JSONValue] {
        // The stored names of a scope share its qualifier, so they are one key range; the
        // default scope's are unqualified, and the other scopes' are left out by their ARN.
        let scope = scope ?? context.defaultScope
        return try values(in: .buses, prefix: EventKeys.text(storageName(namePrefix ?? "", in: scope)))
            .filter { scope.owns($0["Arn"]?.stringValue ?? "") }
    }

    /// Creates the `default` bus of `scope` the first time that scope is used, as every
    /// account has one in every region; the default scope's is made at open.
    public func ensureDefaultBus(in scope: ResourceScope) async throws {
        let name = storageName(Self.defaultBusName, in: scope)
        guard routes[name] == nil, try storedBus(name) == nil else { return }
        _ = try await createEventBus(name: Self.defaultBusName, description: nil, in: scope)
    }

    /// Deletes a bus with its rules and targets; deleting one that does not
    /// exist succeeds, as on AWS, and the default bus cannot be deleted.
    public func deleteEventBus(name: String) async throws {
        let name = busName(name)
        guard !isDefaultBus(name) else {
            throw EngineError(.validation, "Cannot delete event bus default.")
        }
        guard try storedBus(name) != nil else { return }
        try await append(
            [(EventsRecordKind.busDeleted, ["name": .string(name), "time": .integer(Int(now()))])],
            about: busArn(name)
        )
        routes[name] = nil
    }
}
