/// Writes the memberwise `init` of a struct (or of a root class or an actor) with the
/// given access level: one parameter per stored property, in declaration order, each
/// assigned to its property.
///
/// Swift synthesizes such an init only as `internal`; a record type whose init is
/// `public` or `package` would otherwise spell every property twice more (parameter
/// and assignment). A property's initial value becomes its parameter's default, and
/// nothing else does: an optional without `= nil` is a required parameter, so a
/// caller that must say "none" still has to. A `let` with a value is left out (it
/// cannot be assigned again), and so are a `private` property with a value and `static`,
/// computed and `lazy` properties. ``MemberwiseDefault(_:)`` gives a `let` a default.
///
/// ```swift
/// @MemberwiseInit(.package)
/// public struct Sent: Sendable {
///     public var messageId: String
///     public var sequenceNumber: String? = nil
/// }
/// // package init(messageId: String, sequenceNumber: String? = nil)
/// ```
///
/// A type whose init does more than assign (derives a value, checks its input,
/// takes an unlabelled parameter) keeps a hand-written one.
@attached(member, names: named(init))
public macro MemberwiseInit(_ access: MemberwiseAccess) =
    #externalMacro(module: "MemberwiseMacros", type: "MemberwiseInitMacro")

/// The default of a property's parameter in the init ``MemberwiseInit(_:)`` writes,
/// for a `let` that must stay settable by the init (a `let` with a value cannot be).
///
/// ```swift
/// @MemberwiseDefault(nil) package let topics: TopicService?
/// // init(…, topics: TopicService? = nil, …)
/// ```
@attached(peer)
public macro MemberwiseDefault(_ value: Any?) =
    #externalMacro(module: "MemberwiseMacros", type: "MemberwiseDefaultMacro")

/// The access level of the init ``MemberwiseInit(_:)`` writes.
public enum MemberwiseAccess: Sendable {
    case `public`
    case `package`
    case `internal`
}
