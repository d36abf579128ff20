import JSON
import StatesLanguage
import Testing

@Suite struct IntrinsicParsingTests {
    @Test func recognisesIntrinsicsByTheStatesPrefix() {
        #expect(IntrinsicExpression.looksLikeIntrinsic("States.Format('{}', $.a)"))
        #expect(IntrinsicExpression.looksLikeIntrinsic("States.Nope()"))
        #expect(!IntrinsicExpression.looksLikeIntrinsic("$.States.Format"))
    }

    @Test func parsesEveryKindOfArgument() throws {
        let call = try IntrinsicExpression.parse("States.Array('a\\'b', -1.5, true, false, null, $.x, $$.Execution.Id, States.UUID())")
        #expect(call.function == .array)
        #expect(call.arguments.count == 8)
        #expect(call.arguments[0] == .string(value: "a'b", source: "a\\'b"))
        #expect(call.arguments[1] == .literal(.double(-1.5)))
        #expect(call.arguments[2] == .literal(true))
        #expect(call.arguments[4] == .literal(.null))
        guard case .path(let input) = call.arguments[5], case .path(let context) = call.arguments[6] else {
            Issue.record("expected path arguments")
            return
        }
        #expect(input.root == .input)
        #expect(context.root == .context)
        guard case .call(let nested) = call.arguments[7] else {
            Issue.record("expected a nested call")
            return
        }
        #expect(nested.function == .uuid)
    }

    @Test func toleratesBlanksAroundArguments() throws {
        let call = try IntrinsicExpression.parse("States.MathAdd( $.a ,  2 )")
        #expect(call.arguments.count == 2)
    }

    @Test(arguments: [
        ("States.Nope($.a)", "'States.Nope' is not an intrinsic function", 0),
        ("States.Format('abc", "missing its closing single quote", 14),
        ("States.Format", "expected '('", 13),
        ("States.Array($.a $.b)", "expected ',' or ')'", 17),
        ("States.Array(1,)", "expected an argument", 15),
        ("States.Array() x", "unexpected characters after", 15),
        ("States.Array(1e)", "invalid number", 13),
        ("States.Array(nope)", "expected an argument", 13),
        ("Format('x')", "must look like States.Name", 0),
    ])
    func reportsWhatIsWrongAndWhere(text: String, reason: String, offset: Int) {
        #expect {
            _ = try IntrinsicExpression.parse(text)
        } throws: { error in
            guard let error = error as? IntrinsicParseError else { return false }
            return error.reason.description.contains(reason) && error.offset == offset && error.text == text
        }
    }

    @Test func reportsAnInvalidPathArgument() {
        #expect(throws: IntrinsicParseError.self) { try IntrinsicExpression.parse("States.ArrayLength(x.y)") }
        #expect(throws: IntrinsicParseError.self) { try IntrinsicExpression.parse("States.ArrayLength($.)") }
    }

    @Test func limitsNestingToTenCalls() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "States.Array(", count: depth) + String(repeating: ")", count: depth)
        }
        _ = try IntrinsicExpression.parse(nested(10))
        #expect(throws: IntrinsicParseError.self) { try IntrinsicExpression.parse(nested(11)) }
    }
}

@Suite struct IntrinsicEvaluationTests {
    let input: JSONValue = [
        "name": "Ada", "list": [1, 2, 2, 3], "object": ["a": 1], "text": "a,b;;c", "half": 2.5, "empty": [],
    ]

    func evaluate(_ text: String, seed: UInt64 = 1) throws -> JSONValue {
        var random = SplitMix64(seed: seed)
        let evaluator = PayloadEvaluator(input: input, context: ["Execution": ["Name": "exec"]])
        return try IntrinsicExpression.parse(text).evaluate(resolve: evaluator.resolve, random: &random)
    }

    func failure(_ text: String) -> StatesError? {
        do {
            _ = try evaluate(text)
            return nil
        } catch let error as StatesError {
            return error
        } catch {
            return nil
        }
    }

    @Test func formatKeepsEscapedBracesLiteral() throws {
        #expect(try evaluate("States.Format('\\{\\} {} \\\\ \\'q\\'', $.name)") == "{} Ada \\ 'q'")
    }

    @Test func formatWritesCollectionsAsJavaDoes() throws {
        #expect(try evaluate("States.Format('{} {}', $.object, $.list)") == "{a=1} [1, 2, 2, 3]")
    }

    @Test(arguments: [
        "States.Format('{} {}', $.name)", "States.Format('{}', 1, 2)", "States.Format('a { b', 1)", "States.Format('}')", "States.Format(1)",
    ])
    func formatRejectsTemplatesThatDoNotFitTheArguments(text: String) {
        #expect(failure(text) == StatesError("States.Runtime", cause: "Invalid arguments in States.Format"))
    }

    @Test func wrongArgumentCountsFailAtRunTime() {
        #expect(failure("States.Hash('a')") == .runtime("Invalid arguments in States.Hash"))
        #expect(failure("States.UUID(1)") == .runtime("Invalid arguments in States.UUID"))
        #expect(failure("States.ArrayRange(1, 2)") == .runtime("Invalid arguments in States.ArrayRange"))
    }

    @Test func wrongArgumentTypesFail() {
        #expect(failure("States.ArrayLength($.name)") == .runtime("Invalid arguments in States.ArrayLength"))
        #expect(failure("States.MathAdd('1', 2)") == .runtime("Invalid arguments in States.MathAdd"))
        #expect(failure("States.StringSplit($.list, ',')") == .runtime("Invalid arguments in States.StringSplit"))
        #expect(failure("States.StringToJson('{nope')") == .runtime("Invalid arguments in States.StringToJson"))
        #expect(failure("States.Base64Decode('***')") == .runtime("Invalid arguments in States.Base64Decode"))
        #expect(failure("States.Hash('a', 'sha-256')") == .runtime("Invalid arguments in States.Hash"))
    }

    @Test func pathFailuresComeFromTheResolver() {
        #expect(failure("States.ArrayLength($.missing)")?.cause.contains("could not be found") == true)
    }

    @Test func arrayFunctionsTruncateFractionalArguments() throws {
        #expect(try evaluate("States.ArrayPartition($.list, 2.9)") == [[1, 2], [2, 3]])
        #expect(try evaluate("States.ArrayGetItem($.list, 1.9)") == 2)
        #expect(try evaluate("States.ArrayRange(1.6, 5.4, 2.2)") == [1, 3, 5])
        #expect(failure("States.ArrayPartition($.list, 0.9)") == .runtime("Invalid arguments in States.ArrayPartition"))
    }

    @Test func arrayRangeCountsDownWithANegativeStepAndCapsAtOneThousand() throws {
        #expect(try evaluate("States.ArrayRange(5, 1, -2)") == [5, 3, 1])
        #expect(try evaluate("States.ArrayRange(1, 5, -1)") == [])
        #expect(try evaluate("States.ArrayRange(1, 1000, 1)").arrayValue?.count == 1000)
        #expect(failure("States.ArrayRange(1, 1001, 1)") != nil)
        #expect(failure("States.ArrayRange(1, 5, 0)") != nil)
    }

    @Test func arrayGetItemRejectsIndexesOutsideTheArray() throws {
        #expect(failure("States.ArrayGetItem($.list, 4)") != nil)
        #expect(failure("States.ArrayGetItem($.list, -1)") != nil)
        #expect(try evaluate("States.ArrayGetItem($.empty, 3)") == .null)
    }

    @Test func arrayUniqueKeepsFirstOccurrences() throws {
        #expect(try evaluate("States.ArrayUnique($.list)") == [1, 2, 3])
    }

    @Test func mathAddRoundsHalvesUpLikeJava() throws {
        #expect(try evaluate("States.MathAdd($.half, 0)") == 3)
        #expect(try evaluate("States.MathAdd(-2.5, 0)") == -2)
        #expect(failure("States.MathAdd(2147483648, 0)") != nil)
    }

    @Test func mathRandomStaysInItsHalfOpenRange() throws {
        for seed in 0..<50 {
            let value = try #require(try evaluate("States.MathRandom(1, 3)", seed: UInt64(seed)).integerValue)
            #expect((1..<3).contains(value))
        }
        #expect(failure("States.MathRandom(3, 3)") != nil)
        #expect(failure("States.MathRandom(1, 10, null)") != nil)
    }

    @Test func seededMathRandomIgnoresTheGeneratorAndRepeats() throws {
        let first = try evaluate("States.MathRandom(0, 1000, 42)", seed: 1)
        #expect(try evaluate("States.MathRandom(0, 1000, 42)", seed: 99) == first)
        // What java.util.Random gives: new Random(42).nextInt(1000) is 130,
        // new Random(42).nextInt(100) is 30, new Random(-7).nextInt(1 << 20) is 282194.
        #expect(first == 130)
        #expect(try evaluate("States.MathRandom(5, 105, 42)") == 35)
        #expect(try evaluate("States.MathRandom(0, 1048576, -7)") == 282_194)
    }

    @Test func uuidIsVersionFourFromTheGivenGenerator() throws {
        let uuid = try #require(try evaluate("States.UUID()", seed: 5).stringValue)
        #expect(try evaluate("States.UUID()", seed: 5).stringValue == uuid)
        #expect(try evaluate("States.UUID()", seed: 6).stringValue != uuid)
        let groups = uuid.split(separator: "-")
        #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
        #expect(groups[2].first == "4")
        #expect("89ab".contains(groups[3].first ?? "x"))
    }

    @Test func base64RoundTripsUnicode() throws {
        #expect(try evaluate("States.Base64Encode('héllo ✓')") == "aMOpbGxvIOKckw==")
        #expect(try evaluate("States.Base64Decode('aMOpbGxvIOKckw==')") == "héllo ✓")
        #expect(try evaluate("States.Base64Decode('aMOpbGxvIOKckw')") == "héllo ✓")
    }

    @Test func hashStringifiesNonStringData() throws {
        #expect(try evaluate("States.Hash('hello', 'MD5')") == "5d41402abc4b2a76b9719d911017c592")
        #expect(try evaluate("States.Hash(123, 'SHA-1')") == "40bd001563085fc35165329ea1ff5c5ecbdbbeef")
    }

    @Test func jsonMergeIsShallowAndRefusesDeepMode() throws {
        #expect(try evaluate("States.JsonMerge($.object, States.StringToJson('{\"b\":2}'), false)") == ["a": 1, "b": 2])
        #expect(failure("States.JsonMerge($.object, $.object, true)") == .runtime("Invalid arguments in States.JsonMerge"))
    }

    @Test func stringSplitTreatsEachSeparatorCharacterAsADelimiter() throws {
        #expect(try evaluate("States.StringSplit($.text, ',;')") == ["a", "b", "c"])
    }
}
