import JSON
import StatesLanguage
import Testing

/// The language features beyond paths and operators: variable bindings in
/// paths (`@`, `#`, `%`), `??` and `?:`, signatures, transforms, function
/// composition and tail calls, each against the reference implementation's
/// answer (jsonata-js 2.x), and the limits that keep a hostile expression from
/// crashing or hanging the server.
@Suite struct JSONataLanguageTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var expression: String
        var input: String
        var expected: String?
        var testDescription: String { expression }
    }

    static let library = """
        {"library": {
          "books": [
            {"title": "Structure", "isbn": "0262510871", "price": 38.9},
            {"title": "Compilers", "isbn": "0201100886", "price": 23.38}],
          "loans": [
            {"customer": "10001", "isbn": "0262510871"},
            {"customer": "10002", "isbn": "0201100886"},
            {"customer": "10003", "isbn": "0262510871"}],
          "customers": [
            {"id": "10001", "name": "Joe"}, {"id": "10002", "name": "Fred"}, {"id": "10003", "name": "Jason"}]}}
        """

    static let orders = """
        {"Account": {"Order": [
          {"OrderID": "A", "Product": [{"Name": "Hat", "Price": 10}, {"Name": "Cloak", "Price": 100}]},
          {"OrderID": "B", "Product": [{"Name": "Scarf", "Price": 5}]}]}}
        """

    static let rows: [Row] = [
        // Focus (`@`) and index (`#`) bindings: joins across the document.
        Row(
            expression: "library.loans@$l.books@$b[$l.isbn=$b.isbn].{'title': $b.title, 'customer': $l.customer}",
            input: library,
            expected: #"[{"title":"Structure","customer":"10001"},{"title":"Compilers","customer":"10002"},{"title":"Structure","customer":"10003"}]"#
        ),
        Row(
            expression: "library.books#$i[$i > 0].title",
            input: library,
            expected: #""Compilers""#
        ),
        Row(
            expression: "library.customers#$i.{'n': $i, 'name': name}",
            input: library,
            expected: #"[{"n":0,"name":"Joe"},{"n":1,"name":"Fred"},{"n":2,"name":"Jason"}]"#
        ),
        Row(
            expression: "library.loans@$l.customers@$c[$c.id = $l.customer]{$c.name: $count($l)}",
            input: library,
            expected: #"{"Joe":1,"Fred":1,"Jason":1}"#
        ),
        // Parent (`%`).
        Row(
            expression: "Account.Order.Product.{'name': Name, 'order': %.OrderID}",
            input: orders,
            expected: #"[{"name":"Hat","order":"A"},{"name":"Cloak","order":"A"},{"name":"Scarf","order":"B"}]"#
        ),
        Row(expression: "Account.Order.Product[Price > 50].%.OrderID", input: orders, expected: #""A""#),
        Row(
            expression: "Account.Order.Product.{'n': Name, 'all': $count(%.%.Order)}",
            input: orders,
            expected: #"[{"n":"Hat","all":2},{"n":"Cloak","all":2},{"n":"Scarf","all":2}]"#
        ),
        // `??` and `?:`.
        Row(expression: "missing ?? 42", input: "{}", expected: "42"),
        Row(expression: "false ?? 42", input: "{}", expected: "false"),
        Row(expression: "0 ?: 42", input: "{}", expected: "42"),
        Row(expression: "'x' ?: 42", input: "{}", expected: #""x""#),
        // Operators as field names.
        Row(expression: "and + or + in", input: #"{"and": 1, "or": 2, "in": 3}"#, expected: "6"),
        // Signatures on lambdas: the context fills a `-` parameter, arrays are wrapped.
        Row(expression: "'abc' ~> function($s)<s-:n>{ $length($s) }()", input: "{}", expected: "3"),
        Row(expression: "($f := function($a)<a<n>:n>{ $count($a) }; $f(5))", input: "{}", expected: "1"),
        // An optional parameter that matches nothing still takes an argument, as in jsonata-js;
        // the required one after it gets none (this indexed past the arguments and trapped).
        Row(expression: "function($a, $b)<s?s>{ [$a, $b] }('x')", input: "{}", expected: #"["x"]"#),
        // A high surrogate escape followed by an escape that is not a low surrogate (this trapped on
        // the subtraction); a Swift string cannot hold the lone surrogate, so it is left out.
        Row(expression: #"$length("\uD834\uD0D1x")"#, input: "{}", expected: "2"),
        Row(expression: #""\uD834\uDD1E""#, input: "{}", expected: "\"\u{1D11E}\""),
        // Precisions beyond any double's digits (one of them past Int.max, which trapped).
        Row(expression: "$round(-0.66666666, 6.6e22)", input: "{}", expected: "-0.66666666"),
        Row(expression: "$round(123.456, -500)", input: "{}", expected: "0"),
        Row(expression: "$substring('abcdef', -1e300, 1e300)", input: "{}", expected: #""abcdef""#),
        Row(expression: "$uppercase()", input: #""hi""#, expected: #""HI""#),
        // `~>` composing two functions.
        Row(expression: "($twice := function($x){ $x * 2 }; ($twice ~> $string)(21))", input: "{}", expected: #""42""#),
        Row(expression: "($s := $substring(?, 0, 2); 'hello' ~> $s)", input: "{}", expected: #""he""#),
        // Transforms.
        Row(
            expression: "$ ~> |Account.Order.Product|{'Price': Price * 2}, ['Name']|",
            input: orders,
            expected: #"{"Account":{"Order":[{"OrderID":"A","Product":[{"Price":20},{"Price":200}]},{"OrderID":"B","Product":[{"Price":10}]}]}}"#
        ),
        Row(
            expression: "$ ~> |Account.Order|{'n': $count(Product)}|",
            input: orders,
            expected:
                #"{"Account":{"Order":[{"OrderID":"A","Product":[{"Name":"Hat","Price":10},{"Name":"Cloak","Price":100}],"n":2},{"OrderID":"B","Product":[{"Name":"Scarf","Price":5}],"n":1}]}}"#
        ),
        // A function as the matcher of `$match` (and `$contains`, `$replace`, `$split`).
        Row(
            expression: """
                ($m := function($s) { $contains($s, 'b') ? {'match': 'b', 'start': $length($substringBefore($s, 'b')), \
                'end': $length($substringBefore($s, 'b')) + 1, 'groups': [], 'next': function() { undefined }} }; \
                [$replace('abc', $m, 'X'), $contains('abc', $m)])
                """,
            input: "{}",
            expected: #"["aXc",true]"#
        ),
        // A matcher function's offsets are any numbers: past the text they stop at its end.
        Row(
            expression: """
                $match('abc', function($s) { {'match': 'c', 'start': 1e300, 'end': 1e300, 'groups': [], \
                'next': function() { undefined }} })
                """,
            input: "{}",
            expected: #"{"match":"c","index":3,"groups":[]}"#
        ),
        // Grouping 100,000 items under one key appends them once, not once per item.
        Row(expression: "[1..100000]{'k': $count($)}", input: "{}", expected: #"{"k":100000}"#),
        // `$round` shifts a number written with an exponent by adding to it.
        Row(expression: "$round(6.022e-23, 24)", input: "{}", expected: "6e-23"),
        // `$number` on the strings jsonata-js accepts.
        Row(expression: "$number('00')", input: "{}", expected: "0"),
        Row(expression: "$number('0B101')", input: "{}", expected: "5"),
        // A string literal as the first step of a path is a field name.
        Row(expression: "'a'.b", input: #"{"a": {"b": 7}}"#, expected: "7"),
        // Tail calls run in constant stack: far deeper than the depth limit.
        Row(
            expression: "($even := function($n){ $n = 0 ? true : $odd($n - 1) }; $odd := function($n){ $n = 0 ? false : $even($n - 1) }; $odd(6555))",
            input: "{}",
            expected: "true"
        ),
    ]

    @Test(arguments: rows)
    func evaluatesLikeTheReferenceImplementation(_ row: Row) throws {
        let result = try Self.evaluate(row.expression, input: row.input)
        let expected = try row.expected.map { try JSONParser.parse($0) }
        #expect(result == expected, "\(row.expression) gave \(result?.serialized ?? "undefined")")
    }

    static let errors: [(expression: String, code: String)] = [
        ("function($x)<n:n>{ $x }('a')", "T0410"),
        ("$fromMillis(1e300)", "D3110"),
        ("$pad('x', 1e15)", "D3141"),
        ("$formatBase(1e300, 1e300)", "D3100"),
        ("$fromMillis(0, '[Y,999999999999]')", "D3141"),
        ("$toMillis('20000000000000000000000000000000000000000000000000000000000000000000000-01-02', '[Y]-[M]-[D]')", "D3110"),
        ("function($x)<s-:s>{ $x }()", "T0411"),
        ("function($x)<a<n>:n>{ $x }(['a'])", "T0412"),
        ("$substring('a', 'b')", "T0410"),
        // `$substring(1, 2)` takes the context (an object here) as its string.
        ("$substring(1, 2)", "T0411"),
        ("$uppercase()", "T0411"),
        ("$number('10e500')", "D3030"),
        ("$ ~> |a|5|", "T2011"),
        ("$ ~> |a|{}, 5|", "T2012"),
        // Runaway recursion fails instead of overflowing the stack.
        ("($f := function($n){ $n + $f($n + 1) }; $f(0))", "U1001"),
        // A range too large for the evaluation's item budget.
        ("[1..10000000] ~> $count()", "D2014"),
        ("$split('some text', $uppercase)", "T1010"),
        ("[0..10000000] ~> $count()", "D2014"),
    ]

    @Test(arguments: errors)
    func reportsJSONataErrorCodes(_ row: (expression: String, code: String)) throws {
        let error = #expect(throws: JSONataError.self) { try Self.evaluate(row.expression, input: #"{"a": {}}"#) }
        #expect(error?.code == row.code, "\(row.expression): \(error.map(String.init(describing:)) ?? "no error")")
    }

    /// `/^(a+)+$/` on 34 characters needs about 2^34 steps: it used to hang the
    /// thread (the standard library's `Regex` cannot be interrupted).
    @Test(arguments: ["$match", "$replace", "$contains", "$split"])
    func aCatastrophicRegexFailsWithinItsStepBudget(_ function: String) {
        let subject = "'" + String(repeating: "a", count: 34) + "!'"
        let call = function == "$replace" ? "\(function)(\(subject), /^(a+)+$/, 'b')" : "\(function)(\(subject), /^(a+)+$/)"
        let error = #expect(throws: JSONataError.self) { try Self.evaluate(call, input: "{}") }
        #expect(error?.code == "U1001", "\(call): \(error.map(String.init(describing:)) ?? "no error")")
    }

    @Test func regexesFollowJavaScriptSyntax() throws {
        let result = try Self.evaluate(
            #"{'g': $match('The Quick brown fox', /(\w+)\s(?:q\w+)/i).groups, 'r': $replace('a1b22', /\d+/, '#'), 's': $split('a, b,c', /,\s*/)}"#,
            input: "{}"
        )
        #expect(result == (try JSONParser.parse(#"{"g": ["The"], "r": "a#b#", "s": ["a", "b", "c"]}"#)))
    }

    /// The step budget counts expressions, not what each makes: each of these
    /// would take gigabytes within a few thousand steps (fuzz finding class).
    @Test(arguments: [
        "($a := [1..500000]; $count($a.$a))",
        "($f := function($a, $n){ $n = 0 ? $a : $f($append($a, $a), $n - 1) }; $count($f([1], 40)))",
        "($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f('x', 40)))",
        "[1..300].$pad('', 1e7) ~> $count()",
    ])
    func runawayResultsFailOnTheSizeBudget(_ expression: String) {
        let error = #expect(throws: JSONataError.self) { try Self.evaluate(expression, input: "{}") }
        #expect(error?.code == "U1001", "\(expression): \(error.map(String.init(describing:)) ?? "no error")")
        #expect(error?.message.contains("made more than") == true, "\(expression): \(error.map(String.init(describing:)) ?? "no error")")
    }

    @Test func aTailCallLoopThatNeverEndsFailsWithinTheStepBudget() {
        let error = #expect(throws: JSONataError.self) { try Self.evaluate("($f := function(){ $f() }; $f())", input: "{}") }
        #expect(error?.code == "U1001")
    }

    static let syntaxErrors: [(text: String, code: String)] = [
        ("function($x)<n<n>>{ 1 }", "S0401"), ("a.1", "S0213"), ("a@b", "S0214"), ("a[0]@$x", "S0215"),
        ("(a)#3", "S0214"), ("$x{'a': 1}[0]", "S0209"), ("$.%", "S0217"), ("/* open", "S0106"), ("1e500", "S0102"),
        ("[1!2]", "S0204"),
    ]

    @Test(arguments: syntaxErrors)
    func rejectsSyntaxErrorsWithTheirCodes(_ row: (text: String, code: String)) {
        let error = #expect(throws: JSONataError.self) { try JSONataExpression(row.text) }
        #expect(error?.code == row.code, "\(row.text): \(error.map(String.init(describing:)) ?? "no error")")
    }

    /// 10 KB of nesting used to overflow the parser's stack and crash the server.
    @Test(arguments: [
        String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
        String(repeating: "[", count: 5000) + "1" + String(repeating: "]", count: 5000),
        String(repeating: "-", count: 10000) + "1",
        Array(repeating: "1", count: 5000).joined(separator: "+"),
    ])
    func deeplyNestedExpressionsAreSyntaxErrors(_ text: String) {
        let error = #expect(throws: JSONataError.self) { try JSONataExpression(text) }
        #expect(error?.code == "S0201")
    }

    /// Recursion just inside the depth limit runs on a test thread's stack.
    @Test func nonTailRecursionWithinTheDepthLimitRuns() throws {
        let text = "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(160))"
        #expect(try Self.evaluate(text, input: "{}") == .integer(160))
    }

    @Test func nestingWithinTheLimitStillParsesAndRuns() throws {
        let depth = 100
        let text = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        #expect(try Self.evaluate(text, input: "{}") == .integer(1))
    }

    static func evaluate(_ text: String, input: String) throws -> JSONValue? {
        var random = StatesLanguage.SplitMix64(seed: 1)
        return try JSONataExpression(text).evaluate(
            input: try JSONParser.parse(input),
            now: Timestamp(millisecondsSinceEpoch: 0),
            random: &random
        )
    }
}
