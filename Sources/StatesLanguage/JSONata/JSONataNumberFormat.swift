/// `$formatNumber(number, picture, options?)`: the XPath 3.1 `format-number`
/// picture string (F&O 4.7) with JSONata's decimal-format options.
///
/// A picture is one sub-picture, or two separated by `;` (the second for
/// negative numbers). Each has a passive prefix and suffix around an active
/// part of digits (`0`…`9` of the zero-digit's family are mandatory, `#`
/// optional), grouping separators, a decimal separator and an optional
/// exponent (`00.000e0`). A `%` or `‰` anywhere multiplies by 100 or 1000.
/// `options` overrides the symbols: `decimal-separator`,
/// `grouping-separator`, `exponent-separator`, `minus-sign`, `percent`,
/// `per-mille`, `zero-digit`, `digit`, `pattern-separator`, `infinity`, `NaN`.
///
/// Picture errors are checked in the reference implementation's order, and
/// as there the last rule a picture breaks is the one reported (D3081–D3093).
enum JSONataNumberFormat {
    /// The decimal-format symbols, each a string (an option may set several characters).
    struct Symbols {
        var decimalSeparator = "."
        var groupingSeparator = ","
        var exponentSeparator = "e"
        var infinity = "Infinity"
        var minusSign = "-"
        var notANumber = "NaN"
        var percent = "%"
        var perMille = "\u{2030}"
        var zeroDigit = "0"
        var digit = "#"
        var patternSeparator = ";"

        /// The defaults with `options` applied; unknown option names are ignored.
        init(options: [String: String] = [:]) {
            for (name, value) in options {
                switch name {
                case "decimal-separator": decimalSeparator = value
                case "grouping-separator": groupingSeparator = value
                case "exponent-separator": exponentSeparator = value
                case "infinity": infinity = value
                case "minus-sign": minusSign = value
                case "NaN": notANumber = value
                case "percent": percent = value
                case "per-mille": perMille = value
                case "zero-digit": zeroDigit = value
                case "digit": digit = value
                case "pattern-separator": patternSeparator = value
                default: break
                }
            }
        }
    }

    /// One sub-picture cut into its parts (F&O 4.7.3).
    private struct Parts {
        var picture: [Character]
        var prefix: [Character]
        var suffix: [Character]
        var active: [Character]
        var mantissa: [Character]
        var exponent: [Character]?
        var integer: [Character]
        var fraction: [Character]
    }

    /// One sub-picture's variables (F&O 4.7.4).
    private struct Analysis {
        var hasPercent: Bool
        var hasPerMille: Bool
        var hasDecimalSeparator: Bool
        var prefix: String
        var suffix: String
        var integerGroupingPositions: [Int]
        var regularGrouping: Int?
        var fractionGroupingPositions: [Int]
        var minimumIntegerDigits: Int
        var scalingFactor: Int
        var minimumFractionDigits: Int
        var maximumFractionDigits: Int
        var minimumExponentDigits: Int
    }

    /// The characters of a picture and what they are, for one set of symbols.
    private struct Alphabet {
        let symbols: Symbols
        /// The ten digits starting at the zero digit.
        let digits: [Character]
        let active: Set<String>

        /// The default symbols' alphabet, built once.
        static let standard = Alphabet(Symbols())

        init(_ symbols: Symbols) {
            self.symbols = symbols
            let zero = symbols.zeroDigit.unicodeScalars.first?.value ?? 0x30
            digits = (0..<10).map { Character(Unicode.Scalar(zero + UInt32($0)) ?? "0") }
            active = Set(digits.map(String.init)).union([
                symbols.decimalSeparator, symbols.exponentSeparator, symbols.groupingSeparator, symbols.digit,
                symbols.patternSeparator,
            ])
        }

        func isDigit(_ c: Character) -> Bool { digits.contains(c) }
        func isDigitOrOptional(_ c: Character) -> Bool { isDigit(c) || String(c) == symbols.digit }
        func isActive(_ c: Character) -> Bool { active.contains(String(c)) }
    }

    /// `value` formatted by `picture`.
    ///
    /// - Throws: D3080 for more than two sub-pictures, D3081–D3093 for a
    ///   malformed sub-picture.
    static func format(_ value: Double, picture: String, options: [String: String] = [:]) throws(JSONataError) -> String {
        let alphabet = options.isEmpty ? Alphabet.standard : Alphabet(Symbols(options: options))
        let symbols = alphabet.symbols
        let subPictures = split(Array(picture), on: Array(symbols.patternSeparator))
        guard subPictures.count <= 2 else {
            throw JSONataError("D3080", "The picture string must only contain a maximum of two sub-pictures")
        }
        let parts = subPictures.map { split($0, alphabet) }
        for part in parts { try validate(part, alphabet) }
        var analyses = parts.map { analyse($0, alphabet) }
        if analyses.count == 1 {
            var negative = analyses[0]
            negative.prefix = symbols.minusSign + negative.prefix
            analyses.append(negative)
        }
        let picture = value >= 0 ? analyses[0] : analyses[1]
        guard value.isFinite else {
            return picture.prefix + (value.isNaN ? symbols.notANumber : symbols.infinity) + picture.suffix
        }
        var adjusted = value
        if picture.hasPercent {
            adjusted *= 100
        } else if picture.hasPerMille {
            adjusted *= 1000
        }
        var mantissa = adjusted
        var exponent: Int?
        if picture.minimumExponentDigits > 0 {
            // Scale the magnitude into [10^(N-1), 10^N] for N integer digits; zero stays zero.
            let maximum = power10(picture.scalingFactor)
            let minimum = power10(picture.scalingFactor - 1)
            var shift = 0
            if mantissa != 0 {
                while abs(mantissa) < minimum {
                    mantissa *= 10
                    shift -= 1
                }
                while abs(mantissa) > maximum {
                    mantissa /= 10
                    shift += 1
                }
            }
            exponent = shift
        }
        let rounded = round(mantissa, precision: picture.maximumFractionDigits)
        var units = digitUnits(decimalText(abs(rounded), fractionDigits: picture.maximumFractionDigits), alphabet)
        if !units.contains(symbols.decimalSeparator) { units.append(symbols.decimalSeparator) }
        let zero = String(alphabet.digits[0])
        while units.first == zero { units.removeFirst() }
        while units.last == zero { units.removeLast() }
        var point = units.firstIndex(of: symbols.decimalSeparator) ?? units.count
        let padLeft = picture.minimumIntegerDigits - point
        let padRight = picture.minimumFractionDigits - (units.count - point - 1)
        if padLeft > 0 { units.insert(contentsOf: Array(repeating: zero, count: padLeft), at: 0) }
        if padRight > 0 { units.append(contentsOf: Array(repeating: zero, count: padRight)) }
        point = units.firstIndex(of: symbols.decimalSeparator) ?? units.count
        if let interval = picture.regularGrouping {
            var position = interval
            while position < point {
                units.insert(symbols.groupingSeparator, at: point - position)
                position += interval
            }
        } else {
            for position in picture.integerGroupingPositions where point - position > 0 {
                units.insert(symbols.groupingSeparator, at: point - position)
                point += 1
            }
        }
        point = units.firstIndex(of: symbols.decimalSeparator) ?? units.count
        for position in picture.fractionGroupingPositions.sorted(by: >) where point + 1 + position < units.count {
            units.insert(symbols.groupingSeparator, at: point + 1 + position)
        }
        point = units.firstIndex(of: symbols.decimalSeparator) ?? units.count
        if !picture.hasDecimalSeparator || point == units.count - 1 { units.removeLast() }
        var text = units.joined()
        if let exponent {
            var digits = digitUnits(String(abs(exponent)), alphabet)
            if digits.count < picture.minimumExponentDigits {
                digits.insert(contentsOf: Array(repeating: zero, count: picture.minimumExponentDigits - digits.count), at: 0)
            }
            text += symbols.exponentSeparator + (exponent < 0 ? symbols.minusSign : "") + digits.joined()
        }
        return picture.prefix + text + picture.suffix
    }

    /// ASCII digits and `.` as the picture's digits and decimal separator, one string per character.
    private static func digitUnits(_ text: String, _ alphabet: Alphabet) -> [String] {
        text.map { c in
            if let digit = c.wholeNumberValue, c.isASCII { return String(alphabet.digits[digit]) }
            return c == "." ? alphabet.symbols.decimalSeparator : String(c)
        }
    }

    private static func power10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }

    private static func split(_ picture: [Character], _ alphabet: Alphabet) -> Parts {
        let exponentSeparator = Array(alphabet.symbols.exponentSeparator)
        func isMantissaActive(_ c: Character) -> Bool { alphabet.isActive(c) && String(c) != alphabet.symbols.exponentSeparator }
        // With no active character at all, the whole sub-picture is the active
        // part (and so fails validation as passive characters there).
        let prefix = picture.firstIndex(where: isMantissaActive).map { Array(picture[..<$0]) } ?? []
        let suffix = picture.lastIndex(where: isMantissaActive).map { Array(picture[($0 + 1)...]) } ?? []
        let end = picture.count - suffix.count
        let active = Array(picture[prefix.count..<max(prefix.count, end)])
        var mantissa = active
        var exponent: [Character]?
        if let position = find(exponentSeparator, in: picture, from: prefix.count), position <= end {
            mantissa = Array(picture[prefix.count..<position])
            let start = position + exponentSeparator.count
            exponent = start < end ? Array(picture[start..<end]) : []
        }
        var integer = mantissa
        var fraction: [Character] = []
        if let point = find(Array(alphabet.symbols.decimalSeparator), in: mantissa, from: 0) {
            integer = Array(mantissa[..<point])
            fraction = Array(mantissa[(point + alphabet.symbols.decimalSeparator.count)...])
        }
        return Parts(
            picture: picture, prefix: prefix, suffix: suffix, active: active, mantissa: mantissa, exponent: exponent,
            integer: integer, fraction: fraction
        )
    }

    private static func find(_ needle: [Character], in haystack: [Character], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var position = start
        while position <= haystack.count - needle.count {
            if haystack[position] == needle[0], haystack[position..<(position + needle.count)].elementsEqual(needle) { return position }
            position += 1
        }
        return nil
    }

    /// How many times `needle` occurs in `haystack`, without overlaps.
    private static func occurrences(_ needle: [Character], in haystack: [Character]) -> Int {
        var count = 0
        var position = 0
        while let found = find(needle, in: haystack, from: position) {
            count += 1
            position = found + needle.count
        }
        return count
    }

    /// `characters` cut at each occurrence of `separator`.
    private static func split(_ characters: [Character], on separator: [Character]) -> [[Character]] {
        var pieces: [[Character]] = []
        var start = 0
        var position = 0
        while let found = find(separator, in: characters, from: position) {
            pieces.append(Array(characters[start..<found]))
            start = found + separator.count
            position = start
        }
        pieces.append(Array(characters[start...]))
        return pieces
    }

    private static func validate(_ parts: Parts, _ alphabet: Alphabet) throws(JSONataError) {
        let symbols = alphabet.symbols
        func occurrences(_ symbol: String) -> Int { Self.occurrences(Array(symbol), in: parts.picture) }
        var error: JSONataError?
        if occurrences(symbols.decimalSeparator) > 1 {
            error = JSONataError("D3081", "The sub-picture must not contain more than one instance of the 'decimal-separator' character")
        }
        if occurrences(symbols.percent) > 1 {
            error = JSONataError("D3082", "The sub-picture must not contain more than one instance of the 'percent' character")
        }
        if occurrences(symbols.perMille) > 1 {
            error = JSONataError("D3083", "The sub-picture must not contain more than one instance of the 'per-mille' character")
        }
        if occurrences(symbols.percent) > 0 && occurrences(symbols.perMille) > 0 {
            error = JSONataError("D3084", "The sub-picture must not contain both a 'percent' and a 'per-mille' character")
        }
        if !parts.mantissa.contains(where: alphabet.isDigitOrOptional) {
            error = JSONataError(
                "D3085",
                "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'"
            )
        }
        if parts.active.contains(where: { !alphabet.isActive($0) }) {
            error = JSONataError(
                "D3086",
                "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character"
            )
        }
        let grouping = symbols.groupingSeparator
        if let point = find(Array(symbols.decimalSeparator), in: parts.picture, from: 0) {
            let after = point + symbols.decimalSeparator.count
            if (point > 0 && String(parts.picture[point - 1]) == grouping)
                || (after < parts.picture.count && String(parts.picture[after]) == grouping)
            {
                error = JSONataError(
                    "D3087",
                    "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character"
                )
            }
        } else if let last = parts.integer.last, String(last) == grouping {
            error = JSONataError("D3088", "The sub-picture must not contain a 'grouping-separator' at the end of the integer part")
        }
        if occurrences(grouping + grouping) > 0 {
            error = JSONataError("D3089", "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character")
        }
        if let optional = parts.integer.firstIndex(where: { String($0) == symbols.digit }),
            parts.integer[..<optional].contains(where: alphabet.isDigit)
        {
            error = JSONataError(
                "D3090",
                "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'"
            )
        }
        if let optional = parts.fraction.lastIndex(where: { String($0) == symbols.digit }),
            parts.fraction[optional...].contains(where: alphabet.isDigit)
        {
            error = JSONataError(
                "D3091",
                "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'"
            )
        }
        if let exponent = parts.exponent {
            if !exponent.isEmpty, occurrences(symbols.percent) > 0 || occurrences(symbols.perMille) > 0 {
                error = JSONataError(
                    "D3092",
                    "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'"
                )
            }
            if exponent.isEmpty || exponent.contains(where: { !alphabet.isDigit($0) }) {
                error = JSONataError(
                    "D3093",
                    "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'"
                )
            }
        }
        if let error { throw error }
    }

    private static func analyse(_ parts: Parts, _ alphabet: Alphabet) -> Analysis {
        let grouping = alphabet.symbols.groupingSeparator
        // A separator's position counts the digit places to its right (integer
        // part) or to its left (fractional part).
        var integerPositions: [Int] = []
        for (index, c) in parts.integer.enumerated() where String(c) == grouping {
            integerPositions.append(parts.integer[index...].filter(alphabet.isDigitOrOptional).count)
        }
        var fractionPositions: [Int] = []
        for (index, c) in parts.fraction.enumerated() where String(c) == grouping {
            fractionPositions.append(parts.fraction[..<index].filter(alphabet.isDigitOrOptional).count)
        }
        var minimumInteger = parts.integer.filter(alphabet.isDigit).count
        let scaling = minimumInteger
        var minimumFraction = parts.fraction.filter(alphabet.isDigit).count
        var maximumFraction = parts.fraction.filter(alphabet.isDigitOrOptional).count
        let hasExponent = parts.exponent != nil
        if minimumInteger == 0 && maximumFraction == 0 {
            if hasExponent {
                minimumFraction = 1
                maximumFraction = 1
            } else {
                minimumInteger = 1
            }
        }
        if hasExponent && minimumInteger == 0 && parts.integer.contains(where: { String($0) == alphabet.symbols.digit }) {
            minimumInteger = 1
        }
        if minimumInteger == 0 && minimumFraction == 0 { minimumFraction = 1 }
        let symbols = alphabet.symbols
        return Analysis(
            hasPercent: occurrences(Array(symbols.percent), in: parts.picture) > 0,
            hasPerMille: occurrences(Array(symbols.perMille), in: parts.picture) > 0,
            hasDecimalSeparator: occurrences(Array(symbols.decimalSeparator), in: parts.picture) > 0,
            prefix: String(parts.prefix),
            suffix: String(parts.suffix),
            integerGroupingPositions: integerPositions,
            regularGrouping: JSONataIntegerPicture.regularInterval(integerPositions),
            fractionGroupingPositions: fractionPositions,
            minimumIntegerDigits: minimumInteger,
            scalingFactor: scaling,
            minimumFractionDigits: minimumFraction,
            maximumFractionDigits: maximumFraction,
            minimumExponentDigits: parts.exponent.map { $0.filter(alphabet.isDigit).count } ?? 0
        )
    }

    // MARK: Rounding and decimal text

    /// JSONata's `$round`: half to even at `precision` decimal places, the
    /// decimal point shifted in the number's shortest text so that `1.255`
    /// rounds as the decimal it was written as.
    static func round(_ value: Double, precision: Int) -> Double {
        guard value.isFinite else { return value }
        // A double has no digits 400 places either side of the point (10^±308 at most, 17 digits):
        // rounding there keeps the value, or leaves nothing.
        if precision > 400 { return value }
        if precision < -400 { return 0 }
        func shifted(_ x: Double, by places: Int) -> Double {
            guard places != 0 else { return x }
            let text = "\(x)"
            let parts = text.split(separator: "e", maxSplits: 1)
            let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return Double("\(parts[0])e\(exponent + places)") ?? x
        }
        let result = shifted(shifted(value, by: precision).rounded(.toNearestOrEven), by: -precision)
        return result == 0 ? 0 : result
    }

    /// A non-negative finite number with exactly `fractionDigits` decimals, as
    /// JavaScript's `toFixed` writes it (no exponent below 10^21).
    static func decimalText(_ value: Double, fractionDigits: Int) -> String {
        var (digits, point) = value == 0 ? ([0], 1) : JSONataNumberText.decimalDigits(value)
        // Round half up at the last kept place (the value is usually rounded already).
        let kept = point + fractionDigits
        if kept < digits.count {
            let roundUp = kept >= 0 && digits[kept] >= 5
            digits = kept > 0 ? Array(digits[..<kept]) : []
            if roundUp {
                var index = digits.count - 1
                while index >= 0 && digits[index] == 9 {
                    digits[index] = 0
                    index -= 1
                }
                if index >= 0 {
                    digits[index] += 1
                } else {
                    digits.insert(1, at: 0)
                    point += 1
                }
            }
        }
        var integer = point > 0 ? digits.prefix(point).map(String.init).joined() : "0"
        if point > digits.count { integer += String(repeating: "0", count: point - digits.count) }
        var fraction = ""
        for place in 0..<fractionDigits {
            let index = point + place
            fraction += index >= 0 && index < digits.count ? String(digits[index]) : "0"
        }
        return fractionDigits > 0 ? integer + "." + fraction : integer
    }
}
