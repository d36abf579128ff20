import JSON

extension FuzzTarget {
    /// Whatever parses must serialize, and the serialization must be a fixed point:
    /// parsing it and writing it again gives the same text, compact and pretty.
    static func json(_ input: FuzzInput) {
        guard let value = try? JSONParser.parse(bytes: input.bytes) else { return }
        for pretty in [false, true] {
            let text = value.serialized(pretty: pretty)
            guard let again = try? JSONParser.parse(text) else {
                preconditionFailure("the serializer wrote JSON its parser refuses: \(text)")
            }
            precondition(again.serialized(pretty: pretty) == text, "serializing is not a fixed point: \(text)")
        }
    }

    /// A path that parses evaluates on any document without trapping, and setting a
    /// value through it either fails with a `JSONPathError` or gives a document.
    static func jsonPath(_ input: FuzzInput) {
        guard let path = try? JSONPath(input.firstText) else { return }
        let document = input.second.flatMap { try? JSONParser.parse(bytes: $0) } ?? .object([:])
        _ = path.evaluate(document)
        _ = path.notFoundMessage(in: document)
        _ = try? path.setting(.string("fuzz"), in: document)
    }
}
