import JSON

/// An SNS subscription filter policy, compiled to the EventBridge matcher it shares
/// its language with.
///
/// SNS filter policies and EventBridge event patterns are one language (both come
/// from AWS's event-ruler): exact strings and numbers, `prefix`, `suffix`,
/// `anything-but` (values, `prefix`, `suffix`), `numeric`, `exists`,
/// `equals-ignore-case`, `cidr` and `$or`. So a policy is checked for what SNS
/// refuses on top, and then compiled by ``EventPattern``. What SNS refuses besides
/// EventBridge's own errors:
/// - `wildcard` and `exactly`, which SNS does not have;
/// - with scope `MessageAttributes`, nesting: keys are attribute names, values arrays;
/// - more than 5 keys, or more than 150 combinations of values (the product of the
///   array sizes of each `$or` branch, summed), AWS's complexity limits;
/// - numbers outside ±10⁹, SNS's numeric range.
///
/// What a policy is matched against depends on its ``Scope``:
/// `MessageAttributes` sees each `String` attribute as a string, each `Number` as a
/// number and each `String.Array` as its JSON array (any element may match), while
/// `Binary` attributes are invisible; `MessageBody` sees the message parsed as JSON
/// (a body that is not a JSON object matches nothing but `exists: false`).
///
/// ```swift
/// let policy = try FilterPolicy(parsing: #"{"store": ["example_corp"], "price": [{"numeric": [">", 100]}]}"#)
/// policy.matches(attributes: ["store": .string("example_corp"), "price": .number("150")])  // true
/// ```
public struct FilterPolicy: Sendable, Hashable {
    /// Where a policy looks: `FilterPolicyScope`.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        case messageAttributes = "MessageAttributes"
        case messageBody = "MessageBody"
    }

    /// A message attribute as a policy sees it (its `DataType` and value).
    public enum AttributeValue: Sendable, Hashable {
        /// `String` (and custom `String.x` types).
        case string(String)
        /// `Number`, as sent.
        case number(String)
        /// `String.Array`: the JSON text of an array.
        case stringArray(String)
        /// `Binary`: never compared.
        case binary
    }

    /// SNS's limits on a policy.
    public static let maximumKeys = 5
    public static let maximumCombinations = 150
    public static let maximumSize = 256 * 1024
    /// AWS's reason for a policy over ``maximumCombinations``.
    static let tooComplex = "Filter policy is too complex"

    public let text: String
    public let scope: Scope
    let pattern: EventPattern

    /// Checks and compiles a policy.
    /// - Throws: ``TopicError`` `InvalidParameter` with AWS's `Invalid parameter: FilterPolicy: …`
    ///   message, or `FilterPolicyLimitExceeded`-style complexity errors as `InvalidParameter`
    ///   (AWS reports "Filter policy is too complex" that way).
    public init(parsing text: String, scope: Scope = .messageAttributes) throws(TopicError) {
        func invalid(_ reason: String) -> TopicError {
            TopicError(.invalidParameter, "Invalid parameter: FilterPolicy: \(reason)")
        }
        guard text.utf8.count <= Self.maximumSize else { throw invalid("Filter policy is too big") }
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch { throw invalid("failed to parse JSON. \(error)") }
        guard case .object(let object) = json else { throw invalid("Filter policy must be a JSON object") }
        guard !object.keys.isEmpty else { throw invalid("Filter policy must not be empty") }
        let branches: [PolicyChecker.Branch]
        do { branches = try PolicyChecker(scope: scope).check(object) } catch { throw invalid(error.reason) }
        var keys = 0
        var combinations = 0
        for branch in branches {
            keys = max(keys, branch.count)
            combinations += branch.values.reduce(1) { $0 * max($1, 1) }
        }
        guard keys <= Self.maximumKeys else { throw invalid("Filter policy can not have more than \(Self.maximumKeys) keys") }
        guard combinations <= Self.maximumCombinations else { throw invalid(Self.tooComplex) }
        do { pattern = try EventPattern(parsing: text) } catch {
            let reason = error.message.replacingPrefix("Event pattern is not valid. Reason: ")
            throw invalid(reason)
        }
        self.text = text
        self.scope = scope
    }

    /// Whether a message with these attributes passes (scope `MessageAttributes`).
    public func matches(attributes: [String: AttributeValue]) -> Bool {
        pattern.matches(Self.event(attributes: attributes))
    }

    /// Whether a message with this body passes (scope `MessageBody`).
    public func matches(body: String) -> Bool {
        pattern.matches((try? JSONParser.parse(body)) ?? .object([:]))
    }

    /// Whether the message passes, looking where ``scope`` says.
    public func matches(body: String, attributes: [String: AttributeValue]) -> Bool {
        switch scope {
        case .messageAttributes: matches(attributes: attributes)
        case .messageBody: matches(body: body)
        }
    }

    /// The attributes as the JSON object the shared matcher reads.
    static func event(attributes: [String: AttributeValue]) -> JSONValue {
        var object = JSONObject()
        for (name, value) in attributes {
            switch value {
            case .string(let text): object[name] = .string(text)
            case .number(let text):
                if let integer = Int(text) {
                    object[name] = .integer(integer)
                } else if let double = Double(text) {
                    object[name] = .double(double)
                }
            case .stringArray(let text):
                if let array = try? JSONParser.parse(text), case .array = array { object[name] = array }
            case .binary: break
            }
        }
        return .object(object)
    }

    public static func == (lhs: FilterPolicy, rhs: FilterPolicy) -> Bool { lhs.scope == rhs.scope && lhs.pattern == rhs.pattern }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(scope)
        hasher.combine(pattern)
    }
}

/// The SNS-only checks of a policy, counting keys and values per `$or` branch.
struct PolicyChecker {
    /// Why a policy is refused, in AWS's words (after `Invalid parameter: FilterPolicy: `).
    struct Rejection: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    let scope: FilterPolicy.Scope
    static let operators: Set<String> = ["prefix", "suffix", "anything-but", "numeric", "exists", "equals-ignore-case", "cidr"]

    /// Each branch: leaf path → number of values in its array.
    typealias Branch = [String: Int]

    func check(_ object: JSONObject, path: String = "") throws(Rejection) -> [Branch] {
        var branches: [Branch] = [[:]]
        for (key, value) in object.entries {
            let full = path.isEmpty ? key : "\(path).\(key)"
            var alternatives: [Branch] = []
            if key == "$or" {
                guard case .array(let options) = value, options.count >= 2 else {
                    throw Rejection("$or must be an array of at least two filter policies")
                }
                for option in options {
                    guard case .object(let inner) = option else { throw Rejection("$or members must be JSON objects") }
                    alternatives += try check(inner, path: path)
                    guard alternatives.count <= FilterPolicy.maximumCombinations else { throw Rejection(FilterPolicy.tooComplex) }
                }
            } else {
                switch value {
                case .object(let inner):
                    if scope == .messageAttributes {
                        throw Rejection("Filter policy scope MessageAttributes does not support nested filter policy")
                    }
                    alternatives = try check(inner, path: full)
                case .array(let values):
                    for item in values { try checkValue(item) }
                    alternatives = [[full: values.count]]
                default:
                    throw Rejection("Match value must be String, number, true, false, or null")
                }
            }
            // Every branch counts at least one combination, so more branches than
            // combinations allowed is already "too complex": refusing here keeps nested
            // `$or`s from multiplying into millions of branches before the count.
            guard branches.count * alternatives.count <= FilterPolicy.maximumCombinations else {
                throw Rejection(FilterPolicy.tooComplex)
            }
            branches = branches.flatMap { branch in
                alternatives.map { alternative in branch.merging(alternative) { $0 * $1 } }
            }
        }
        return branches
    }

    func checkValue(_ value: JSONValue) throws(Rejection) {
        let outOfRange = Rejection("Numeric match value must be between -1000000000 and 1000000000")
        switch value {
        case .object(let expression):
            guard let operation = expression.keys.first, expression.keys.count == 1 else {
                throw Rejection("Only one key allowed in match expression")
            }
            guard Self.operators.contains(operation) else { throw Rejection("Unrecognized match type \(operation)") }
            if operation == "numeric", case .array(let bounds) = expression[operation] {
                for bound in bounds {
                    if let number = bound.doubleValue, abs(number) > 1_000_000_000 { throw outOfRange }
                }
            }
        case .double(let number) where abs(number) > 1_000_000_000: throw outOfRange
        case .integer(let number) where abs(number) > 1_000_000_000: throw outOfRange
        case .array: throw Rejection("Match value must be String, number, true, false, or null")
        default: break
        }
    }
}

extension String {
    func replacingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
