import JSON
import Testing

/// One evaluation: a path, the document, and the expected result as JSON text
/// (`nil`: the definite path selects nothing).
struct PathCase: CustomTestStringConvertible, Sendable {
    let path: String
    let document: String
    let expected: String?
    var testDescription: String { "\(path) on \(document.prefix(40))" }

    init(_ path: String, _ document: String = PathCase.store, _ expected: String?) {
        self.path = path
        self.document = document
        self.expected = expected
    }

    static let store = #"""
        {"store":{"book":[
          {"category":"reference","author":"Nigel Rees","title":"Sayings","price":8.95},
          {"category":"fiction","author":"Evelyn Waugh","title":"Sword","price":12.99},
          {"category":"fiction","author":"Herman Melville","title":"Moby Dick","isbn":"0-553","price":8.99},
          {"category":"fiction","author":"J. R. R. Tolkien","title":"The Lord","isbn":"0-395","price":22.99}],
          "bicycle":{"color":"red","price":19.95}},
         "expensive":10}
        """#
    static let items = #"{"items":[{"v":0},{"v":1},{"v":2},{"v":3},{"v":4}]}"#
}

@Suite struct JSONPathEvaluationTests {
    static let store = PathCase.store
    static let items = PathCase.items

    static let definite: [PathCase] = [
        PathCase("$", #"{"a":1}"#, #"{"a":1}"#),
        PathCase("$.a", #"{"a":1}"#, "1"),
        PathCase("$.a.b", #"{"a":{"b":[1,2]}}"#, "[1,2]"),
        PathCase("$['a']['b c']", #"{"a":{"b c":true}}"#, "true"),
        PathCase(#"$["a"]"#, #"{"a":null}"#, "null"),
        PathCase("$.delivery-partner", #"{"delivery-partner":"x"}"#, #""x""#),
        PathCase("$.items[0]", items, #"{"v":0}"#),
        PathCase("$.items[4].v", items, "4"),
        PathCase("$.items[-1]", items, #"{"v":4}"#),
        PathCase("$.items[-5].v", items, "0"),
        PathCase("$[1]", "[10,20,30]", "20"),
        // Missing or mistyped along the way: nothing, which AWS reports as a failure.
        PathCase("$.missing", #"{"a":1}"#, nil),
        PathCase("$.a.b", #"{"a":"text"}"#, nil),
        PathCase("$.items[5]", items, nil),
        PathCase("$.items[-6]", items, nil),
        PathCase("$.a[0]", #"{"a":{"0":1}}"#, nil),
        PathCase("$.a", "[1]", nil),
        // Jayway's multi-property read: an object with the members that exist.
        PathCase("$['a','c','missing']", #"{"a":1,"b":2,"c":3}"#, #"{"a":1,"c":3}"#),
        // Quoted names take `\'` and `\\` as escapes and keep other backslashes (AWS).
        PathCase(#"$['it\'s']"#, #"{"it's":1}"#, "1"),
        PathCase(#"$['Test\""Name"']"#, #"{"Test\\\"\"Name\"":"Value"}"#, #""Value""#),
    ]

    static let indefinite: [PathCase] = [
        PathCase("$.items[1:3].v", items, "[1,2]"),
        PathCase("$.items[:2].v", items, "[0,1]"),
        PathCase("$.items[3:].v", items, "[3,4]"),
        PathCase("$.items[-2:].v", items, "[3,4]"),
        PathCase("$.items[:-3].v", items, "[0,1]"),
        PathCase("$.items[0:5:2].v", items, "[0,2,4]"),
        PathCase("$.items[3:1]", items, "[]"),
        PathCase("$.items[1:100].v", items, "[1,2,3,4]"),
        PathCase("$.items[*].v", items, "[0,1,2,3,4]"),
        PathCase("$.items.*.v", items, "[0,1,2,3,4]"),
        PathCase("$.items[0,2,-1].v", items, "[0,2,4]"),
        PathCase("$.items[0,9].v", items, "[0]"),
        PathCase("$.*", #"{"a":1,"b":[2]}"#, "[1,[2]]"),
        PathCase("$[*]", "{}", "[]"),
        PathCase("$[*]", "[]", "[]"),
        // Missing input under an indefinite path is an empty list, not an error (AWS).
        PathCase("$.items[*]", "{}", "[]"),
        PathCase("$.items[1:]", "{}", "[]"),
        PathCase("$.item.items[:1]", "{}", "[]"),
        PathCase("$.items[1:5].itemValue", "{}", "[]"),
        PathCase("$.items[*]", #"{"items":"text"}"#, "[]"),
        PathCase("$.a[1:2]", #"{"a":{"x":1}}"#, "[]"),
        // Recursive descent, parents before children.
        PathCase("$..author", store, #"["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]"#),
        PathCase("$.store..price", store, "[8.95,12.99,8.99,22.99,19.95]"),
        PathCase("$..book[2].title", store, #"["Moby Dick"]"#),
        PathCase("$..book[-1:].title", store, #"["The Lord"]"#),
        PathCase("$..*", #"{"a":{"b":1},"c":[2]}"#, #"[{"b":1},[2],1,2]"#),
        PathCase("$..[0]", #"{"a":[1,[2,3]],"b":{"c":[4]}}"#, "[1,2,4]"),
        PathCase("$..x", #"{"x":1,"y":{"x":2,"z":[{"x":3}]}}"#, "[1,2,3]"),
        // Filters.
        PathCase("$.store.book[?(@.price < 10)].title", store, #"["Sayings","Moby Dick"]"#),
        PathCase("$.store.book[?(@.price <= 8.99)].title", store, #"["Sayings","Moby Dick"]"#),
        PathCase("$.store.book[?(@.price > 12.99)].title", store, #"["The Lord"]"#),
        PathCase("$.store.book[?(@.price >= 12.99)].title", store, #"["Sword","The Lord"]"#),
        PathCase("$.store.book[?(@.category == 'reference')].title", store, #"["Sayings"]"#),
        PathCase(#"$.store.book[?(@.category != "fiction")].title"#, store, #"["Sayings"]"#),
        PathCase("$.store.book[?(@.isbn)].title", store, #"["Moby Dick","The Lord"]"#),
        PathCase("$.store.book[?(!@.isbn)].title", store, #"["Sayings","Sword"]"#),
        PathCase("$.store.book[?(@.isbn && @.price < 10)].title", store, #"["Moby Dick"]"#),
        PathCase("$.store.book[?(@.price < 9 || @.price > 20)].title", store, #"["Sayings","Moby Dick","The Lord"]"#),
        PathCase("$.store.book[?((@.price < 9 || @.price > 20) && @.isbn)].title", store, #"["Moby Dick","The Lord"]"#),
        PathCase("$.store.book[?(@.price > $.expensive)].title", store, #"["Sword","The Lord"]"#),
        PathCase("$.store.book[?(@.author =~ /.*melville/i)].title", store, #"["Moby Dick"]"#),
        PathCase("$.store.book[?(@.category in ['reference','poetry'])].title", store, #"["Sayings"]"#),
        PathCase("$.store.book[?(@.category nin ['fiction'])].title", store, #"["Sayings"]"#),
        PathCase("$..book[?(@.price < 9)].price", store, "[8.95,8.99]"),
        PathCase("$..[?(@.color)]", store, #"[{"color":"red","price":19.95}]"#),
        PathCase(
            "$.users[?(@.status == 0)]",
            #"{"users":[{"year":1997,"status":0},{"year":1998,"status":1}]}"#,
            #"[{"year":1997,"status":0}]"#
        ),
        PathCase("$.n[?(@ > 1)]", #"{"n":[1,2,3]}"#, "[2,3]"),
        PathCase("$.n[?(@ == 2.0)]", #"{"n":[1,2,3]}"#, "[2]"),
        PathCase("$.a[?(@.x == null)]", #"{"a":[{"x":null},{"y":1}]}"#, #"[{"x":null}]"#),
        PathCase("$.a[?(@.x != 1)]", #"{"a":[{"x":1},{"x":2},{}]}"#, #"[{"x":2},{}]"#),
        PathCase("$.a[?(@.x < 'b')]", #"{"a":[{"x":"a"},{"x":"c"},{"x":1}]}"#, #"[{"x":"a"}]"#),
        PathCase("$.a[?(@.x == '1')]", #"{"a":[{"x":1},{"x":"1"},{"x":2}]}"#, #"[{"x":1},{"x":"1"}]"#),
        PathCase("$.a[?(@.t == true)].n", #"{"a":[{"t":true,"n":1},{"t":1,"n":2}]}"#, "[1]"),
        PathCase("$.a[?(@.tags contains 'x')].n", #"{"a":[{"tags":["x"],"n":1},{"tags":[],"n":2}]}"#, "[1]"),
        PathCase("$.a[?(@.tags size 2)].n", #"{"a":[{"tags":[1,2],"n":1},{"tags":[],"n":2}]}"#, "[1]"),
        PathCase("$.a[?(@.tags empty true)].n", #"{"a":[{"tags":[1,2],"n":1},{"tags":[],"n":2}]}"#, "[2]"),
        PathCase("$.o[?(@.k == 1)]", #"{"o":{"k":1}}"#, #"[{"k":1}]"#),
        PathCase("$['a','b'].c", #"{"a":{"c":1},"b":{"c":2}}"#, "[1,2]"),
    ]

    @Test(arguments: definite)
    func definitePathsReturnTheValueOrNil(_ testCase: PathCase) throws {
        let path = try JSONPath(testCase.path)
        #expect(path.isDefinite)
        let result = path.evaluate(try JSONParser.parse(testCase.document))
        #expect(result == (try testCase.expected.map { try JSONParser.parse($0) }))
    }

    @Test(arguments: indefinite)
    func indefinitePathsReturnEveryMatchInDocumentOrder(_ testCase: PathCase) throws {
        let path = try JSONPath(testCase.path)
        #expect(!path.isDefinite)
        let result = path.evaluate(try JSONParser.parse(testCase.document))
        // Order matters, so compare the serialized text rather than using ==.
        let expected = try JSONParser.parse(try #require(testCase.expected))
        #expect(result?.serialized == expected.serialized)
    }
}

@Suite struct JSONPathParsingTests {
    @Test(arguments: [
        ("$", JSONPath.Root.input, 0),
        ("$$", .context, 0),
        ("$$.Execution.Id", .context, 2),
        ("$$.Map.Item.Value", .context, 3),
        ("$x", .variable("x"), 0),
        ("$constant_obj.in_obj_constant_lst", .variable("constant_obj"), 1),
        ("$var[0]", .variable("var"), 1),
        ("  $.a  ", .input, 1),
    ])
    func rootsAreRecognised(text: String, root: JSONPath.Root, segmentCount: Int) throws {
        let path = try JSONPath(text)
        #expect(path.root == root)
        #expect(path.segments.count == segmentCount)
        #expect(path.text == text)
        #expect(path.description == text)
    }

    @Test func segmentsAreParsedIntoTheirKinds() throws {
        let path = try JSONPath("$.a['b'][1][-2][0,3][1:][:-1][::2][*].*..c['d','e'][?(@.x)]")
        #expect(
            path.segments == [
                .member("a"), .member("b"), .index(1), .index(-2), .indexes([0, 3]),
                .slice(start: 1, end: nil, step: 1), .slice(start: nil, end: -1, step: 1),
                .slice(start: nil, end: nil, step: 2), .wildcard, .wildcard, .recursiveDescent, .member("c"),
                .members(["d", "e"]), .filter(.exists(.current([.member("x")]))),
            ]
        )
    }

    @Test func filterOperatorsBindAsUsual() throws {
        let path = try JSONPath("$[?(@.a == 1 || @.b < 2 && !@.c)]")
        let expected = JSONPath.Filter.or(
            .comparison(.current([.member("a")]), .equal, .literal(1)),
            .and(.comparison(.current([.member("b")]), .less, .literal(2)), .not(.exists(.current([.member("c")]))))
        )
        #expect(path.segments == [.filter(expected)])
    }

    @Test(arguments: [
        ("$.a.b", true, true),
        ("$['a'][0][-1]", true, true),
        ("$$.Execution.Input", true, true),
        ("$['a','b']", true, false),
        ("$.a[*]", false, false),
        ("$.a[1:2]", false, false),
        ("$..a", false, false),
        ("$.a[0,1]", false, false),
        ("$.a[?(@.x)]", false, false),
        ("$['a','b'].c", false, false),
    ])
    func definitenessAndReferencePaths(text: String, isDefinite: Bool, isReferencePath: Bool) throws {
        let path = try JSONPath(text)
        #expect(path.isDefinite == isDefinite)
        #expect(path.isReferencePath == isReferencePath)
    }

    @Test(arguments: [
        ("", JSONPathError.Reason.empty, 0),
        ("a.b", .expectedRoot, 0),
        ("$.", .endsWithDot, 1),
        ("$.a..", .endsWithDot, 3),
        ("$.a b", .blankInMemberName, 3),
        ("$.a.length()", .functionsUnsupported, 4),
        ("$.a[", .unexpectedEnd, 4),
        ("$.a[0", .unexpectedEnd, 5),
        ("$.a[x]", .unexpectedCharacter, 4),
        ("$['a'", .unexpectedEnd, 5),
        ("$['a]", .unterminatedString, 2),
        ("$['a' 'b']", .expectedCommaOrBracket, 6),
        ("$['a',0]", .mixedUnion, 6),
        ("$[0,'a']", .mixedUnion, 4),
        ("$[1:2:0]", .invalidSlice, 6),
        ("$[99999999999999999999]", .invalidIndex, 2),
        ("$[?(@.a ==)]", .expectedOperand, 10),
        ("$[?(@.a == 1]", .expectedClosingParenthesis, 12),
        ("$[?(1)]", .invalidFilter, 4),
        ("$[?(@.a =~ /(/)]", .invalidRegularExpression, 11),
        ("$1", .invalidVariableName, 1),
        ("$.é x", .blankInMemberName, 3),
        ("$.a]", .unexpectedCharacter, 3),
        ("$x y", .invalidVariableName, 3),
    ])
    func malformedPathsSayWhatAndWhere(text: String, reason: JSONPathError.Reason, offset: Int) {
        #expect {
            try JSONPath(text)
        } throws: { error in
            guard let error = error as? JSONPathError else { return false }
            return error.reason == reason && error.offset == offset && error.path == text
        }
    }

    @Test(arguments: [
        ("$.NoSuchInputPath", "$['NoSuchInputPath']"),
        ("$.a[0].b[-1]", "$['a'][0]['b'][-1]"),
        ("$$.Execution.Input", "$$['Execution']['Input']"),
        ("$var.x", "$var['x']"),
        ("$..a[*][1:3][:2][::2][0,1]['x','y'][?(@.z)]", "$..['a'][*][1:3][:2][::2][0,1]['x','y'][?]"),
    ])
    func normalizedTextIsJaywaysForm(text: String, normalized: String) throws {
        #expect(try JSONPath(text).normalizedText == normalized)
    }

    @Test(arguments: [
        ("$.NoSuchInputPath", #"{"int-literal":0}"#, "No results for path: $['NoSuchInputPath']"),
        ("$.a.b.c", #"{"a":{}}"#, "Missing property in path $['a']['b']"),
        ("$.a.b", #"{"a":{}}"#, "No results for path: $['a']['b']"),
        ("$.a[3].b", #"{"a":[1]}"#, "No results for path: $['a'][3]['b']"),
        ("$.a.b", #"{"a":"text"}"#, "No results for path: $['a']['b']"),
    ])
    func notFoundMessagesAreJaywaysWords(text: String, document: String, message: String) throws {
        let path = try JSONPath(text)
        #expect(path.notFoundMessage(in: try JSONParser.parse(document)) == message)
    }

    @Test func notFoundMessageIsNilWhenSomethingIsSelected() throws {
        #expect(try JSONPath("$.a").notFoundMessage(in: ["a": nil]) == nil)
        #expect(try JSONPath("$.a[*]").notFoundMessage(in: [:]) == nil)
    }

    @Test func filterNestingIsBounded() {
        let deep = "$[?(" + String(repeating: "(", count: 10_000) + "@.a" + String(repeating: ")", count: 10_000) + ")]"
        #expect(throws: JSONPathError.self) { try JSONPath(deep) }
        let nested = "$" + String(repeating: "[?(@", count: 10_000) + String(repeating: ")]", count: 10_000)
        #expect(throws: JSONPathError.self) { try JSONPath(nested) }
        #expect(throws: Never.self) { try JSONPath("$[?(((@.a == 1)) && !(!@.b))]") }
    }

    @Test func equalPathsHaveEqualText() throws {
        #expect(try JSONPath("$.a") == JSONPath("$.a"))
        #expect(try JSONPath("$.a") != JSONPath("$['a']"))
        #expect(Set([try JSONPath("$.a"), try JSONPath("$.a")]).count == 1)
    }
}

@Suite struct JSONPathSettingTests {
    @Test(arguments: [
        ("$", #"{"a":1}"#, #""x""#),
        ("$.a", #"{"a":1,"b":2}"#, #"{"a":"x","b":2}"#),
        ("$.c", #"{"a":1,"b":2}"#, #"{"a":1,"b":2,"c":"x"}"#),
        ("$.a.b.c", "{}", #"{"a":{"b":{"c":"x"}}}"#),
        ("$.a.b", #"{"a":{"z":0},"y":1}"#, #"{"a":{"z":0,"b":"x"},"y":1}"#),
        ("$['a b']", "{}", #"{"a b":"x"}"#),
        ("$.a[1]", #"{"a":[1,2,3]}"#, #"{"a":[1,"x",3]}"#),
        ("$.a[-1].b", #"{"a":[{},{}]}"#, #"{"a":[{},{"b":"x"}]}"#),
    ])
    func resultPathPlacesTheValue(path: String, document: String, expected: String) throws {
        let result = try JSONPath(path).setting("x", in: try JSONParser.parse(document))
        #expect(result.serialized == (try JSONParser.parse(expected)).serialized)
    }

    @Test(arguments: [
        ("$.a.b", #"{"a":"text"}"#, JSONPathError.Reason.notAnObject, 3),
        ("$.a", "[1]", .notAnObject, 1),
        ("$.a[0]", #"{"a":{}}"#, .notAnArray, 3),
        ("$.a[0]", "{}", .notAnArray, 3),
        ("$.a[2]", #"{"a":[1]}"#, .indexOutOfRange, 3),
        ("$.a[*]", "{}", .notAReferencePath, 3),
        ("$..a", "{}", .notAReferencePath, 1),
        ("$$.a", "{}", .notInputRooted, 0),
        ("$v.a", "{}", .notInputRooted, 0),
    ])
    func resultPathFailsWhereTheDocumentDoesNotFit(path: String, document: String, reason: JSONPathError.Reason, offset: Int) throws {
        let parsed = try JSONPath(path)
        let input = try JSONParser.parse(document)
        #expect {
            try parsed.setting(1, in: input)
        } throws: { error in
            guard let error = error as? JSONPathError else { return false }
            return error.reason == reason && error.offset == offset
        }
    }
}
