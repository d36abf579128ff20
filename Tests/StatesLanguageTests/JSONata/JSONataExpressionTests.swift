import JSON
import StatesLanguage
import Testing

/// The evaluator against results of the JSONata reference implementation
/// (try.jsonata.org, JSONata 2.0), one expression per row.
@Suite struct JSONataExpressionTests {
    /// An expression, the input document, and the expected result as JSON text
    /// (`nil` for JSONata's `undefined`).
    struct Row: CustomTestStringConvertible, Sendable {
        var expression: String
        var input: String
        var expected: String?
        var testDescription: String { expression }
    }

    static let account = """
        {"Account": {"Name": "Firefly", "Order": [
          {"OrderID": "order103", "Product": [
            {"Name": "Bowler Hat", "Price": 34.45, "Quantity": 2, "Tags": ["hat", "formal"]},
            {"Name": "Trilby hat", "Price": 21.67, "Quantity": 1, "Tags": ["hat"]}]},
          {"OrderID": "order104", "Product": [
            {"Name": "Bowler Hat", "Price": 34.45, "Quantity": 4, "Tags": ["hat", "formal"]},
            {"Name": "Cloak", "Price": 107.99, "Quantity": 1, "Tags": []}]}]}}
        """

    static let rows: [Row] = [
        // Paths, flattening, predicates, wildcards
        Row(expression: "Account.Name", input: account, expected: #""Firefly""#),
        Row(expression: "Account.Order.OrderID", input: account, expected: #"["order103","order104"]"#),
        Row(expression: "Account.Order[0].OrderID", input: account, expected: #""order103""#),
        Row(expression: "Account.Order[-1].OrderID", input: account, expected: #""order104""#),
        Row(expression: "Account.Order.Product[0].Name", input: account, expected: #"["Bowler Hat","Bowler Hat"]"#),
        Row(expression: "(Account.Order.Product)[0].Name", input: account, expected: #""Bowler Hat""#),
        Row(expression: "Account.Order.Product[Price > 30].Name", input: account, expected: #"["Bowler Hat","Bowler Hat","Cloak"]"#),
        Row(expression: "Account.Order.Product.Tags", input: account, expected: #"["hat","formal","hat","hat","formal"]"#),
        Row(expression: "Account.Order[0].Product[1].Tags", input: account, expected: #"["hat"]"#),
        Row(expression: "Account.Order[0].Product[1].Tags[]", input: account, expected: #"["hat"]"#),
        Row(expression: "Account.Order[0].Product[1].Tags[0]", input: account, expected: #""hat""#),
        Row(expression: "Account.Order[1].Product[1].Tags", input: account, expected: "[]"),
        Row(expression: "Account.Order.Product.Missing", input: account, expected: nil),
        Row(expression: "Account.*.OrderID", input: account, expected: #"["order103","order104"]"#),
        Row(expression: "$count(**.Price)", input: account, expected: "4"),
        Row(expression: "a.b", input: #"{"a": [{"b": 1}, {"b": [2, 3]}, {"c": 4}]}"#, expected: "[1,2,3]"),
        Row(expression: "a[[0, 2]]", input: #"{"a": [10, 20, 30]}"#, expected: "[10,30]"),
        Row(expression: "`a b`", input: #"{"a b": 5}"#, expected: "5"),
        Row(expression: "$", input: "[1, 2]", expected: "[1,2]"),
        Row(expression: "$[1]", input: "[1, 2]", expected: "2"),
        // Arithmetic, strings, comparison, booleans
        Row(expression: "1 + 2 * 3 - 4 / 2", input: "{}", expected: "5"),
        Row(expression: "7 % 3", input: "{}", expected: "1"),
        Row(expression: "-a", input: #"{"a": 4}"#, expected: "-4"),
        Row(expression: "0.1 + 0.2", input: "{}", expected: "0.30000000000000004"),
        Row(expression: "$string(0.1 + 0.2)", input: "{}", expected: #""0.3""#),
        Row(expression: "$string(1e21)", input: "{}", expected: #""1e+21""#),
        Row(expression: "$string(0.0000001)", input: "{}", expected: #""1e-7""#),
        Row(expression: "$string(123456.789)", input: "{}", expected: #""123456.789""#),
        Row(expression: #"$string({"a": [1, 2.5, true, null, "x"]})"#, input: "{}", expected: #""{\"a\":[1,2.5,true,null,\"x\"]}""#),
        Row(expression: "'a' & 1 & true & missing", input: "{}", expected: #""a1true""#),
        Row(expression: "1 = 1.0 and 'a' != 'b'", input: "{}", expected: "true"),
        Row(expression: "missing = 1", input: "{}", expected: "false"),
        Row(expression: "'abc' < 'abd'", input: "{}", expected: "true"),
        Row(expression: "missing < 1", input: "{}", expected: nil),
        Row(expression: "[1, 2] = [1, 2]", input: "{}", expected: "true"),
        Row(expression: "false or 0 or 'x'", input: "{}", expected: "true"),
        Row(expression: "3 in [1, 2, 3]", input: "{}", expected: "true"),
        Row(expression: "'b' in 'b'", input: "{}", expected: "true"),
        // Constructors, ranges, conditionals, blocks, variables
        Row(expression: "[1, [2, 3], 4..6]", input: "{}", expected: "[1,[2,3],4,5,6]"),
        Row(expression: "[1..3].($ * 2)", input: "{}", expected: "[2,4,6]"),
        Row(expression: "[]", input: "{}", expected: "[]"),
        Row(expression: "[5]", input: "{}", expected: "[5]"),
        Row(expression: #"{"a": 1, "b": [1, 2]}"#, input: "{}", expected: #"{"a":1,"b":[1,2]}"#),
        Row(expression: #"{"a": missing}"#, input: "{}", expected: "{}"),
        Row(
            expression: "Account.Order.Product{Name: $sum(Price)}",
            input: account,
            expected: #"{"Bowler Hat":68.9,"Trilby hat":21.67,"Cloak":107.99}"#
        ),
        Row(expression: "Account.Order.Product{Name: Quantity}", input: account, expected: #"{"Bowler Hat":[2,4],"Trilby hat":1,"Cloak":1}"#),
        Row(expression: "a > 1 ? 'big' : 'small'", input: #"{"a": 2}"#, expected: #""big""#),
        Row(expression: "a > 5 ? 'big'", input: #"{"a": 2}"#, expected: nil),
        Row(expression: "($x := 3; $y := $x * 2; $x + $y)", input: "{}", expected: "9"),
        Row(expression: "($x := 1; ($x := 2); $x)", input: "{}", expected: "1"),
        Row(expression: "$v.k", input: "{}", expected: nil),
        // Functions, lambdas, closures, chaining, partial application
        Row(expression: "(function($x) { $x * $x })(4)", input: "{}", expected: "16"),
        Row(expression: "($f := function($n) { $n <= 1 ? 1 : $n * $f($n - 1) }; $f(5))", input: "{}", expected: "120"),
        Row(expression: "($add := function($a){ function($b){ $a + $b } }; $add(2)(3))", input: "{}", expected: "5"),
        Row(expression: "'hello' ~> $uppercase()", input: "{}", expected: #""HELLO""#),
        Row(expression: "[3, 1, 2] ~> $sort() ~> $reverse()", input: "{}", expected: "[3,2,1]"),
        Row(expression: "($first := $substring(?, 0, 2); $first('abcdef'))", input: "{}", expected: #""ab""#),
        Row(expression: "$map([1, 2, 3], function($v, $i) { $v * $i })", input: "{}", expected: "[0,2,6]"),
        Row(expression: "$map([1], function($v) { $v })", input: "{}", expected: "1"),
        Row(expression: "$filter([1, 2, 3, 4], function($v) { $v % 2 = 0 })", input: "{}", expected: "[2,4]"),
        Row(expression: "$reduce([1, 2, 3, 4], function($a, $b) { $a + $b })", input: "{}", expected: "10"),
        Row(expression: "$reduce([1, 2], function($a, $b) { $a + $b }, 10)", input: "{}", expected: "13"),
        Row(expression: "$sift({'a': 1, 'b': 2}, function($v) { $v > 1 })", input: "{}", expected: #"{"b":2}"#),
        Row(expression: "$each({'a': 1, 'b': 2}, function($v, $k) { $k & $v })", input: "{}", expected: #"["a1","b2"]"#),
        Row(expression: "$single([1, 2, 3], function($v) { $v = 2 })", input: "{}", expected: "2"),
        Row(expression: "Account.Order.Product^(>Price).Name", input: account, expected: #"["Cloak","Bowler Hat","Bowler Hat","Trilby hat"]"#),
        Row(expression: "Account.Order.Product^(Quantity, <Name).Quantity", input: account, expected: "[1,1,2,4]"),
        Row(expression: "$sort([3, 1, 2], function($a, $b) { $a < $b })", input: "{}", expected: "[3,2,1]"),
        // String functions
        Row(expression: "$length('héllo')", input: "{}", expected: "5"),
        Row(expression: "$substring('abcdef', -4, 2)", input: "{}", expected: #""cd""#),
        Row(expression: "$substringBefore('a-b-c', '-') & $substringAfter('a-b-c', '-')", input: "{}", expected: #""ab-c""#),
        Row(expression: "$trim('  a   b ')", input: "{}", expected: #""a b""#),
        Row(expression: "$pad('7', -3, '0')", input: "{}", expected: #""007""#),
        Row(expression: "$split('a,b,c', ',', 2)", input: "{}", expected: #"["a","b"]"#),
        Row(expression: "$join(['a', 'b'], '+')", input: "{}", expected: #""a+b""#),
        Row(expression: "$contains('hello$world', /^hello\\$/)", input: "{}", expected: "true"),
        Row(expression: "$contains('Hello', /hel/i)", input: "{}", expected: "true"),
        Row(expression: "$match('ab12cd345', /[0-9]+/).match", input: "{}", expected: #"["12","345"]"#),
        Row(expression: "$replace('John Smith', /(\\w+)\\s(\\w+)/, '$2, $1')", input: "{}", expected: #""Smith, John""#),
        Row(expression: "$replace('a.b.c', '.', '/')", input: "{}", expected: #""a/b/c""#),
        Row(expression: "$uppercase(name)", input: #"{"name": "x"}"#, expected: #""X""#),
        Row(expression: "name.$uppercase()", input: #"{"name": "x"}"#, expected: #""X""#),
        Row(expression: "$base64decode($base64encode('hi'))", input: "{}", expected: #""hi""#),
        Row(expression: "$formatNumber(12345.6, '#,###.00')", input: "{}", expected: #""12,345.60""#),
        Row(expression: "$formatNumber(0.256, '0.0%')", input: "{}", expected: #""25.6%""#),
        Row(expression: "$formatBase(255, 16)", input: "{}", expected: #""ff""#),
        // Numeric, aggregation, boolean, array and object functions
        Row(expression: "$number('2') + $number(true)", input: "{}", expected: "3"),
        Row(expression: "$round(2.5) & $round(3.5) & $round(1.255, 2)", input: "{}", expected: #""241.26""#),
        Row(expression: "$floor(-1.5) + $ceil(1.2) + $abs(-3)", input: "{}", expected: "3"),
        Row(expression: "$power(2, 10) + $sqrt(16)", input: "{}", expected: "1028"),
        Row(expression: "$sum(Account.Order.Product.(Price * Quantity))", input: account, expected: "336.36"),
        Row(expression: "[$max([1, 5, 3]), $min([4, 2]), $average([1, 2, 3])]", input: "{}", expected: "[5,2,2]"),
        Row(expression: "$count([]) + $count(1)", input: "{}", expected: "1"),
        Row(expression: "[$boolean([]), $boolean([0, 1]), $boolean({}), $not('')]", input: "{}", expected: "[false,true,false,true]"),
        Row(expression: "$exists(a) and $not($exists(b))", input: #"{"a": null}"#, expected: "true"),
        Row(expression: "$append([1], 2)", input: "{}", expected: "[1,2]"),
        Row(expression: "$distinct([1, 2, 1, 'a', 'a'])", input: "{}", expected: #"[1,2,"a"]"#),
        Row(expression: "$zip([1, 2], ['a', 'b', 'c'])", input: "{}", expected: #"[[1,"a"],[2,"b"]]"#),
        Row(expression: "$keys({'a': 1, 'b': 2})", input: "{}", expected: #"["a","b"]"#),
        Row(expression: "$lookup({'a': 1}, 'a')", input: "{}", expected: "1"),
        Row(expression: "$spread({'a': 1, 'b': 2})", input: "{}", expected: #"[{"a":1},{"b":2}]"#),
        Row(expression: "$merge([{'a': 1}, {'a': 2, 'b': 3}])", input: "{}", expected: #"{"a":2,"b":3}"#),
        Row(
            expression: "[$type(1), $type('s'), $type(null), $type([]), $type({}), $type($sum)]",
            input: "{}",
            expected: #"["number","string","null","array","object","function"]"#
        ),
        // Step Functions' additions
        Row(expression: "$partition([1, 2, 3, 4, 5], 2)", input: "{}", expected: "[[1,2],[3,4],[5]]"),
        Row(expression: "$range(0, 10, 3)", input: "{}", expected: "[0,3,6,9]"),
        Row(expression: "$range(1, 9, 9)", input: "{}", expected: "1"),
        Row(
            expression: "$hash('input data', 'SHA-256')",
            input: "{}",
            expected: #""b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3""#
        ),
        Row(expression: #"$parse('{"a": [1, 2]}')"#, input: "{}", expected: #"{"a":[1,2]}"#),
        Row(expression: "$parse('-0')", input: "{}", expected: "0"),
    ]

    @Test(arguments: rows)
    func evaluatesLikeTheReferenceImplementation(_ row: Row) throws {
        var random = StatesLanguage.SplitMix64(seed: 1)
        let expression = try JSONataExpression(row.expression)
        let result = try expression.evaluate(
            input: try JSONParser.parse(row.input),
            now: Timestamp(millisecondsSinceEpoch: 0),
            random: &random
        )
        let expected = try row.expected.map { try JSONParser.parse($0) }
        #expect(result == expected, "\(row.expression) gave \(result?.serialized ?? "undefined")")
    }

    static let errors: [(expression: String, code: String)] = [
        ("1 + 'a'", "T2002"),
        ("'a' + 1", "T2001"),
        ("1 < 'a'", "T2009"),
        ("{} < 1", "T2010"),
        ("1..'x'", "T2004"),
        ("$undefinedFunction()", "T1006"),
        ("$number('abc')", "D3030"),
        ("$string(1/0)", "D3001"),
        ("1/0", "D1001"),
        ("(1/0) + 1", "D1001"),
        ("{1: 2}", "T1003"),
        ("$error('boom')", "D3137"),
        ("$single([1, 2])", "D3138"),
        ("$sum(['a'])", "T0412"),
    ]

    @Test(arguments: errors)
    func reportsJSONataErrorCodes(_ row: (expression: String, code: String)) throws {
        var random = StatesLanguage.SplitMix64(seed: 1)
        let expression = try JSONataExpression(row.expression)
        let error = #expect(throws: JSONataError.self) {
            try expression.evaluate(input: .object([:]), now: Timestamp(millisecondsSinceEpoch: 0), random: &random)
        }
        #expect(error?.code == row.code, "\(row.expression): \(error.map(String.init(describing:)) ?? "no error")")
    }

    @Test(arguments: [("(1", "S0203"), ("1 +", "S0207"), ("'abc", "S0101"), ("[1, 2", "S0203"), ("1 2", "S0201")])
    func rejectsSyntaxErrorsWithTheirCodes(_ text: String, _ code: String) {
        let error = #expect(throws: JSONataError.self) { try JSONataExpression(text) }
        #expect(error?.code == code, "\(text): \(error.map(String.init(describing:)) ?? "no error")")
    }

    @Test func clockAndRandomnessComeFromTheCaller() throws {
        let time = Timestamp(millisecondsSinceEpoch: 1_700_000_000_123)
        var first = StatesLanguage.SplitMix64(seed: 42)
        var second = StatesLanguage.SplitMix64(seed: 42)
        let expression = try JSONataExpression("[$now(), $millis(), $random(), $uuid()]")
        let a = try expression.evaluate(input: nil, now: time, random: &first)
        let b = try expression.evaluate(input: nil, now: time, random: &second)
        #expect(a == b)
        #expect(a?[0] == .string("2023-11-14T22:13:20.123Z"))
        #expect(a?[1] == .integer(1_700_000_000_123))
        #expect(a?[3]?.stringValue?.count == 36)
    }

    @Test func variablesAreBoundByName() throws {
        var random = StatesLanguage.SplitMix64(seed: 0)
        let expression = try JSONataExpression("$states.input.a + $x")
        let result = try expression.evaluate(
            input: nil,
            variables: ["states": ["input": ["a": 2]], "x": 3],
            now: Timestamp(millisecondsSinceEpoch: 0),
            random: &random
        )
        #expect(result == .integer(5))
    }
}
