import JSON
import StatesLanguage
import Testing

/// The formatting and parsing functions where the official suite says
/// nothing: west-of-UTC offsets with minutes, fractions of a second, URL
/// delimiters, decimal-format options, `$now` with a picture, errors.
@Suite struct JSONataFormattingTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var expression: String
        /// The expected result as JSON text.
        var expected: String
        var testDescription: String { expression }
    }

    /// 2023-11-14T22:13:20.123Z.
    static let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_123)

    static let rows: [Row] = [
        // Time zones west of UTC with minutes keep their sign on the minutes.
        Row(expression: "$fromMillis(0, '[Y0001]-[M01]-[D01] [H01]:[m01] [Z]', '-0530')", expected: #""1969-12-31 18:30 -05:30""#),
        Row(expression: "$fromMillis(0, '[H01]:[m01] [Z0]', '-0530')", expected: #""18:30 -5:30""#),
        Row(expression: "$fromMillis(0, '[H01]:[m01] [z]', '+1400')", expected: #""14:00 GMT+14:00""#),
        Row(
            expression: "$toMillis('2020-09-09 08:00:00 -05:30', '[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]')",
            expected: "1599658200000"
        ),
        // Fractions of a second are fractions, not millisecond counts.
        Row(expression: "$toMillis('12:30:15.5', '[H]:[m]:[s].[f]') ~> $fromMillis('[H01]:[m01]:[s01].[f001]')", expected: #""12:30:15.500""#),
        Row(expression: "$fromMillis(1500, '[s1].[f001]')", expected: #""1.500""#),
        // $now takes the same picture and time zone as $fromMillis.
        Row(expression: "$now('[Y0001]-[M01]-[D01] [H01]', '+1400')", expected: #""2023-11-15 12""#),
        Row(expression: "$now()", expected: #""2023-11-14T22:13:20.123Z""#),
        // Names read back case-insensitively; the year from now when not given.
        Row(expression: "$toMillis('MARCH 5', '[MNn] [D]') ~> $fromMillis('[Y0001]-[M01]-[D01]')", expected: #""2023-03-05""#),
        // Integers in another digit family, with an ordinal.
        Row(expression: "$parseInteger('١٢٣', '#٠')", expected: "123"),
        Row(expression: "$formatInteger(1234567, '#,##0;o')", expected: #""1,234,567th""#),
        Row(expression: "$formatInteger(2012, 'Ww;o')", expected: #""Two Thousand and Twelfth""#),
        Row(expression: "$formatInteger(-14, 'I')", expected: #""-XIV""#),
        // Roman numerals past 3999 repeat M, as jsonata-js writes them; past 999,999 the
        // number is written in digits (XPath's fallback) instead of a billion Ms.
        Row(expression: "$formatInteger(4000, 'I')", expected: #""MMMM""#),
        Row(expression: "$formatInteger(1e15, 'I')", expected: #""1000000000000000""#),
        // Separators at irregular places stay where the picture puts them.
        Row(expression: "$formatInteger(1234567, '#,###,00')", expected: #""12,345,67""#),
        // A million-digit year with a separator between every two digits is written in one pass.
        Row(expression: "$length($fromMillis(0, \"[Y0'0,1000000]\"))", expected: "1999999"),
        // Decimal-format options.
        Row(
            expression: "$formatNumber(1234.5, '#.##0,00', {'decimal-separator': ',', 'grouping-separator': '.'})",
            expected: #""1.234,50""#
        ),
        Row(expression: "$formatNumber(-1234.5, '#,##0.0', {'minus-sign': '−'})", expected: #""−1,234.5""#),
        Row(expression: "$formatNumber(0.000123, '0.0e00')", expected: #""1.2e-04""#),
        Row(expression: "$round(2.5) & ',' & $round(3.5) & ',' & $round(1.255, 2)", expected: #""2,4,1.26""#),
        // URL coding: the whole-URL forms keep the delimiters.
        Row(expression: "$encodeUrlComponent('a b&c/d')", expected: #""a%20b%26c%2Fd""#),
        Row(expression: "$encodeUrl('http://x/a b?q=1&r=é')", expected: #""http://x/a%20b?q=1&r=%C3%A9""#),
        Row(expression: "$decodeUrl('%3Fa%20b')", expected: #""%3Fa b""#),
        Row(expression: "$decodeUrlComponent('%3Fa%20b%C3%A9')", expected: #""?a bé""#),
    ]

    @Test(arguments: rows)
    func formatsAndParses(_ row: Row) throws {
        var random = StatesLanguage.SplitMix64(seed: 1)
        let result = try JSONataExpression(row.expression).evaluate(input: nil, now: Self.now, random: &random)
        #expect(result == (try JSONParser.parse(row.expected)), "\(row.expression) gave \(result?.serialized ?? "undefined")")
    }

    static let errors: [(expression: String, code: String)] = [
        ("$fromMillis(0, '[Y]', 'EST')", "T0410"),
        ("$fromMillis(0, '[Y0001')", "D3135"),
        ("$fromMillis(0, '[Q]')", "D3132"),
        ("$fromMillis(0, '[HN]')", "D3133"),
        ("$toMillis('2018-13-01')", "D3110"),
        ("$toMillis('2018-01-01T10:00')", "D3110"),
        ("$formatInteger(5, '#')", "D3130"),
        // An infinite sum has no integer to write: words recursed and numerals looped forever.
        ("$formatInteger($sum([1e308, 1e308]), 'w')", "D1001"),
        ("$formatInteger($sum([1e308, 1e308]), 'I')", "D1001"),
        // A year whose milliseconds overflow Int64; a zone hours field that overflows in minutes.
        ("$toMillis('999999999', '[Y]')", "D3110"),
        ("$toMillis('2020 +999999999999999999:00', '[Y] [Z]')", "D3110"),
        // Picture widths: a negative one, and a maximum that would be a year's digit count.
        ("$fromMillis(0, '[Y,2--3]')", "D3141"),
        ("$fromMillis(0, '[Y,1-99999999999]')", "D3141"),
        ("$formatNumber(1, '0.0', {'digit': 1})", "T0410"),
        ("$decodeUrlComponent('%C3')", "D3140"),
        ("$decodeUrlComponent('%zz')", "D3140"),
    ]

    @Test(arguments: errors)
    func reportsPictureAndInputErrors(_ row: (expression: String, code: String)) throws {
        var random = StatesLanguage.SplitMix64(seed: 1)
        let expression = try JSONataExpression(row.expression)
        let error = #expect(throws: JSONataError.self) { try expression.evaluate(input: nil, now: Self.now, random: &random) }
        #expect(error?.code == row.code, "\(row.expression): \(error.map(String.init(describing:)) ?? "no error")")
    }
}
