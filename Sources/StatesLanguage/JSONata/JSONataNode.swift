/// A node of a JSONata syntax tree.
///
/// The parser first builds the tree as written (`a.b` is a `.step`, `a[b]` a
/// `.predicate`), then ``JSONataParser`` reshapes it the way the reference
/// implementation's `processAST` does: `.`-chains become `.path`s of steps,
/// predicates become a step's stages, `@`/`#` become focus and index
/// annotations on steps, and each `%` is linked to the step whose context it
/// names. That last linking is why nodes are a class: resolving an ancestor
/// annotates a step found by walking *back* through a path that is already
/// built, exactly as jsonata-js mutates its AST objects.
///
/// The tree is immutable once parsing returns.
final class JSONataNode {
    indirect enum Kind {
        case string(String)
        case number(Double)
        /// `true`, `false` or `null`.
        case value(JSONataValue)
        case name(String)
        /// `$name`; `$` alone is the context (empty name), `$$` the root (`"$"`).
        case variable(String)
        case wildcard
        case descendants
        case regex(JSONataRegex)
        /// `?` as an argument: a partial application's placeholder.
        case placeholder
        /// `%`; the slot is assigned while the tree is reshaped.
        case parent(JSONataAncestorSlot?)
        case binary(String, JSONataNode, JSONataNode)
        case negate(JSONataNode)
        case array([JSONataNode])
        case object([(JSONataNode, JSONataNode)])
        case condition(JSONataNode, JSONataNode, JSONataNode?)
        /// `a ?? b`: `a` unless it is undefined.
        case coalesce(JSONataNode, JSONataNode)
        /// `a ?: b`: `a` unless it is falsy.
        case elvis(JSONataNode, JSONataNode)
        case bind(String, JSONataNode)
        case block([JSONataNode])
        case call(JSONataNode, [JSONataNode])
        /// A call with at least one `?` argument.
        case partial(JSONataNode, [JSONataNode])
        case lambda(JSONataLambdaDefinition)
        /// `a ~> f`
        case apply(JSONataNode, JSONataNode)
        /// `| location | update [, delete] |`
        case transform(JSONataNode, JSONataNode, JSONataNode?)

        // As written, before reshaping.
        case step(JSONataNode, JSONataNode)
        case predicate(JSONataNode, JSONataNode)
        case focusBinding(JSONataNode, String)
        case indexBinding(JSONataNode, String)
        case groupBy(JSONataNode, [(JSONataNode, JSONataNode)])
        case orderBy(JSONataNode, [(JSONataNode, descending: Bool)])

        // After reshaping.
        case path([JSONataNode])
        case sort([(JSONataNode, descending: Bool)])
    }

    var kind: Kind
    /// The offset in the expression of the token this node was made from.
    let position: Int

    /// `[]` followed this expression: a singleton result stays an array.
    var keepArray = false
    /// Predicates on an expression that is not a path step.
    var predicates: [JSONataNode]?
    /// A path step's filters and `#` index bindings, in written order.
    var stages: [JSONataStage]?
    /// `expr{…}`: grouping applied to this expression's result.
    var group: JSONataGroup?
    /// `@$name`: the step binds each item to `$name` and keeps the context.
    var focus: String?
    /// `#$name`: the step binds each item's position to `$name`.
    var index: String?
    /// The step runs as a tuple stream, carrying variable bindings per item.
    var tuple = false
    /// A `%` refers to this step's input: bind it under the slot's label.
    var ancestor: JSONataAncestorSlot?
    /// An array constructor as the first or last step of a path: kept whole.
    var consarray = false
    /// On a path: a `[]` appeared in it.
    var keepSingletonArray = false
    /// `%` slots inside this expression that still look for their step.
    var seekingParent: [JSONataAncestorSlot]?

    init(_ kind: Kind, at position: Int) {
        self.kind = kind
        self.position = position
    }

    var isPath: Bool { if case .path = kind { true } else { false } }
}

/// One stage of a path step, applied to the step's results in order.
enum JSONataStage {
    case filter(JSONataNode)
    case index(String)
}

/// The `{key: value}` pairs of a grouping.
struct JSONataGroup {
    var pairs: [(JSONataNode, JSONataNode)]
    var position: Int
}

/// `function($a, $b)<sig> { body }`.
struct JSONataLambdaDefinition {
    var parameters: [String]
    var signature: JSONataSignature?
    var body: JSONataNode
    /// A tail call wrapped for the trampoline in `apply`, so that tail
    /// recursion runs in constant stack.
    var isThunk = false
}

/// Where a `%` finds its value: the label it is bound under in a tuple
/// stream, and how many steps up it still has to climb while the tree is
/// reshaped. A class, because a step that is already an ancestor for another
/// `%` makes this slot share that label after the fact.
final class JSONataAncestorSlot {
    var label: String
    var level: Int

    init(label: String, level: Int) {
        self.label = label
        self.level = level
    }
}
