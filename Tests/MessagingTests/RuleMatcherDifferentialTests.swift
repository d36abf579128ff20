import JSON
import Messaging
import Testing

/// Generated patterns and events (from a fixed seed): the index must give exactly
/// the rules that one-pattern-at-a-time evaluation gives, for text and for values,
/// also after rules are removed and replaced.
@Suite struct RuleMatcherDifferentialTests {
    /// A small deterministic generator (SplitMix64), so every run tests the same cases.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let paths = ["a", "b", "c.d", "c.e", "f.g.h", "list.k", "list.v"]
    static let strings = ["x", "xy", "yx", "X", "10.0.0.1", "", "abc", "a*c"]
    static let numbers = [0, 1, 2.5, -3, 1000, 5_000_000_001]

    static func scalar(_ generator: inout Generator) -> JSONValue {
        switch generator.below(6) {
        case 0, 1: return .string(generator.pick(strings))
        case 2, 3:
            let number = generator.pick(numbers)
            return number == number.rounded() && abs(number) < 1e15 ? .integer(Int(number)) : .double(number)
        case 4: return .bool(generator.below(2) == 0)
        default: return .null
        }
    }

    static func alternative(_ generator: inout Generator) -> String {
        let text = generator.pick(strings.filter { !$0.isEmpty })
        switch generator.below(13) {
        case 0: return scalar(&generator).serialized
        case 1: return #"{"prefix": "\#(text.prefix(1))"}"#
        case 2: return #"{"suffix": "\#(text.suffix(1))"}"#
        case 3: return #"{"anything-but": ["\#(text)", "\#(generator.pick(strings))"]}"#
        case 4: return #"{"anything-but": \#(Int(generator.pick(numbers.filter { abs($0) < 1e9 })))}"#
        case 5: return #"{"numeric": [">", \#(generator.below(3)), "<=", 1000]}"#
        case 6: return #"{"numeric": ["<", \#(generator.below(3))]}"#
        case 7: return #"{"exists": \#(generator.below(2) == 0)}"#
        case 8: return #"{"equals-ignore-case": "\#(text)"}"#
        case 9: return #"{"wildcard": "*\#(text.suffix(1))"}"#
        case 10: return #"{"cidr": "10.0.0.0/24"}"#
        case 11: return #"{"anything-but": {"prefix": "\#(text.prefix(1))"}}"#
        default: return #"{"prefix": {"equals-ignore-case": "\#(text.prefix(1))"}}"#
        }
    }

    static func pattern(_ generator: inout Generator) -> String {
        func fields(_ count: Int) -> String {
            var chosen: [String: String] = [:]
            for _ in 0..<count {
                let alternatives = (0...generator.below(2)).map { _ in alternative(&generator) }
                chosen[generator.pick(paths)] = "[" + alternatives.joined(separator: ", ") + "]"
            }
            return chosen.map { #""\#($0.key)": \#($0.value)"# }.joined(separator: ", ")
        }
        if generator.below(5) == 0 {
            return "{\(fields(1)), \"$or\": [{\(fields(1 + generator.below(2)))}, {\(fields(1))}]}"
        }
        return "{\(fields(1 + generator.below(3)))}"
    }

    static func event(_ generator: inout Generator) -> JSONValue {
        var object = JSONObject()
        for path in paths where generator.below(3) != 0 {
            let parts = path.split(separator: ".").map(String.init)
            if parts[0] == "list" { continue }
            var value = generator.below(6) == 0 ? JSONValue.array([scalar(&generator), scalar(&generator)]) : scalar(&generator)
            for part in parts.dropFirst().reversed() { value = .object(JSONObject([(part, value)])) }
            if case .object(let existing) = object[parts[0]], case .object(let nested) = value {
                var merged = existing
                for (key, element) in nested.entries { merged[key] = element }
                object[parts[0]] = .object(merged)
            } else {
                object[parts[0]] = value
            }
        }
        if generator.below(2) == 0 {
            object["list"] = .array(
                (0..<(1 + generator.below(3))).map { _ in
                    .object(JSONObject([("k", scalar(&generator)), ("v", scalar(&generator))]))
                }
            )
        }
        return .object(object)
    }

    @Test func theIndexAgreesWithNaiveEvaluationOnGeneratedRulesAndEvents() throws {
        var generator = Generator(state: 20_250_101)
        var matcher = RuleMatcher()
        var patterns: [String: EventPattern] = [:]
        var refused = 0
        for number in 0..<300 {
            do {
                let pattern = try EventPattern(parsing: Self.pattern(&generator))
                matcher.add(rule: "r\(number)", pattern: pattern)
                patterns["r\(number)"] = pattern
            } catch {
                refused += 1
            }
        }
        #expect(refused < 30, "the generator should mostly produce valid patterns")
        var scratch = RuleMatcher.Scratch()
        func check(_ round: String) throws {
            for _ in 0..<150 {
                let event = Self.event(&generator)
                let expected = Set(patterns.filter { $0.value.matches(event) }.keys)
                let fromText = try matcher.matches(eventJSON: event.serialized, scratch: &scratch)
                #expect(Set(fromText) == expected, "\(round): \(event.serialized)")
                #expect(fromText.count == Set(fromText).count, "\(round): a rule reported twice")
                #expect(Set(matcher.matches(event, scratch: &scratch)) == expected, "\(round): \(event.serialized)")
            }
        }
        try check("all rules")
        for name in patterns.keys.sorted().prefix(120) {
            matcher.remove(rule: name)
            patterns[name] = nil
        }
        try check("after removals")
        for number in 0..<60 {
            guard let pattern = try? EventPattern(parsing: Self.pattern(&generator)) else { continue }
            matcher.add(rule: "r\(number * 5)", pattern: pattern)
            patterns["r\(number * 5)"] = pattern
        }
        #expect(matcher.count == patterns.count)
        try check("after replacements")
    }
}
