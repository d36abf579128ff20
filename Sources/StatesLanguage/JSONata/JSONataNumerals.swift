/// Integers spelled as English words, Roman numerals and spreadsheet-style
/// letters, both ways: the primitives under `$formatInteger`, `$parseInteger`
/// and the integer components of date-time pictures (`[Dwo]`, `[YI]`, `[Da]`).
///
/// Values are doubles because JSONata's are: `$formatInteger(1e46, 'w')` is
/// legal and spells "ten billion trillion trillion trillion", as the
/// reference implementation does (magnitudes stop at trillion and repeat).
enum JSONataNumerals {
    private static let units = [
        "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
        "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen",
    ]
    private static let unitOrdinals = [
        "Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
        "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth",
        "Nineteenth",
    ]
    private static let tens = ["Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]
    private static let magnitudes = ["Thousand", "Million", "Billion", "Trillion"]

    // MARK: Words

    /// `value` (a non-negative integer) in title-case English words, British
    /// style ("One Hundred and Five"); `ordinal` spells the last word as an
    /// ordinal ("One Hundred and Fifth").
    static func words(_ value: Double, ordinal: Bool) -> String {
        words(value, afterLargerPart: false, ordinal: ordinal)
    }

    private static func words(_ value: Double, afterLargerPart: Bool, ordinal: Bool) -> String {
        let and: String = afterLargerPart ? " and " : ""
        let comma: String = afterLargerPart ? ", " : ""
        if value <= 19 {
            let index = Int(value)
            let word: String = ordinal ? unitOrdinals[index] : units[index]
            return and + word
        }
        if value < 100 {
            let remainder = value.truncatingRemainder(dividingBy: 10)
            var text: String = and + tens[Int(value / 10) - 2]
            if remainder > 0 {
                text += "-" + words(remainder, afterLargerPart: false, ordinal: ordinal)
            } else if ordinal {
                text = String(text.dropLast()) + "ieth"  // Twenty → Twentieth
            }
            return text
        }
        if value < 1000 {
            let remainder = value.truncatingRemainder(dividingBy: 100)
            var text: String = comma + units[Int(value / 100)]
            text += " Hundred"
            if remainder > 0 {
                text += words(remainder, afterLargerPart: true, ordinal: ordinal)
            } else if ordinal {
                text += "th"
            }
            return text
        }
        // Groups of three digits; past trillion the largest word repeats.
        var magnitude = 0
        var factor = 1.0
        while magnitude < magnitudes.count, value >= factor * 1000 {
            magnitude += 1
            factor *= 1000
        }
        let leading = (value / factor).rounded(.down)
        let remainder = value - leading * factor
        var text: String = comma + words(leading, afterLargerPart: false, ordinal: false)
        text += " " + magnitudes[magnitude - 1]
        if remainder > 0 {
            text += words(remainder, afterLargerPart: true, ordinal: ordinal)
        } else if ordinal {
            text += "th"
        }
        return text
    }

    /// Each English number word (cardinal and ordinal, lower case) and its value.
    static let wordValues: [String: Double] = {
        var values: [String: Double] = ["hundred": 100, "hundredth": 100]
        for (index, word) in units.enumerated() { values[word.lowercased()] = Double(index) }
        for (index, word) in unitOrdinals.enumerated() { values[word.lowercased()] = Double(index) }
        for (index, word) in tens.enumerated() {
            let lower = word.lowercased()
            values[lower] = Double((index + 2) * 10)
            values[lower.dropLast() + "ieth"] = Double((index + 2) * 10)
        }
        var power = 1.0
        for word in magnitudes {
            power *= 1000
            values[word.lowercased()] = power
            values[word.lowercased() + "th"] = power
        }
        return values
    }()

    /// The value of English number words ("nineteen hundred and eighty-four",
    /// "twenty-first"), any case; `nil` when a word is not a number word.
    static func number(fromWords text: String) -> Double? {
        // Words are separated by spaces, hyphens, ", " and " and ".
        let separators: Set<Character> = [" ", "\t", "\n", "-", ","]
        let parts = text.lowercased().split(whereSeparator: { separators.contains($0) }).filter { $0 != "and" }
        guard !parts.isEmpty else { return nil }
        // Segments: a value below a thousand multiplied up by the magnitude words
        // that follow it; a smaller word after a completed thousand-group starts
        // a new segment.
        var segments: [Double] = [0]
        for part in parts {
            guard let value = wordValues[String(part)] else { return nil }
            if value < 100 {
                var top = segments.removeLast()
                if top >= 1000 {
                    segments.append(top)
                    top = 0
                }
                segments.append(top + value)
            } else {
                segments.append(segments.removeLast() * value)
            }
        }
        return segments.reduce(0, +)
    }

    // MARK: Roman numerals

    private static let romanNumerals: [(value: Double, text: String)] = [
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ]

    /// `value` in lower-case Roman numerals; zero is the empty string.
    static func roman(_ value: Double) -> String {
        var rest = value
        var text = ""
        for numeral in romanNumerals {
            while rest >= numeral.value {
                text += numeral.text
                rest -= numeral.value
            }
        }
        return text
    }

    /// The value of Roman numerals in either case; `nil` for other letters.
    static func number(fromRoman text: String) -> Double? {
        let values: [Character: Double] = ["m": 1000, "d": 500, "c": 100, "l": 50, "x": 10, "v": 5, "i": 1]
        var total = 0.0
        var largest = 1.0
        for character in text.lowercased().reversed() {
            guard let value = values[character] else { return nil }
            if value < largest {
                total -= value
            } else {
                largest = value
                total += value
            }
        }
        return total
    }

    // MARK: Letters

    /// `value` as spreadsheet column letters (1 → a, 26 → z, 27 → aa); zero is
    /// the empty string.
    static func letters(_ value: Double, uppercase: Bool) -> String {
        let base = uppercase ? UInt32(("A" as Unicode.Scalar).value) : UInt32(("a" as Unicode.Scalar).value)
        var rest = value
        var scalars: [Unicode.Scalar] = []
        while rest > 0 {
            let digit = (rest - 1).truncatingRemainder(dividingBy: 26)
            scalars.append(Unicode.Scalar(base + UInt32(digit))!)  // base + 0…25 is a letter.
            rest = ((rest - 1) / 26).rounded(.down)
        }
        return String(String.UnicodeScalarView(scalars.reversed()))
    }

    /// The value of spreadsheet column letters in either case; `nil` for
    /// anything but ASCII letters.
    static func number(fromLetters text: String) -> Double? {
        var total = 0.0
        for scalar in text.lowercased().unicodeScalars {
            guard scalar.value >= 0x61, scalar.value <= 0x7A else { return nil }
            total = total * 26 + Double(scalar.value - 0x60)
        }
        return total
    }
}
