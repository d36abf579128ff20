import JSON
import Testing

@Suite struct JSONSerializationTests {
    /// Java's `Double.toString`, which Jackson and so Step Functions use.
    @Test(arguments: [
        (1.0, "1.0"),
        (-1.5, "-1.5"),
        (0.1, "0.1"),
        (1.1, "1.1"),
        (100.0, "100.0"),
        (0.001, "0.001"),
        (9_999_999.0, "9999999.0"),
        (1_234_567.5, "1234567.5"),
        (1e7, "1.0E7"),
        (1e16, "1.0E16"),
        (123_456_789.123, "1.23456789123E8"),
        (1.2345e20, "1.2345E20"),
        (1e-4, "1.0E-4"),
        (0.00012, "1.2E-4"),
        (-1.5e-7, "-1.5E-7"),
        (1.7976931348623157e308, "1.7976931348623157E308"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (Double.nan, "null"),
        (Double.infinity, "null"),
    ])
    func doublesAreWrittenAsJavaWritesThem(value: Double, text: String) {
        #expect(JSONValue.javaDoubleText(value) == text)
        #expect(JSONValue.double(value).serialized == text)
    }

    @Test(arguments: [
        ("0", "0"),
        ("-0", "0"),
        ("42", "42"),
        ("-7", "-7"),
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("1.0", "1.0"),
        ("1.50", "1.5"),
        ("1e3", "1000.0"),
        ("1E+2", "100.0"),
        ("2.5e-5", "2.5E-5"),
        ("-0.0", "-0.0"),
        // Beyond Int64: kept as the nearest double (AWS, with BigInteger, keeps every digit).
        ("12345678901234567890", "1.2345678901234567E19"),
    ])
    func numbersRoundTripAsAWSWritesThem(input: String, output: String) throws {
        #expect(try JSONParser.parse(input).serialized == output)
    }

    @Test(arguments: [
        (3.0, 3 as Int?), (-2.0, -2), (3.5, nil), (1e19, nil), (-0x1p63, Int.min), (0x1p63, nil), (.nan, nil), (.infinity, nil),
    ])
    func integralDoublesConvertToIntegers(value: Double, integer: Int?) {
        #expect(JSONValue.double(value).integerValue == integer)
    }

    @Test func integersStayIntegers() throws {
        #expect(try JSONParser.parse("3") == .integer(3))
        #expect(try JSONParser.parse("3").integerValue == 3)
        if case .integer = try JSONParser.parse("3.0") { Issue.record("3.0 must stay a double") }
    }

    @Test(arguments: [
        ("a\"b\\c", #""a\"b\\c""#),
        ("line\nfeed\ttab\r\u{8}\u{C}", #""line\nfeed\ttab\r\b\f""#),
        ("\u{1}\u{1F}", #""\u0001\u001F""#),
        ("/é😀\u{7F}", "\"/é😀\u{7F}\""),
    ])
    func stringsEscapeOnlyWhatJacksonEscapes(string: String, text: String) throws {
        #expect(JSONValue.string(string).serialized == text)
        #expect(try JSONParser.parse(text) == .string(string))
    }

    @Test func writeAppendsToExistingBytesAndGrowsPastItsFirstBuffer() throws {
        let long = String(repeating: "abc\"", count: 500)
        let value: JSONValue = ["long": .string(long), "n": [1, 2.5, nil]]
        var output = Array("prefix:".utf8)
        value.write(to: &output)
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.hasPrefix("prefix:{\"long\":\"abc\\\"abc"))
        #expect(text.hasSuffix(#""n":[1,2.5,null]}"#))
        #expect(try JSONParser.parse(String(text.dropFirst("prefix:".count))) == value)
        #expect(value.serialized.utf8.count == output.count - "prefix:".utf8.count)
    }

    @Test func prettyPrintingIndentsByTwoSpaces() throws {
        let value = try JSONParser.parse(#"{"a":[1,{"b":null}],"c":{},"d":[],"e":"x"}"#)
        #expect(
            value.serialized(pretty: true) == """
                {
                  "a": [
                    1,
                    {
                      "b": null
                    }
                  ],
                  "c": {},
                  "d": [],
                  "e": "x"
                }
                """
        )
        #expect(value.serialized(pretty: false) == value.serialized)
        #expect(try JSONParser.parse(value.serialized(pretty: true)) == value)
    }
}
