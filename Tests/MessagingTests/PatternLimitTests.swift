import JSON
import Messaging
import Testing

/// The bounds that keep a hostile pattern or filter policy from exhausting the stack,
/// memory or time while it is compiled (found by the fuzz targets' limits review).
@Suite struct PatternLimitTests {
    func refusal(_ pattern: String) -> String? {
        do {
            _ = try EventPattern(parsing: pattern)
            return nil
        } catch {
            return error.message
        }
    }

    /// `{"$or":[{"aN":[1]},{"bN":[1]}], …}` with `count` consecutive `$or` fields.
    func consecutiveOrs(_ count: Int) -> String {
        "{" + (0..<count).map { #""$or":[{"a\#($0)":[1]},{"b\#($0)":[1]}]"# }.joined(separator: ",") + "}"
    }

    @Test("a pattern nested a hundred thousand objects deep is refused in Jackson's words, not compiled recursively")
    func deepNestingIsRefused() {
        let depth = 100_000
        let text = String(repeating: #"{"a":"#, count: depth) + "[1]" + String(repeating: "}", count: depth)
        let message = refusal(text)
        #expect(message?.contains("Document nesting depth (1001) exceeds the maximum allowed (1000") == true, "\(message ?? "accepted")")
    }

    @Test("a pattern nested up to the limit still compiles and matches")
    func nestingUpToTheLimitCompiles() throws {
        let depth = 999
        let text = String(repeating: #"{"a":"#, count: depth) + "[1]" + String(repeating: "}", count: depth)
        let event = String(repeating: #"{"a":"#, count: 200) + "1" + String(repeating: "}", count: 200)
        let pattern = try EventPattern(parsing: text)
        #expect(!pattern.matches(try JSONParser.parse(event)))
    }

    @Test("consecutive $or fields that would multiply into 2^40 branches are refused as too complex")
    func orExplosionIsRefused() {
        let message = refusal(consecutiveOrs(40))
        #expect(message?.contains("Rule is too complex - its $or alternatives combine into more than 1000 branches") == true, "\(message ?? "accepted")")
    }

    @Test("$or fields that combine into fewer branches than the limit still compile and match")
    func orBelowTheLimitCompiles() throws {
        let pattern = try EventPattern(parsing: consecutiveOrs(9))  // 512 branches
        #expect(pattern.matches(try JSONParser.parse(#"{"a0":1,"b1":1,"a2":1,"a3":1,"a4":1,"a5":1,"a6":1,"a7":1,"b8":1}"#)))
        #expect(!pattern.matches(try JSONParser.parse(#"{"a0":1}"#)))
    }

    @Test("a body filter policy whose nested $or multiply into 2^30 branches is refused as too complex at once")
    func filterPolicyOrExplosionIsRefused() {
        let text = "{" + (0..<30).map { #""k\#($0)":{"$or":[{"a":["x"]},{"b":["y"]}]}"# }.joined(separator: ",") + "}"
        #expect {
            try FilterPolicy(parsing: text, scope: .messageBody)
        } throws: { error in
            (error as? TopicError)?.message == "Invalid parameter: FilterPolicy: Filter policy is too complex"
        }
    }
}
