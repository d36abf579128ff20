/// An analysed XPath `format-dateTime` picture string
/// (`[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]`), as `$fromMillis`
/// formats and `$toMillis` parses with it.
///
/// A picture is literal text and variable markers in brackets (`[[` and `]]`
/// are literal brackets). A marker is a component letter, then presentation
/// modifiers (an integer picture such as `01`, `#,##0`, `w`, `I`; or `N`,
/// `n`, `Nn` for names; a trailing `o` for ordinals, `t` for `Z` on a zero
/// offset), then an optional width `,min-max` (`*` for no limit). Whitespace
/// inside a marker is ignored.
struct JSONataDateTimePicture {
    enum Part {
        case literal(String)
        case marker(Marker)
    }

    struct Marker {
        /// `Y` year, `M` month, `D` day of month, `d` day of year, `F` day of
        /// week, `W` ISO week of year, `w` week of month, `X` ISO week-numbering
        /// year, `x` week-numbering month, `H`/`h` hour (24/12), `P` am/pm, `m`
        /// minute, `s` second, `f` fraction, `Z`/`z` time zone, `C` calendar,
        /// `E` era.
        var component: Character
        /// Set when the component is written as a name (`[MNn]`, `[FN]`, `[Pn]`).
        var names: JSONataIntegerPicture.LetterCase?
        /// The integer format, for integer components and time zones.
        var integer: JSONataIntegerPicture?
        /// The second presentation modifier: `o`rdinal, `c`ardinal, `t` (Z for zero offset), `a`.
        var modifier: Character?
        var minimumWidth: Int?
        var maximumWidth: Int?
        /// For the year: how many trailing digits to show (`[Y,2]` shows 18 for 2018).
        var yearDigits: Int?
        /// When this integer marker is directly followed by another, the exact
        /// number of digits it occupies when parsing (`[Y0001][M01]` reads `201802`).
        var parseWidth: Int?
    }

    var parts: [Part]

    /// The picture `$fromMillis` uses without one: ISO 8601 with milliseconds.
    static let iso8601: JSONataDateTimePicture = {
        // This literal picture is well formed (the formatting tests run it), so analysis cannot throw.
        try! JSONataDateTimePicture("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]")
    }()

    private static let defaultPresentation: [Character: String] = [
        "Y": "1", "M": "1", "D": "1", "d": "1", "F": "n", "W": "1", "w": "1", "X": "1", "x": "1", "H": "1", "h": "1",
        "P": "n", "m": "01", "s": "01", "f": "1", "Z": "01:01", "z": "01:01", "C": "n", "E": "n",
    ]
    static let integerComponents: Set<Character> = ["Y", "M", "D", "d", "F", "W", "w", "X", "x", "H", "h", "m", "s", "f"]

    /// Analyses `picture`.
    ///
    /// - Throws: D3135 for a `[` without its `]`, D3132 for an unknown
    ///   component, D3131 for mixed digit families in an integer picture.
    init(_ picture: String) throws(JSONataError) {
        let characters = Array(picture)
        var parts: [Part] = []
        var literal = ""
        func flushLiteral() {
            guard !literal.isEmpty else { return }
            parts.append(.literal(literal.contains("]") ? literal.components(separatedByText: "]]").joined(separator: "]") : literal))
            literal = ""
        }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "[" else {
                literal.append(character)
                index += 1
                continue
            }
            if index + 1 < characters.count, characters[index + 1] == "[" {
                flushLiteral()
                parts.append(.literal("["))
                index += 2
                continue
            }
            flushLiteral()
            guard let close = characters[index...].firstIndex(of: "]") else {
                throw JSONataError("D3135", "No matching closing bracket ']' in date/time picture string")
            }
            let text = String(characters[(index + 1)..<close].filter { !$0.isWhitespace })
            var marker = try Self.marker(text)
            if marker.integer != nil, Self.integerComponents.contains(marker.component),
                case .marker(var previous)? = parts.last, previous.integer != nil
            {
                previous.parseWidth = previous.integer?.mandatoryDigits
                parts[parts.count - 1] = .marker(previous)
            }
            if marker.component == "Y", let integer = marker.integer {
                if let maximum = marker.maximumWidth {
                    marker.yearDigits = maximum
                    marker.integer?.mandatoryDigits = maximum
                } else if integer.mandatoryDigits + integer.optionalDigits >= 2 {
                    marker.yearDigits = integer.mandatoryDigits + integer.optionalDigits
                }
            }
            parts.append(.marker(marker))
            index = close + 1
        }
        flushLiteral()
        self.parts = parts
    }

    private static func marker(_ text: String) throws(JSONataError) -> Marker {
        guard let component = text.first, defaultPresentation[component] != nil else {
            let shown = text.first.map { "\"\($0)\"" } ?? "\"\""
            throw JSONataError("D3132", "Unknown component specifier \(shown) in date/time picture string")
        }
        var marker = Marker(component: component)
        var presentation = String(text.dropFirst())
        if let comma = presentation.lastIndex(of: ",") {
            let width = presentation[presentation.index(after: comma)...]
            presentation = String(presentation[..<comma])
            let bounds = width.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            marker.minimumWidth = Int(bounds[0])
            marker.maximumWidth = bounds.count > 1 ? Int(bounds[1]) : nil
            // A width is padding to write (a year's maximum width is its digit count too):
            // one of a billion would exhaust memory, not fail the state. A negative one
            // (`[Y,2--3]`) would be a negative count of digits or characters to keep.
            for width in [marker.minimumWidth, marker.maximumWidth].compactMap({ $0 })
            where !(0...JSONataEvaluator.maximumPadding).contains(width) {
                throw JSONataError(
                    "D3141",
                    "The width \(width) in the date/time picture is outside 0…\(JSONataEvaluator.maximumPadding) characters"
                )
            }
        }
        if presentation.isEmpty {
            presentation = defaultPresentation[component] ?? "1"
        } else if presentation.count > 1, let last = presentation.last, "atco".contains(last) {
            marker.modifier = last
            presentation.removeLast()
        }
        if presentation.first == "n" {
            marker.names = .lower
        } else if presentation.first == "N" {
            marker.names = presentation.dropFirst().first == "n" ? .title : .upper
        } else if integerComponents.contains(component) {
            var integer = try JSONataIntegerPicture(presentation + (marker.modifier.map { ";\($0)" } ?? ""))
            if let minimum = marker.minimumWidth, integer.mandatoryDigits < minimum { integer.mandatoryDigits = minimum }
            marker.integer = integer
        }
        if component == "Z" || component == "z" { marker.integer = try JSONataIntegerPicture(presentation) }
        return marker
    }
}
