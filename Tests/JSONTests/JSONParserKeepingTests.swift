import JSON
import Testing

/// `JSONParser.parse(bytes:keeping:)`: the members a reader names, the others checked but not built.
@Suite struct JSONParserKeepingTests {
    private static let document =
        #" { "body": "x\"y\u00e9", "n": [1, {"deep": [true, null, -2.5e3]}], "visible": 17, "group": "g", "o": {} } "#

    @Test("keeps exactly the named members, with the values a full parse gives them")
    func keepsNamedMembers() throws {
        let full = try JSONParser.parse(Self.document)
        let kept = try JSONParser.parse(bytes: Array(Self.document.utf8), keeping: ["visible", "group", "n", "absent"])
        #expect(kept.keys == ["n", "visible", "group"])
        #expect(kept["visible"] == full["visible"])
        #expect(kept["group"] == full["group"])
        #expect(kept["n"] == full["n"])
        #expect(try JSONParser.parse(bytes: Array("{}".utf8), keeping: ["a"]).isEmpty)
    }

    @Test("a repeated named key keeps its last value, as a full parse does")
    func repeatedKeyKeepsLastValue() throws {
        let kept = try JSONParser.parse(bytes: Array(#"{"a":1,"b":2,"a":3}"#.utf8), keeping: ["a"])
        #expect(kept["a"] == .integer(3))
    }

    @Test(
        "malformed skipped members fail as a full parse fails",
        arguments: [
            #"{"skip": "a\qb", "k": 1}"#,
            #"{"skip": [1, 2,], "k": 1}"#,
            #"{"skip": {"a" 1}, "k": 1}"#,
            #"{"skip": 01, "k": 1}"#,
            #"{"skip": tru, "k": 1}"#,
            "{\"skip\": \"a\u{1}b\", \"k\": 1}",
            #"{"skip": "abc"#,
            #"{"k": 1} x"#,
        ]
    )
    func malformedSkippedMembersFail(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes: Array(text.utf8), keeping: ["k"]) }
    }

    @Test(
        "escapes in skipped strings are checked as a full parse checks them: same error at the same place",
        arguments: [
            #"{"skip": "\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00 {\"job\": 1}", "k": 1}"#,
            #"{"skip": "a\qb", "k": 1}"#,
            #"{"skip": "a\u12", "k": 1}"#,
            #"{"skip": "a\u12zz", "k": 1}"#,
            #"{"skip": "a\ud800x", "k": 1}"#,
            #"{"skip": "a\ud800\u0041", "k": 1}"#,
            #"{"skip": "a\udc00", "k": 1}"#,
            #"{"skip": "a\"#,
            "{\"skip\": \"a\\n\u{1}b\", \"k\": 1}",
        ]
    )
    func escapesInSkippedStringsAreChecked(text: String) {
        let full = Result { () throws(JSONParseError) in try JSONParser.parse(text) }
        let kept = Result { () throws(JSONParseError) in try JSONParser.parse(bytes: Array(text.utf8), keeping: ["k"]) }
        switch (full, kept) {
        case (.success(let full), .success(let kept)): #expect(kept["k"] == full["k"])
        case (.failure(let full), .failure(let kept)): #expect(kept == full)
        default: Issue.record("a full parse gives \(full), a parse skipping the string \(kept)")
        }
    }

    @Test("anything but an object is refused")
    func nonObjectIsRefused() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes: Array("[1, 2]".utf8), keeping: ["k"]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes: Array(#""k""#.utf8), keeping: ["k"]) }
    }

    @Test("nesting past the limit inside a skipped member is refused")
    func deepSkippedMemberIsRefused() {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes: Array(#"{"skip": \#(deep)}"#.utf8), keeping: ["k"]) }
    }
}
