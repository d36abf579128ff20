/// A parser under fuzzing: its name (the `tools/fuzz` argument and the folder of its
/// corpus, `Tests/Fuzz/corpus/<name>/`) and the body libFuzzer calls with each input.
///
/// A body returns normally for every input, valid or not; it traps (a crash libFuzzer
/// keeps) only when the code under test crashes or breaks a property the body checks,
/// such as "what the serializer writes parses back to the same value". Traps are the
/// point here, so the bodies use `precondition` where product code would throw.
///
/// Inputs with two parts (an expression and the document it runs on) separate them
/// with the first NUL byte; see ``FuzzInput``.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `JSONParser` and the serializer: parse, write, parse again.
    case json
    /// `JSONPath` parsing and evaluation: `path NUL document`.
    case jsonPath = "jsonpath"
    /// `StateMachineDefinition.parse`: the ASL definition parser and validator.
    case asl
    /// `JSONataExpression`: `expression NUL input`, parsed then evaluated.
    case jsonata
    /// The intrinsic function parser and evaluator (`States.Format(…)`): `expression NUL input`.
    case intrinsics
    /// `EventPattern` (and `FilterPolicy`) compiled, then matched: `pattern NUL event`.
    case eventPattern = "event-pattern"
    /// `QueryParameters(formEncoded:)`, the SNS query-protocol body, read as SNS reads it.
    case snsQuery = "sns-query"
    /// SigV4 header parsing (`Authorization`, `X-Amz-Date`) and verification of a request.
    case sigV4 = "sigv4"

    /// Runs one input through the target.
    public func run(_ input: [UInt8]) {
        let input = FuzzInput(input)
        switch self {
        case .json: Self.json(input)
        case .jsonPath: Self.jsonPath(input)
        case .asl: Self.asl(input)
        case .jsonata: Self.jsonata(input)
        case .intrinsics: Self.intrinsics(input)
        case .eventPattern: Self.eventPattern(input)
        case .snsQuery: Self.snsQuery(input)
        case .sigV4: Self.sigV4(input)
        }
    }
}
