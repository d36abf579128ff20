public import JSON

/// The eight state types of the States Language.
public enum StateType: String, Sendable, Hashable, CaseIterable {
    case pass = "Pass"
    case task = "Task"
    case choice = "Choice"
    case wait = "Wait"
    case succeed = "Succeed"
    case fail = "Fail"
    case parallel = "Parallel"
    case map = "Map"
}

/// Where control goes after a state: a named state, or the end of its scope.
public enum Transition: Sendable, Hashable {
    case next(String)
    case end
}

/// One state of a ``StateScope``, with its common fields parsed and its
/// type-specific fields in ``kind``.
///
/// Fields that a state type does not allow are rejected by the parser, so the
/// interpreter can read them without rechecking the type.
///
/// A class, because the core looks the current state up on every step and a
/// struct of this size would be copied (a retain per field) each time.
///
/// `@unchecked Sendable`: the setters are internal and only the parser uses them,
/// while it builds the state and before the enclosing definition is returned;
/// from then on nothing mutates a `State`, so sharing it across threads is safe.
public final class State: @unchecked Sendable {
    public internal(set) var name: String
    public internal(set) var type: StateType
    public internal(set) var comment: String?
    /// The effective language of this state (its own field or the top-level default).
    public internal(set) var queryLanguage: QueryLanguage
    public internal(set) var inputPath: PathSelection
    public internal(set) var outputPath: PathSelection
    /// `Parameters` (Task, Pass, Map, Parallel) — for Map, `ItemSelector` lives in ``MapState``.
    public internal(set) var parameters: PayloadTemplate?
    public internal(set) var resultSelector: PayloadTemplate?
    public internal(set) var resultPath: ResultPathSelection
    public internal(set) var assign: PayloadTemplate?
    /// `Next`/`End`; `nil` for Choice, Succeed and Fail, which have neither.
    public internal(set) var transition: Transition?
    public internal(set) var retry: [Retrier]
    public internal(set) var catchers: [Catcher]
    public internal(set) var kind: Kind
    /// The compiled `{% … %}` fields when ``queryLanguage`` is JSONata.
    public internal(set) var jsonata = JSONataFields()
    /// The JSON pointer of this state (`/States/Transcode`).
    public internal(set) var location: String

    init(name: String, type: StateType, comment: String?, queryLanguage: QueryLanguage, location: String) {
        self.name = name
        self.type = type
        self.comment = comment
        self.queryLanguage = queryLanguage
        self.inputPath = .whole
        self.outputPath = .whole
        self.resultPath = .replace
        self.retry = []
        self.catchers = []
        self.kind = .succeed
        self.location = location
    }

    /// Whether running this state can read `$$` or variables (a path other than
    /// `$`, a payload template, a path-valued field). States that cannot skip
    /// building a ``Scope`` on the hot path.
    var readsScope: Bool {
        if queryLanguage == .jsonPath, case .whole = inputPath, case .whole = outputPath, parameters == nil,
            resultSelector == nil, assign == nil
        {
            switch kind {
            case .pass, .succeed: return false
            default: return true
            }
        }
        return true
    }

    /// The fields only one state type has.
    public enum Kind: Sendable {
        case pass(result: JSONValue?)
        case task(TaskState)
        case choice(ChoiceState)
        case wait(WaitState)
        case succeed
        case fail(FailState)
        case parallel(ParallelState)
        case map(MapState)
    }
}

/// `InputPath` / `OutputPath`: the whole document (`$`, the default), a path, or
/// `null`, which selects an empty object.
public enum PathSelection: Sendable {
    case whole
    case path(StatesPath)
    case empty
}

/// `ResultPath`: replace the input with the result (`$`, the default), discard
/// the result (`null`), or put the result at a reference path in the input.
public enum ResultPathSelection: Sendable {
    case replace
    case discard
    case path(StatesPath)
}

/// A value taken at run time either by a path or by an intrinsic function call,
/// as `ErrorPath`, `CausePath` and `.$` fields allow.
public enum DynamicValue: Sendable {
    case path(StatesPath)
    case intrinsic(IntrinsicExpression, text: String)

    public var text: String {
        switch self {
        case .path(let path): path.text
        case .intrinsic(_, let text): text
        }
    }
}

/// The fields of a `Task` state.
public struct TaskState: Sendable {
    public var resource: String
    public var timeoutSeconds: Int?
    public var timeoutSecondsPath: StatesPath?
    public var heartbeatSeconds: Int?
    public var heartbeatSecondsPath: StatesPath?
    /// `Credentials`, passed through to the task handler unevaluated.
    public var credentials: JSONValue?
}

/// The fields of a `Choice` state.
public struct ChoiceState: Sendable {
    public var choices: [ChoiceRule]
    public var defaultNext: String?
    /// Each rule's `Assign`, compiled (parallel to ``choices``).
    public var ruleAssigns: [PayloadTemplate?] = []
}

/// How long a `Wait` state waits.
public enum WaitState: Sendable {
    case seconds(Int)
    case timestamp(Timestamp, text: String)
    case secondsPath(StatesPath)
    case timestampPath(StatesPath)
}

/// The fields of a `Fail` state. Each of error and cause is a constant, a
/// path, an intrinsic, or absent.
public struct FailState: Sendable {
    public var error: String?
    public var cause: String?
    public var errorPath: DynamicValue?
    public var causePath: DynamicValue?
}

/// The fields of a `Parallel` state.
public struct ParallelState: Sendable {
    public var branches: [StateScope]
}

/// The fields of a `Map` state.
public struct MapState: Sendable {
    /// INLINE runs iterations inside this execution; DISTRIBUTED runs them as a
    /// map run whose inner events do not appear in this execution's history.
    public enum Mode: String, Sendable {
        case inline = "INLINE"
        case distributed = "DISTRIBUTED"
    }

    public var processor: StateScope
    public var mode: Mode
    public var itemsPath: PathSelection
    /// `ItemSelector` (or the legacy `Parameters` of a Map with `Iterator`).
    public var itemSelector: PayloadTemplate?
    public var maxConcurrency: Int
    public var maxConcurrencyPath: StatesPath?
    public var toleratedFailurePercentage: Double?
    public var toleratedFailurePercentagePath: StatesPath?
    public var toleratedFailureCount: Int?
    public var toleratedFailureCountPath: StatesPath?
    public var label: String?
    /// `ItemBatcher`: iterations get batches of items instead of single items.
    public var itemBatcher: ItemBatcher?
    /// Whether the state has an `ItemReader` or `ResultWriter` (S3 sources and
    /// sinks), which Stepline does not run yet; such a state fails at run time.
    public var usesS3IO = false
}

/// A Map state's `ItemBatcher`: each iteration's input is
/// `{"BatchInput": …, "Items": [ … ]}`.
public struct ItemBatcher: Sendable {
    public var maxItemsPerBatch: Int?
    public var maxItemsPerBatchPath: StatesPath?
    public var maxInputBytesPerBatch: Int?
    public var batchInput: PayloadTemplate?
}

/// One entry of a state's `Retry` list.
public struct Retrier: Sendable {
    public enum Jitter: String, Sendable {
        case full = "FULL"
        case none = "NONE"
    }
    public var errorEquals: [String]
    public var intervalSeconds: Int
    public var maxAttempts: Int
    public var backoffRate: Double
    public var maxDelaySeconds: Int?
    public var jitter: Jitter
}

/// One entry of a state's `Catch` list.
public struct Catcher: Sendable {
    public var errorEquals: [String]
    public var next: String
    public var resultPath: ResultPathSelection
    public var assign: PayloadTemplate?
}

extension Array where Element == String {
    /// Whether an `ErrorEquals` list matches `error`.
    ///
    /// `States.ALL` matches every error name except the terminal ones AWS keeps
    /// out of its reach (`States.Runtime`, `States.DataLimitExceeded`): those can
    /// only be retried or caught by naming them.
    func matchesError(_ error: String) -> Bool {
        for name in self {
            if name == error { return true }
            if name == StatesError.Name.all, error != StatesError.Name.runtime, error != "States.DataLimitExceeded" {
                return true
            }
        }
        return false
    }
}
