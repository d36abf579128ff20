public import EventLog
import Runtime

/// The record kinds of event buses, rules, targets and deliveries, with their
/// schema versions.
///
/// They live beside ``EngineRecordKind`` (the numbers 20…39 are reserved for
/// them) and are registered with it, so one log holds workflows and events and
/// `stepline verify` rebuilds ``EventsIndex`` from the same records. Payloads are
/// JSON objects; numbers are frozen once shipped.
public enum EventsRecordKind {
    /// A bus was created: `{name, arn, description?, time}`.
    public static let busCreated = RecordKind(20)
    /// A bus was deleted (with its rules and targets): `{name, time}`.
    public static let busDeleted = RecordKind(21)
    /// A rule was created or changed (including enable and disable): the whole rule.
    public static let rulePut = RecordKind(22)
    /// A rule was deleted: `{bus, name}`.
    public static let ruleDeleted = RecordKind(23)
    /// Targets were added or replaced: `{bus, rule, targets: [target]}`.
    public static let targetsPut = RecordKind(24)
    /// Targets were removed: `{bus, rule, ids}`.
    public static let targetsRemoved = RecordKind(25)
    /// An event was accepted on a bus, with the deliveries its matching rules
    /// cause (``EventDelivery``): routing is decided when the event is appended.
    public static let eventAccepted = RecordKind(26)
    /// A delivery succeeded: `{deliveryId, time}`.
    public static let deliverySucceeded = RecordKind(27)
    /// A delivery attempt failed and another is due: `{deliveryId, attempt, due, error, message}`.
    public static let deliveryRetried = RecordKind(28)
    /// A delivery exhausted its retry policy and became a dead letter:
    /// `{deliveryId, error, message, time}`.
    public static let deliveryDeadLettered = RecordKind(29)
    /// A dead letter was redriven: its delivery is pending again, `{deliveryId, due}`.
    public static let deliveryRedriven = RecordKind(30)
    /// A person retried a delivery waiting for review: it is pending again with
    /// fresh attempts, `{deliveryId, due, time}`.
    public static let reviewRetried = RecordKind(31)
    /// A person resolved a delivery waiting for review: `{deliveryId, reason, time}`.
    public static let reviewResolved = RecordKind(32)
    /// A connection was created or changed: the whole connection, secrets included
    /// (`{connection}`).
    public static let connectionPut = RecordKind(33)
    /// A connection was deleted: `{name, time}`.
    public static let connectionDeleted = RecordKind(34)
    /// An API destination was created or changed: `{destination}`.
    public static let apiDestinationPut = RecordKind(35)
    /// An API destination was deleted: `{name, time}`.
    public static let apiDestinationDeleted = RecordKind(36)

    /// Every kind of this range, for the index's quick filter.
    package static let range = RecordKind(20)...RecordKind(39)

    /// Adds every events kind to `kinds` (`Stepline.recordKinds` calls it).
    public static func register(into kinds: inout RecordKinds) {
        kinds.register(busCreated, name: "events.bus.created", versions: 1...1)
        kinds.register(busDeleted, name: "events.bus.deleted", versions: 1...1)
        kinds.register(rulePut, name: "events.rule.put", versions: 1...1)
        kinds.register(ruleDeleted, name: "events.rule.deleted", versions: 1...1)
        kinds.register(targetsPut, name: "events.targets.put", versions: 1...1)
        kinds.register(targetsRemoved, name: "events.targets.removed", versions: 1...1)
        kinds.register(eventAccepted, name: "events.event.accepted", versions: 1...1)
        kinds.register(deliverySucceeded, name: "events.delivery.succeeded", versions: 1...1)
        kinds.register(deliveryRetried, name: "events.delivery.retried", versions: 1...1)
        kinds.register(deliveryDeadLettered, name: "events.delivery.deadLettered", versions: 1...1)
        kinds.register(deliveryRedriven, name: "events.delivery.redriven", versions: 1...1)
        kinds.register(reviewRetried, name: "events.review.retried", versions: 1...1)
        kinds.register(reviewResolved, name: "events.review.resolved", versions: 1...1)
        kinds.register(connectionPut, name: "events.connection.put", versions: 1...1)
        kinds.register(connectionDeleted, name: "events.connection.deleted", versions: 1...1)
        kinds.register(apiDestinationPut, name: "events.apiDestination.put", versions: 1...1)
        kinds.register(apiDestinationDeleted, name: "events.apiDestination.deleted", versions: 1...1)
    }
}
