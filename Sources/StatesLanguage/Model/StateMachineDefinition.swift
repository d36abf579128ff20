public import JSON

/// Which language a state's fields are written in.
///
/// ASL lets each state choose (`QueryLanguage` at the top level is the default
/// for every state). Stepline interprets JSONPath; a state in JSONata mode fails at
/// run time with a `States.Runtime` error that says so, rather than being
/// misread as JSONPath.
public enum QueryLanguage: String, Sendable, Hashable {
    case jsonPath = "JSONPath"
    case jsonata = "JSONata"
}

/// A parsed, validated Amazon States Language document.
///
/// Build one with ``StateMachineDefinition/parse(_:)`` (JSON text) or
/// ``StateMachineDefinition/parse(json:)`` (an already decoded value, such as a
/// YAML workflow converted by the Engine). Both collect every problem as a
/// ``Diagnostic`` and return a definition only when there is no error.
///
/// ## Topics
/// - ``parse(_:)``
/// - ``parse(json:)``
/// - ``validate(_:)``
/// - ``StateScope``
/// - ``State``
public struct StateMachineDefinition: Sendable {
    /// The top-level `Comment`.
    public var comment: String?
    /// The top-level `States` and `StartAt`.
    public var scope: StateScope
    /// The execution-wide `TimeoutSeconds`, if any.
    public var timeoutSeconds: Int?
    /// The top-level `QueryLanguage` (default JSONPath).
    public var queryLanguage: QueryLanguage
    /// The document as it was given, for DescribeStateMachine-like views.
    public var source: JSONValue

    public var startAt: String { scope.startAt }
}

/// One set of states with its own `StartAt`: the top level of a state machine,
/// a `Parallel` branch, or a `Map` item processor.
///
/// States are stored in document order with a name index, because the core
/// looks states up by name on every transition. A class, so that the frames
/// of a running execution share it instead of copying it.
public final class StateScope: Sendable {
    public let startAt: String
    public let states: [State]
    let indexByName: [String: Int]
    /// The JSON pointer of this scope in the document (`""`, `/States/Fan/Branches/0`).
    public let location: String

    public init(startAt: String, states: [State], location: String) {
        self.startAt = startAt
        self.states = states
        self.location = location
        var index: [String: Int] = [:]
        for (position, state) in states.enumerated() where index[state.name] == nil {
            index[state.name] = position
        }
        self.indexByName = index
    }

    /// The state called `name`, if this scope has one.
    public subscript(name: String) -> State? {
        guard let position = indexByName[name] else { return nil }
        return states[position]
    }

    func position(of name: String) -> Int? { indexByName[name] }
}
