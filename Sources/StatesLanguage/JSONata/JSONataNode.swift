/// A parsed JSONata expression, already shaped for evaluation the way the
/// reference implementation's `processAST` shapes it: names and `.` chains are
/// paths of steps, and predicates that follow a step are that step's stages.
indirect enum JSONataNode {
    /// A number, string, `true`, `false` or `null`.
    case literal(JSONataValue)
    case name(String)
    /// `$name`; `$` alone is the context (empty name), `$$` the root (`"$"`).
    case variable(String)
    case wildcard
    case descendants
    case regex(JSONataRegex)
    case path(JSONataPath)
    case binary(String, JSONataNode, JSONataNode)
    case negate(JSONataNode)
    /// `[a, b, 1..3]`; `constructed` when it is a step of a path, so the path keeps it whole.
    case array([JSONataNode], constructed: Bool)
    /// `{k: v, …}` on its own, or after an expression (grouping).
    case object(JSONataNode?, [(JSONataNode, JSONataNode)])
    case condition(JSONataNode, JSONataNode, JSONataNode?)
    case bind(String, JSONataNode)
    case block([JSONataNode])
    /// A call; `nil` arguments are `?` placeholders of a partial application.
    case call(JSONataNode, [JSONataNode?])
    case lambda([String], JSONataNode)
    /// `a ~> f`
    case chain(JSONataNode, JSONataNode)
    /// `expr[predicate]` on something that is not a path step.
    case filter(JSONataNode, JSONataNode)
}

/// A `.`-separated path.
struct JSONataPath {
    var steps: [JSONataStep]
    /// `[]` appeared in the path: a single result stays an array.
    var keepSingletonArray = false
}

/// One step of a path, with the predicates written after it.
struct JSONataStep {
    var node: JSONataNode
    var stages: [JSONataNode] = []
    /// `^(…)`: sorts the sequence so far instead of mapping over it.
    var sortTerms: [(JSONataNode, descending: Bool)]? = nil
}
