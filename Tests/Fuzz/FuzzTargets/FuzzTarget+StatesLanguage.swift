import JSON
import StatesLanguage

extension FuzzTarget {
    /// A definition is parsed and validated without trapping; an accepted one has no errors.
    static func asl(_ input: FuzzInput) {
        let result = StateMachineDefinition.parse(input.firstText)
        if result.result == .ok {
            precondition(result.definition != nil, "an OK validation carries no definition")
        }
        _ = result.json.serialized(pretty: false)
    }

    /// An expression that parses is evaluated against the input (`{}` when absent).
    ///
    /// Crashes and hangs found here belong to the JSONata owners: the reproducer goes
    /// into the corpus and the report, not a fix in this target.
    static func jsonata(_ input: FuzzInput) {
        guard let expression = try? JSONataExpression(input.firstText) else { return }
        let document = input.second.flatMap { try? JSONParser.parse(bytes: $0) } ?? .object([:])
        var random = SplitMix64(seed: 1)
        _ = try? expression.evaluate(input: document, now: Timestamp(millisecondsSinceEpoch: 0), random: &random)
    }

    /// An intrinsic call that parses is evaluated with its paths read from the input.
    static func intrinsics(_ input: FuzzInput) {
        let text = input.firstText
        _ = IntrinsicExpression.looksLikeIntrinsic(text)
        guard let expression = try? IntrinsicExpression.parse(text) else { return }
        _ = expression.description
        let document = input.second.flatMap { try? JSONParser.parse(bytes: $0) } ?? .object([:])
        var random = SplitMix64(seed: 1)
        _ = try? expression.evaluate(
            resolve: { (path: JSONPath) throws(StatesError) -> JSONValue in
                guard let value = path.evaluate(document) else { throw StatesError(StatesError.Name.runtime, cause: "no \(path)") }
                return value
            },
            random: &random
        )
    }
}
