import JSON
import Testing

@Suite struct JSONParserTests {
    @Test func integersStayIntegersAndRoundTrip() throws {
        let value = try JSONParser.parse(#"{"n":3,"big":12345678901234567,"f":1.5,"e":1e3}"#)
        #expect(value["n"] == .integer(3))
        #expect(value["f"] == .double(1.5))
        #expect(value["e"] == .double(1000))
        #expect(value.serialized == #"{"n":3,"big":12345678901234567,"f":1.5,"e":1000.0}"#)
    }

    @Test func objectsKeepKeyOrderButCompareUnordered() throws {
        let a = try JSONParser.parse(#"{"b":1,"a":2}"#)
        let b = try JSONParser.parse(#"{"a":2,"b":1}"#)
        #expect(a == b)
        #expect(a.serialized == #"{"b":1,"a":2}"#)
    }

    @Test func escapesAndUnicodeRoundTrip() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\n\u00e9\ud83d\ude00/"]"#)
        #expect(value[0] == .string("a\"b\\c\né😀/"))
        #expect(value.serialized == #"["a\"b\\c\né😀/"]"#)
    }

    @Test(arguments: [
        ("{\"a\":1,}", 1, 8),
        ("[1 2]", 1, 4),
        ("{\"a\" 1}", 1, 6),
        ("01", 1, 1),
        ("\"abc", 1, 5),
        ("{}\n x", 2, 2),
    ])
    func malformedInputNamesLineAndColumn(text: String, line: Int, column: Int) {
        #expect {
            try JSONParser.parse(text)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.line == line && error.column == column
        }
    }

    @Test func parsingInitializerMatchesTheParser() throws {
        #expect(try JSONValue(parsing: #"{"a":[1,2.5,"x",true,null]}"#) == ["a": [1, 2.5, "x", true, nil]])
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: "{") }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func duplicateKeysKeepFirstPositionAndLastValue() throws {
        let small = try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(small.serialized == #"{"a":3,"b":2}"#)
        let manyKeys = (0..<20).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        let large = try JSONParser.parse("{\(manyKeys),\"k3\":\"last\"}")
        #expect(large["k3"] == "last")
        #expect(large.objectValue?.keys.count == 20)
        #expect(large.objectValue?.keys[3] == "k3")
    }

    @Test func objectsOfTheSameShapeStayIndependent() throws {
        let keys = (0..<15).map { "k\($0)" }
        let record = { (n: Int) in "{" + keys.map { #""\#($0)":\#(n)"# }.joined(separator: ",") + "}" }
        let value = try JSONParser.parse("[" + (0..<50).map(record).joined(separator: ",") + #",{"a":1,"b":2},{"a":3,"b":4}]"#)
        var records = try #require(value.arrayValue)
        #expect(records[49]["k14"] == 49)
        #expect(records[51] == ["a": 3, "b": 4])
        var first = try #require(records[0].objectValue)
        first["extra"] = true
        first.removeValue(forKey: "k0")
        records[0] = .object(first)
        #expect(records[0]["k0"] == nil)
        #expect(records[1]["k0"] == 1)
        #expect(records[1].objectValue?.keys == keys)
    }

    @Test func keysKeepTheirExactBytes() throws {
        // Canonically equivalent, different bytes: the second must not take the first's text.
        let value = try JSONParser.parse("[{\"\u{E9}\":1},{\"e\u{301}\":2}]")
        let second = try #require(value[1]?.objectValue?.keys.first)
        #expect(Array(second.utf8) == [0x65, 0xCC, 0x81])
    }

    @Test func largeObjectsAreIndexedAndStillOrdered() throws {
        let keys = (0..<100).map { "key\($0)" }
        let text = "{" + keys.enumerated().map { #""\#($1)":\#($0)"# }.joined(separator: ",") + "}"
        let value = try JSONParser.parse(text)
        #expect(value.objectValue?.keys == keys)
        #expect(value["key57"] == 57)
        #expect(value["missing"] == nil)
        #expect(value.serialized == text)
    }

    @Test(
        arguments: [
            ([0x22, 0xFF, 0x22], 1),  // never valid
            ([0x22, 0xC0, 0xAF, 0x22], 1),  // overlong '/'
            ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // UTF-16 surrogate
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // above U+10FFFF
            ([0x22, 0x61, 0xE2, 0x82, 0x22], 2),  // truncated sequence
        ] as [([UInt8], Int)]
    )
    func invalidUTF8IsRefusedWithItsOffset(bytes: [UInt8], offset: Int) {
        #expect {
            try JSONParser.parse(bytes: bytes)
        } throws: { error in
            (error as? JSONParseError)?.reason == .invalidUTF8 && (error as? JSONParseError)?.offset == offset
        }
    }

    @Test func validMultibyteUTF8IsAccepted() throws {
        let text = #"["é", "€", "😀", "ünïcödé ascii tail to cross eight-byte words"]"#
        #expect(try JSONParser.parse(bytes: Array(text.utf8)) == (try JSONParser.parse(text)))
        #expect(try JSONParser.parse(bytes: Array(text.utf8))[2] == "😀")
    }

    /// The parser's exact fast path and `strtod` must agree on every double.
    @Test func decimalsParseToTheNearestDouble() throws {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        for _ in 0..<20_000 {
            let digits = String(next() % 10_000_000_000_000_000)
            let point = Int(next() % UInt64(digits.count + 1))
            var text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
            if text.hasPrefix(".") { text = "0" + text }
            if text.hasSuffix(".") { text += "0" }
            if next() % 3 == 0 { text += "e\(Int(next() % 60) - 30)" }
            if next() % 2 == 0 { text = "-" + text }
            let parsed = try JSONParser.parse(text)
            #expect(parsed.doubleValue == Double(text), "\(text)")
        }
    }

    @Test(arguments: [
        ("9223372036854775807", JSONValue.integer(.max)),
        ("-9223372036854775808", .integer(.min)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("0.000001", .double(0.000001)),
        ("1e400", .double(.infinity)),
        ("123456789012345678901234567890", .double(1.2345678901234568e29)),
    ])
    func numberEdgesAreKept(text: String, value: JSONValue) throws {
        let parsed = try JSONParser.parse(text)
        #expect(parsed == value)
        #expect(parsed.typeName == "number")
    }
}
