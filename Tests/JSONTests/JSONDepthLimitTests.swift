import JSON
import Testing

/// The depth bounds outside the parser: what a path may build or walk, and the
/// non-recursive depth check for values built without the parser.
@Suite struct JSONDepthLimitTests {
    /// `[[…[1]…]]`, `depth` arrays deep, built without the parser's limit.
    func nestedArrays(_ depth: Int) -> JSONValue {
        var value: JSONValue = 1
        for _ in 0..<depth { value = .array([value]) }
        return value
    }

    @Test("a path of more segments than the parser's depth limit is refused, so setting it cannot build a value nobody can read back")
    func tooManySegmentsAreRefused() {
        let text = "$" + String(repeating: ".a", count: 100_000)
        #expect {
            try JSONPath(text)
        } throws: { error in
            (error as? JSONPathError)?.reason == .tooManySegments
        }
    }

    @Test("a path of exactly the limit sets a value that serializes and parses back")
    func segmentsUpToTheLimitWork() throws {
        let path = try JSONPath("$" + String(repeating: ".a", count: JSONParser.maximumDepth - 1))
        let document = try path.setting(1, in: .object([:]))
        let text = document.serialized(pretty: false)
        #expect(try JSONParser.parse(text) == document)
        #expect(path.evaluate(document) == 1)
    }

    @Test("nestsDeeper counts levels as the parser does: 512 arrays parse and are not too deep, 513 are")
    func nestsDeeperAgreesWithTheParser() throws {
        let limit = JSONParser.maximumDepth
        let atLimit = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(try !JSONParser.parse(atLimit).nestsDeeper(than: limit))
        #expect(nestedArrays(limit).nestsDeeper(than: limit - 1))
        #expect(!nestedArrays(limit).nestsDeeper(than: limit))
        #expect(nestedArrays(limit + 1).nestsDeeper(than: limit))
        #expect(!JSONValue.string("flat").nestsDeeper(than: 0))
    }

    @Test("nestsDeeper walks a value far deeper than the limit without recursing")
    func nestsDeeperIsIterative() {
        #expect(nestedArrays(3_000).nestsDeeper(than: JSONParser.maximumDepth))
    }
}
