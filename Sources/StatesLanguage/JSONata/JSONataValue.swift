import JSON

/// A value while a JSONata expression runs. Absent values (JSONata's
/// `undefined`) are Swift's `nil`, never a case here.
///
/// Numbers are doubles, as in JavaScript, because JSONata's arithmetic and its
/// `$string` formatting are defined on IEEE doubles. Arrays carry the flags the
/// reference implementation hangs on its arrays: whether the array is a result
/// *sequence* (collapsed to its single item, flattened into paths) or a value
/// built by an array constructor (kept whole inside paths).
indirect enum JSONataValue {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array(JSONataArray)
    case object(JSONataObject)
    case function(JSONataFunction)

    static func sequence(_ items: [JSONataValue] = []) -> JSONataValue {
        .array(JSONataArray(items, isSequence: true))
    }

    static func plainArray(_ items: [JSONataValue]) -> JSONataValue { .array(JSONataArray(items)) }

    var arrayItems: [JSONataValue]? { if case .array(let a) = self { a.items } else { nil } }
    var isArray: Bool { if case .array = self { true } else { false } }
    var isSequence: Bool { if case .array(let a) = self { a.isSequence } else { false } }
    var number: Double? { if case .number(let n) = self { n } else { nil } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var function: JSONataFunction? { if case .function(let f) = self { f } else { nil } }

    /// JSONata's type names, as `$type` returns them.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .function: "function"
        }
    }

    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .integer(let i): self = .number(Double(i))
        case .double(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(JSONataArray(items.map(JSONataValue.init)))
        case .object(let object):
            var result = JSONataObject()
            for (key, value) in object.entries { result[key] = JSONataValue(value) }
            self = .object(result)
        }
    }

    /// The JSON form: integral numbers become integers, functions become `""`
    /// (as JSON.stringify drops them, Step Functions shows nothing useful).
    var json: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return JSONataValue.json(number: n)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.items.map(\.json))
        case .object(let o):
            var object = JSONObject()
            for key in o.keys { object[key] = o[key]!.json }  // `keys` lists exactly the stored keys.
            return .object(object)
        case .function: return .string("")
        }
    }

    /// Whether an infinite or NaN number (from `1/0`) is anywhere inside.
    var containsNonFiniteNumber: Bool {
        switch self {
        case .number(let n): !n.isFinite
        case .array(let a): a.items.contains { $0.containsNonFiniteNumber }
        case .object(let o): o.keys.contains { o[$0]?.containsNonFiniteNumber ?? false }
        default: false
        }
    }

    static func json(number n: Double) -> JSONValue {
        if n == n.rounded(), abs(n) < 9.007_199_254_740_992e15 { return .integer(Int(n)) }
        return .double(n)
    }
}

/// An array with JSONata's bookkeeping flags.
struct JSONataArray {
    var items: [JSONataValue]
    /// A result sequence: a single item stands for itself, and paths flatten it.
    var isSequence: Bool
    /// `[]` was written after the path: keep a one-item result as an array.
    var keepSingleton: Bool = false
    /// Built by an array constructor inside a path: paths do not flatten it.
    var isConstructed: Bool = false
    /// A tuple stream: each item is an object holding the step's value under
    /// `@` and the variables bound along the path (`@$x`, `#$i`, `%` labels).
    var isTupleStream: Bool = false
    /// The whole input document, when it is an array, wrapped so that a path
    /// maps over the document rather than over its items; `$` unwraps it.
    var isOuterWrapper: Bool = false

    init(_ items: [JSONataValue], isSequence: Bool = false) {
        self.items = items
        self.isSequence = isSequence
    }
}

/// An object whose keys keep their insertion order, as JavaScript objects do.
struct JSONataObject {
    private(set) var keys: [String] = []
    private var storage: [String: JSONataValue] = [:]
    /// Tags an object of the document a transform (`| … |`) copied, so that the
    /// objects its location expression selects can be found again in the copy.
    /// Zero for every other object; not part of the value.
    var identity = 0

    subscript(key: String) -> JSONataValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    var count: Int { keys.count }
}

/// Something callable: a lambda with its closure, a built-in, a regex, or a
/// value the evaluator made (partial application, `f ~> g`, a transform).
indirect enum JSONataFunction {
    case lambda(JSONataLambda)
    case builtin(JSONataBuiltin)
    case regex(JSONataRegex)
    /// `f(?, x)` on a built-in: the `.none` entries are the `?` placeholders
    /// that wait for the call's arguments (`.some(nil)` is an undefined argument).
    case partial(JSONataFunction, [JSONataValue??])
    /// `f ~> g` with two functions: `g(f(x))`.
    case composition(JSONataFunction, JSONataFunction)
    /// `| location | update [, delete] |`, evaluated in `environment`.
    case transform(JSONataNode, JSONataEnvironment)

    /// How many arguments the function wants, so higher-order functions pass
    /// only those (`$map(a, function($v){…})` gets no index).
    var arity: Int {
        switch self {
        case .lambda(let lambda): lambda.parameters.count
        // jsonata-js counts a native function's declared parameters before the
        // first default value; `$string`'s `prettify` is the only default.
        case .builtin(let builtin): builtin.name == "string" ? 1 : builtin.maxArguments
        case .regex: 1
        case .partial(_, let arguments): arguments.filter { $0 == nil }.count
        case .composition, .transform: 1
        }
    }
}

/// A lambda value: its definition and what it closed over.
struct JSONataLambda {
    var parameters: [String]
    var signature: JSONataSignature?
    var body: JSONataNode
    var closure: JSONataEnvironment
    /// The context where the lambda was defined: its body's `$`.
    var input: JSONataValue?
    var isThunk = false
}

/// Variables in scope: a frame per block or lambda call, linked to its parent.
/// A class because lambdas capture the frame they were made in, and `:=`
/// later in the same block must be visible to them.
final class JSONataEnvironment {
    private var bindings: [String: JSONataValue?] = [:]
    let parent: JSONataEnvironment?

    init(parent: JSONataEnvironment?) { self.parent = parent }

    func bind(_ name: String, _ value: JSONataValue?) { bindings[name] = .some(value) }

    /// The innermost binding of `name`; `nil` when unbound or bound to nothing.
    func lookup(_ name: String) -> JSONataValue? {
        var frame: JSONataEnvironment? = self
        while let current = frame {
            if let bound = current.bindings[name] { return bound }
            frame = current.parent
        }
        return nil
    }
}
