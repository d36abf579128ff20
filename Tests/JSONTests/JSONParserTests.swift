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

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }
}
