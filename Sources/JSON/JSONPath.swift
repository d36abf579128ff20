/// A JSONPath as Step Functions evaluates it (Jayway JsonPath semantics).
///
/// Parse once, when a definition is loaded, then evaluate many times:
///
/// ```swift
/// let path = try JSONPath("$.orders[?(@.total > 100)].id")
/// let ids = path.evaluate(input)            // .array of matches, maybe empty
/// let first = try JSONPath("$.orders[0]").evaluate(input)   // the value, or nil
/// ```
///
/// The ``root`` says which document the path reads: `$` the state input, `$$` the
/// context object, `$name` the ASL variable `name`. ``evaluate(_:)`` takes that
/// document; choosing it is the caller's job, because only the interpreter knows the
/// context object and the variables in scope.
///
/// What a path returns follows Jayway, which AWS uses:
/// - A *definite* path (``isDefinite``: member names, single indexes, and a
///   multi-name union `['a','b']` as its last segment) selects at most one value.
///   ``evaluate(_:)`` returns it, or `nil` when anything along the way is missing
///   or of the wrong type (AWS then fails with `States.Runtime`).
/// - Any other path returns an `.array` of every match, in document order, and
///   never `nil`: a missing member or a non-array under a slice just contributes
///   nothing, so `$.items[*]` on `{}` is `[]` (AWS's recorded behaviour).
/// - A union of names as the last segment, `$['a','b']`, returns an *object* with
///   those of the names that are present (Jayway's "multi-property" read).
///
/// Equality compares the path text, which determines everything else.
///
/// ## Topics
/// - ``Segment``
/// - ``Filter``
/// - ``JSONPathError``
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// The document a path reads.
    public enum Root: Sendable, Hashable {
        /// `$`: the state input (or whatever document the caller evaluates against).
        case input
        /// `$$`: the context object.
        case context
        /// `$name`: the ASL variable `name` (JSONPath states' `Assign` variables).
        case variable(String)
    }

    /// One step of a path, applied to every value the steps before it selected.
    public enum Segment: Sendable, Hashable {
        /// `.name` or `['name']`: the member of an object.
        case member(String)
        /// `['a','b']`: several members. As the last segment it yields one object
        /// holding the members that exist; elsewhere it iterates them.
        case members([String])
        /// `[2]` or `[-1]`: one array element; negative counts from the end.
        case index(Int)
        /// `[0,2]`: several array elements, in the order listed.
        case indexes([Int])
        /// `[start:end:step]`: array elements from `start` up to, not including,
        /// `end`. Negative bounds count from the end; omitted ones mean the ends.
        case slice(start: Int?, end: Int?, step: Int)
        /// `.*` or `[*]`: every element of an array, every member value of an object.
        case wildcard
        /// `..`: the value and all its descendants, in document order; the next
        /// segment is applied to each (`$..price`, `$..[0]`, `$..*`).
        case recursiveDescent
        /// `[?(expression)]`: the elements of an array (or an object itself) for
        /// which the expression holds.
        case filter(Filter)
    }

    /// Which document the path reads.
    public let root: Root
    /// The steps after the root, in order.
    public let segments: [Segment]
    /// The original text.
    public let text: String
    /// For each segment, the UTF-8 offset in ``text`` where it starts (error messages).
    let segmentOffsets: [Int]

    /// Parses `text`.
    ///
    /// - Throws: ``JSONPathError`` naming what is wrong and the character where
    ///   parsing stopped.
    public init(_ text: String) throws(JSONPathError) {
        var parser = JSONPathParser(text: text)
        let parsed = try parser.parsePath()
        self.root = parsed.root
        self.segments = parsed.segments
        self.segmentOffsets = parsed.offsets
        self.text = text
        self.isDefinite = Self.isDefinite(parsed.segments)
    }

    public var description: String { text }

    public static func == (lhs: JSONPath, rhs: JSONPath) -> Bool { lhs.text == rhs.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Whether the path selects at most one value, so ``evaluate(_:)`` returns that
    /// value rather than a list. As in Jayway, a name union as the last segment is
    /// definite (it builds one object).
    public let isDefinite: Bool

    private static func isDefinite(_ segments: [Segment]) -> Bool {
        for (position, segment) in segments.enumerated() {
            switch segment {
            case .member, .index: continue
            case .members: if position != segments.count - 1 { return false }
            default: return false
            }
        }
        return true
    }

    /// Whether this is an ASL *Reference Path*: only member names and single
    /// indexes, the form `ResultPath` and the `*Path` comparison fields require.
    public var isReferencePath: Bool { segments.allSatisfy(\.isSingular) }

    /// Applies the path to `document`, the value its ``root`` denotes.
    ///
    /// - Returns: for a definite path, the selected value or `nil` when it does not
    ///   exist; otherwise an `.array` of all matches (possibly empty).
    public func evaluate(_ document: JSONValue) -> JSONValue? {
        if isDefinite { return Self.evaluateDefinite(segments, in: document) }
        var matches: [JSONValue] = []
        Self.select(segments[...], from: document, root: document, into: &matches)
        return .array(matches)
    }

    /// Follows definite segments without building a match list: the common case
    /// (`$.detail.id`) allocates nothing.
    static func evaluateDefinite(_ segments: [Segment], in document: JSONValue) -> JSONValue? {
        var current = document
        for segment in segments {
            switch segment {
            case .member(let name):
                guard case .object(let object) = current, let value = object[name] else { return nil }
                current = value
            case .index(let index):
                guard case .array(let array) = current, let position = resolve(index, count: array.count) else {
                    return nil
                }
                current = array[position]
            case .members(let names):
                guard case .object(let object) = current else { return nil }
                current = .object(merge(names, of: object))
            default:
                preconditionFailure("evaluateDefinite called with an indefinite segment \(segment)")
            }
        }
        return current
    }

    /// Appends to `matches` every value `segments` selects from `value`.
    /// `root` is the whole document, which `$` inside a filter refers to.
    static func select(
        _ segments: ArraySlice<Segment>,
        from value: JSONValue,
        root: JSONValue,
        into matches: inout [JSONValue]
    ) {
        guard let segment = segments.first else {
            matches.append(value)
            return
        }
        let rest = segments.dropFirst()
        switch segment {
        case .member(let name):
            if case .object(let object) = value, let child = object[name] {
                select(rest, from: child, root: root, into: &matches)
            }
        case .members(let names):
            guard case .object(let object) = value else { return }
            if rest.isEmpty {
                matches.append(.object(merge(names, of: object)))
            } else {
                for name in names {
                    if let child = object[name] { select(rest, from: child, root: root, into: &matches) }
                }
            }
        case .index(let index):
            if case .array(let array) = value, let position = resolve(index, count: array.count) {
                select(rest, from: array[position], root: root, into: &matches)
            }
        case .indexes(let indexes):
            guard case .array(let array) = value else { return }
            for index in indexes {
                if let position = resolve(index, count: array.count) {
                    select(rest, from: array[position], root: root, into: &matches)
                }
            }
        case .slice(let start, let end, let step):
            guard case .array(let array) = value else { return }
            for position in sliceRange(start: start, end: end, step: step, count: array.count) {
                select(rest, from: array[position], root: root, into: &matches)
            }
        case .wildcard:
            for child in value.children { select(rest, from: child, root: root, into: &matches) }
        case .recursiveDescent:
            descend(rest, from: value, root: root, into: &matches)
        case .filter(let filter):
            switch value {
            case .array(let array):
                for element in array where filter.holds(for: element, root: root) {
                    select(rest, from: element, root: root, into: &matches)
                }
            case .object:
                // Jayway tests an object itself, so `$.book[?(@.price)]` works on a lone object too.
                if filter.holds(for: value, root: root) { select(rest, from: value, root: root, into: &matches) }
            default: break
            }
        }
    }

    /// `..`: applies `rest` to `value` and then to each descendant, depth first,
    /// parents before children, as Jayway's scan does.
    private static func descend(
        _ rest: ArraySlice<Segment>,
        from value: JSONValue,
        root: JSONValue,
        into matches: inout [JSONValue]
    ) {
        if case .filter(let filter) = rest.first {
            // Jayway's scan offers each object (never an array) to the filter as `@`;
            // applying the filter segment to arrays too would report elements twice.
            if case .object = value, filter.holds(for: value, root: root) {
                select(rest.dropFirst(), from: value, root: root, into: &matches)
            }
        } else {
            select(rest, from: value, root: root, into: &matches)
        }
        for child in value.children { descend(rest, from: child, root: root, into: &matches) }
    }

    /// The members of `object` named in `names` that exist, in the order named.
    private static func merge(_ names: [String], of object: JSONObject) -> JSONObject {
        var merged = JSONObject()
        for name in names {
            if let value = object[name] { merged[name] = value }
        }
        return merged
    }

    /// The array position `index` denotes (negative counts from the end), if in range.
    static func resolve(_ index: Int, count: Int) -> Int? {
        let position = index < 0 ? count + index : index
        return position >= 0 && position < count ? position : nil
    }

    /// Python-style slice bounds (Jayway agrees for every form it accepts):
    /// negative bounds count from the end, then both are clamped to the array.
    static func sliceRange(start: Int?, end: Int?, step: Int, count: Int) -> StrideTo<Int> {
        func clamp(_ bound: Int) -> Int { bound < 0 ? max(0, count + bound) : min(bound, count) }
        let lower = start.map(clamp) ?? 0
        let upper = end.map(clamp) ?? count
        return stride(from: lower, to: max(lower, upper), by: step)
    }
}

extension JSONPath.Segment {
    /// A name or a single index: selects at most one value from one value.
    var isSingular: Bool {
        switch self {
        case .member, .index: true
        default: false
        }
    }
}

extension JSONValue {
    /// The elements of an array or the member values of an object; empty otherwise.
    fileprivate var children: [JSONValue] {
        switch self {
        case .array(let array): array
        case .object(let object): object.values
        default: []
        }
    }
}

extension JSONPath {
    /// The path in Jayway's normalized form, which AWS quotes in its errors
    /// ("Invalid path '$.a' : No results for path: $['a']"): names as `['name']`,
    /// indexes as `[0]`, wildcards as `[*]`, descent as `..`, filters as `[?]`.
    public var normalizedText: String { normalizedText(segmentCount: segments.count) }

    /// Jayway's form of the root and the first `segmentCount` segments.
    private func normalizedText(segmentCount: Int) -> String {
        var text: String
        switch root {
        case .input: text = "$"
        case .context: text = "$$"
        case .variable(let name): text = "$" + name
        }
        for segment in segments.prefix(segmentCount) {
            switch segment {
            case .member(let name): text += "['\(name)']"
            case .members(let names): text += "[" + names.map { "'\($0)'" }.joined(separator: ",") + "]"
            case .index(let index): text += "[\(index)]"
            case .indexes(let indexes): text += "[" + indexes.map(String.init).joined(separator: ",") + "]"
            case .slice(let start, let end, let step):
                text += "[\(start.map(String.init) ?? ""):\(end.map(String.init) ?? "")"
                text += step == 1 ? "]" : ":\(step)]"
            case .wildcard: text += "[*]"
            case .recursiveDescent: text += ".."
            case .filter: text += "[?]"
            }
        }
        return text
    }

    /// Why a definite path selects nothing in `document`, in the words of
    /// Jayway's `PathNotFoundException`, which AWS quotes after
    /// "Invalid path '…' : ": `Missing property in path $['a']` when a member
    /// before the last is absent, otherwise `No results for path: $['a']['b']`.
    /// `nil` when the path selects a value or is not definite.
    ///
    /// Jayway words a wrong type on the way (a name applied to a string) with
    /// Java class names; this says "No results" there too.
    public func notFoundMessage(in document: JSONValue) -> String? {
        guard isDefinite, evaluate(document) == nil else { return nil }
        var current = document
        for (position, segment) in segments.enumerated() {
            guard case .member(let name) = segment, case .object(let object) = current else {
                guard case .index(let index) = segment, case .array(let array) = current,
                    let element = Self.resolve(index, count: array.count)
                else { break }
                current = array[element]
                continue
            }
            guard let child = object[name] else {
                if position < segments.count - 1 {
                    return "Missing property in path \(normalizedText(segmentCount: position + 1))"
                }
                break
            }
            current = child
        }
        return "No results for path: \(normalizedText)"
    }
}
