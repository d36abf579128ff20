import JSON
import Testing

/// `JSONNesting`: the depth of JSON text from its bytes, without parsing.
@Suite struct JSONNestingTests {
    @Test(
        "counts arrays and objects, not brackets inside strings or escaped quotes",
        arguments: [
            ("1", 0), ("[]", 1), (#"{"a":[{"b":[]}]}"#, 4), (#"["[[[", "\"{{"]"#, 1), ("[1][[2]]", 2),
        ]
    )
    func depth(text: String, expected: Int) {
        #expect(JSONNesting.depth(of: Array(text.utf8)) == expected)
    }

    @Test("a slice, a string's UTF-8 and bytes that are not contiguous measure as the same bytes in an array")
    func depthOfEveryKindOfCollection() {
        let text = #"{"a":[{"b":["]]]"]}],"c":{}}"#
        let bytes = Array(text.utf8)
        #expect(JSONNesting.depth(of: bytes) == 4)
        #expect(JSONNesting.depth(of: text.utf8) == 4)
        #expect(JSONNesting.depth(of: ([0, 0, 0, 0] + bytes).dropFirst(4)) == 4)
        #expect(JSONNesting.depth(of: bytes.lazy.map { $0 }) == 4)
        #expect(bytes.withUnsafeBufferPointer { JSONNesting.depth(in: $0) } == 4)
    }

    @Test("text nested as deep as the parser allows is readable, one level more is not")
    func readable() throws {
        #expect(JSONNesting.isReadable(depth: JSONParser.maximumDepth))
        #expect(!JSONNesting.isReadable(depth: JSONParser.maximumDepth + 1))
        let deepest = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(JSONNesting.depth(of: Array(deepest.utf8)) == JSONParser.maximumDepth)
        _ = try JSONParser.parse(deepest)
    }
}
