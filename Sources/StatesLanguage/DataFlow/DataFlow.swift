import JSON

/// What paths can read while one state runs besides `$`: the context object
/// `$$` and the variables in scope. A snapshot, so it holds no reference to the
/// execution's frames while they change.
///
/// Errors thrown by ``DataFlow`` carry AWS's cause text without the "An error occurred
/// while executing the state …" prefix, which the core adds because only it
/// knows the state and its entered event id.
struct Scope {
    /// The frame's own variables, then those of the frames around it, innermost first.
    var variables: JSONObject
    var outerVariables: [JSONObject]
    var startBox: StartBox?
    var startTime: Timestamp
    var stateName: String
    var stateType: StateType
    var enteredTime: Timestamp
    var retryCount: Int
    var mapItem: (index: Int, value: JSONValue)?
    /// `$$.Task.Token` while a callback Task's parameters are evaluated.
    var taskToken: String? = nil

    /// The context object `$$`, built on demand: most states never read it.
    func context() -> JSONValue {
        let start = startBox?.start
        var execution = JSONObject()
        execution["Id"] = .string(start?.executionArn ?? "")
        execution["Input"] = start?.input ?? .null
        execution["StartTime"] = .string(startTime.iso8601)
        execution["Name"] = .string(start?.executionName ?? "")
        execution["RoleArn"] = .string(start?.roleArn ?? "")
        execution["RedriveCount"] = .integer(start?.redriveCount ?? 0)
        var machine = JSONObject()
        machine["Id"] = .string(start?.stateMachineArn ?? "")
        machine["Name"] = .string(start?.stateMachineName ?? "")
        var state = JSONObject()
        state["Name"] = .string(stateName)
        state["EnteredTime"] = .string(enteredTime.iso8601)
        if stateType == .task { state["RetryCount"] = .integer(retryCount) }
        var context = JSONObject()
        context["Execution"] = .object(execution)
        context["StateMachine"] = .object(machine)
        context["State"] = .object(state)
        if let (index, value) = mapItem {
            context["Map"] = ["Item": ["Index": .integer(index), "Value": value]]
        }
        if let taskToken { context["Task"] = ["Token": .string(taskToken)] }
        return .object(context)
    }

    /// The variable `name` from the innermost scope that has it.
    func variable(_ name: String) -> JSONValue? {
        if let value = variables[name] { return value }
        for outer in outerVariables {
            if let value = outer[name] { return value }
        }
        return nil
    }
}

enum DataFlow {
    /// Reads `path` with its root chosen by the path itself; `nil` if absent.
    static func read(_ path: JSONPath, input: JSONValue, scope: Scope) -> JSONValue? {
        switch path.root {
        case .input: return path.evaluate(input)
        case .context: return path.evaluate(scope.context())
        case .variable(let name):
            guard let value = scope.variable(name) else { return nil }
            return path.evaluate(value)
        }
    }

    /// `InputPath`, `OutputPath` and `ItemsPath`: a missing value is
    /// `States.Runtime` with Jayway's "No results for path" wording.
    static func select(_ selection: PathSelection, from input: JSONValue, scope: Scope) throws(StatesError) -> JSONValue {
        switch selection {
        case .whole: return input
        case .empty: return .object(JSONObject())
        case .path(let path):
            guard let value = read(path.jsonPath, input: input, scope: scope) else {
                throw .runtime("Invalid path '\(path.text)' : No results for path: \(jayway(path.jsonPath))")
            }
            return value
        }
    }

    /// `ResultPath`: combines the raw state input with the result.
    static func merge(
        _ result: JSONValue,
        into input: JSONValue,
        at selection: ResultPathSelection
    )
        throws(StatesError) -> JSONValue
    {
        switch selection {
        case .replace: return result
        case .discard: return input
        case .path(let path):
            do {
                return try path.jsonPath.setting(result, in: input)
            } catch {
                throw StatesError(
                    StatesError.Name.resultPathMatchFailure,
                    cause: "Unable to apply ResultPath '\(path.text)' to input '\(input.serialized)'"
                )
            }
        }
    }

    /// Evaluates a payload template (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`).
    static func evaluate(
        _ template: PayloadTemplate,
        input: JSONValue,
        scope: Scope,
        random: inout SplitMix64
    ) throws(StatesError) -> JSONValue {
        switch template {
        case .constant(let value):
            return value
        case .array(let elements):
            var result: [JSONValue] = []
            result.reserveCapacity(elements.count)
            for element in elements { result.append(try evaluate(element, input: input, scope: scope, random: &random)) }
            return .array(result)
        case .object(let members):
            var object = JSONObject()
            for member in members {
                let value: JSONValue
                switch member.value {
                case .template(let nested):
                    value = try evaluate(nested, input: input, scope: scope, random: &random)
                case .dynamic(let dynamic):
                    value = try resolve(dynamic, field: member.fieldName, input: input, scope: scope, random: &random)
                }
                object[member.key] = value
            }
            return .object(object)
        }
    }

    /// A `.$` value, `ErrorPath` or `CausePath`: a path (must exist) or an intrinsic call.
    static func resolve(
        _ dynamic: DynamicValue,
        field: String,
        input: JSONValue,
        scope: Scope,
        random: inout SplitMix64
    ) throws(StatesError) -> JSONValue {
        switch dynamic {
        case .path(let path):
            return try require(path.jsonPath, field: field, input: input, scope: scope)
        case .intrinsic(let expression, _):
            return try expression.evaluate(
                resolve: { (path: JSONPath) throws(StatesError) -> JSONValue in
                    try require(path, field: field, input: input, scope: scope)
                },
                random: &random
            )
        }
    }

    static func require(
        _ path: JSONPath,
        field: String,
        input: JSONValue,
        scope: Scope
    ) throws(StatesError)
        -> JSONValue
    {
        guard let value = read(path, input: input, scope: scope) else {
            throw .runtime(
                "The JSONPath '\(path.text)' specified for the field '\(field)' could not be found in the input '\(input.serialized)'"
            )
        }
        return value
    }

    /// Jayway's normalised form of a path (`$['a']['b'][0]`), which AWS quotes in
    /// "No results for path" causes.
    static func jayway(_ path: JSONPath) -> String {
        var text: String
        switch path.root {
        case .input: text = "$"
        case .context: text = "$$"
        case .variable(let name): text = "$\(name)"
        }
        for segment in path.segments {
            switch segment {
            case .member(let name): text += "['\(name)']"
            case .members(let names): text += "[" + names.map { "'\($0)'" }.joined(separator: ", ") + "]"
            case .index(let index): text += "[\(index)]"
            case .indexes(let indexes): text += "[" + indexes.map(String.init).joined(separator: ",") + "]"
            case .slice(let start, let end, _): text += "[\(start.map(String.init) ?? ""):\(end.map(String.init) ?? "")]"
            case .wildcard: text += "[*]"
            case .recursiveDescent: text += ".."
            case .filter: text += "[?]"
            }
        }
        return text
    }
}

/// A small, fast, seedable generator (SplitMix64) for the randomness a command
/// brings in (`States.UUID`, `States.MathRandom`, retry jitter). Seeded from the
/// command's entropy, so the same command always gives the same events.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
