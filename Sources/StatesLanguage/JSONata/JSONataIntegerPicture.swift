/// An analysed XPath `format-integer` picture (`000`, `#,##0`, `w`, `Ww;o`,
/// `I`, `a`): the format of `$formatInteger`, `$parseInteger` and of the
/// integer components of date-time pictures.
///
/// A decimal-digit pattern may use any Unicode decimal digit family (`###١`
/// formats in Arabic-Indic digits); every other character in it is a grouping
/// separator. Grouping separators at equal intervals with the same character
/// repeat to the left ("regular" grouping); otherwise they stay where written.
/// A primary token that is none of these ("α") is a numbering sequence, which
/// JSONata does not support (D3130).
struct JSONataIntegerPicture {
    enum Primary {
        case decimal
        case letters
        case roman
        case words
        /// An unsupported numbering sequence starting with this token.
        case sequence(String)
    }

    enum LetterCase {
        case lower
        case upper
        case title
    }

    struct GroupingSeparator {
        /// Digits to the right of the separator.
        var position: Int
        var character: Character
    }

    var primary: Primary
    var letterCase: LetterCase = .lower
    var ordinal = false
    /// The first code point of the decimal digit family (0x30 for ASCII).
    var zeroCode: UInt32 = 0x30
    var mandatoryDigits = 0
    var optionalDigits = 0
    /// Set when the separators repeat: one separator every `position` digits.
    var regularGrouping: GroupingSeparator?
    var groupingSeparators: [GroupingSeparator] = []

    /// The zero of each Unicode decimal digit family JSONata recognises.
    static let decimalFamilies: [UInt32] = [
        0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
        0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
        0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    ]

    /// Analyses `picture`: a primary format token, optionally `;` and a
    /// modifier whose `o` asks for ordinals (`;c`, cardinal, is the default).
    ///
    /// - Throws: D3131 when a digit pattern mixes digit families.
    init(_ picture: String) throws(JSONataError) {
        var token = picture[...]
        if let semicolon = picture.lastIndex(of: ";") {
            token = picture[..<semicolon]
            ordinal = picture[picture.index(after: semicolon)...].first == "o"
        }
        switch token {
        case "A":
            primary = .letters
            letterCase = .upper
        case "a": primary = .letters
        case "I":
            primary = .roman
            letterCase = .upper
        case "i": primary = .roman
        case "W":
            primary = .words
            letterCase = .upper
        case "Ww":
            primary = .words
            letterCase = .title
        case "w": primary = .words
        default:
            primary = .decimal
            try analyseDigits(token)
            if mandatoryDigits == 0 { primary = .sequence(String(token)) }
        }
    }

    /// Counts digits and records separators, scanning from the right so that
    /// each separator's position is the number of digits to its right.
    private mutating func analyseDigits(_ token: Substring) throws(JSONataError) {
        var family: UInt32?
        var digitsSeen = 0
        for scalar in token.unicodeScalars.reversed() {
            if let zero = Self.decimalFamilies.first(where: { scalar.value >= $0 && scalar.value <= $0 + 9 }) {
                if let family, family != zero {
                    throw JSONataError("D3131", "In a decimal digit pattern, all digits must be from the same decimal group")
                }
                family = zero
                mandatoryDigits += 1
                digitsSeen += 1
            } else if scalar == "#" {
                optionalDigits += 1
                digitsSeen += 1
            } else {
                groupingSeparators.append(GroupingSeparator(position: digitsSeen, character: Character(scalar)))
            }
        }
        zeroCode = family ?? 0x30
        if let interval = Self.regularInterval(groupingSeparators.map(\.position)),
            groupingSeparators.allSatisfy({ $0.character == groupingSeparators[0].character })
        {
            regularGrouping = GroupingSeparator(position: interval, character: groupingSeparators[0].character)
        }
    }

    /// The interval when `positions` are exactly its multiples 1×, 2×, … (the
    /// XPath rule for repeating separators), else `nil`.
    static func regularInterval(_ positions: [Int]) -> Int? {
        guard let first = positions.first else { return nil }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let interval = positions.dropFirst().reduce(first, gcd)
        guard interval > 0, (1...positions.count).allSatisfy({ positions.contains($0 * interval) }) else { return nil }
        return interval
    }

    static func unsupportedSequence(_ token: String) -> JSONataError {
        JSONataError(
            "D3130",
            "Formatting or parsing an integer as a sequence starting with \"\(token)\" is not supported by this implementation"
        )
    }

    // MARK: Formatting

    /// Roman numerals are written up to here (at most 999 leading `m`s); larger
    /// numbers are written in decimal digits, as XPath F&O 4.6.1 allows for any
    /// numbering sequence ("numbers that fall outside this range must be
    /// formatted using the format token 1"). Without a bound, `1e15` would be a
    /// trillion `m`s, and `1e300` would never finish, subtracting 1000 in vain.
    static let largestRomanNumeral = 999_999.0

    /// `value` (already an integer) formatted by this picture.
    ///
    /// - Throws: D3130 for a numbering sequence; D1001 for an infinite or NaN
    ///   value (a `$sum` past the largest double, or `1e999` in the input), which
    ///   has no integer to write.
    func format(_ value: Double) throws(JSONataError) -> String {
        guard value.isFinite else {
            throw JSONataError("D1001", "Number out of range: \(JSONataNumberText.text(value)) cannot be formatted as an integer")
        }
        let magnitude = abs(value)
        var text: String
        switch primary {
        case .letters:
            text = JSONataNumerals.letters(magnitude, uppercase: letterCase == .upper)
        case .roman where magnitude > Self.largestRomanNumeral:
            text = formatDigits(magnitude)
        case .roman:
            text = JSONataNumerals.roman(magnitude)
            if letterCase == .upper { text = text.uppercased() }
        case .words:
            text = JSONataNumerals.words(magnitude, ordinal: ordinal)
            switch letterCase {
            case .upper: text = text.uppercased()
            case .lower: text = text.lowercased()
            case .title: break
            }
        case .decimal:
            text = formatDigits(magnitude)
        case .sequence(let token):
            throw Self.unsupportedSequence(token)
        }
        return value < 0 ? "-" + text : text
    }

    private func formatDigits(_ magnitude: Double) -> String {
        var digits = Array(JSONataNumberText.text(magnitude).unicodeScalars)
        if digits.count < mandatoryDigits {
            digits = Array(repeating: "0", count: mandatoryDigits - digits.count) + digits
        }
        if zeroCode != 0x30 {
            digits = digits.map { scalar in
                guard scalar.value >= 0x30, scalar.value <= 0x39 else { return scalar }
                return Unicode.Scalar(scalar.value - 0x30 + zeroCode) ?? scalar
            }
        }
        // The separators before the digit with `position` digits to its right, in
        // the picture's order (right to left); one with no digit to its left is left
        // out. Written in one pass: inserting each into the array would take time
        // quadratic in the width, and a date picture's width may be millions.
        let count = digits.count
        var separators: [Int: [Character]] = [:]
        if let regular = regularGrouping {
            for position in stride(from: regular.position, to: count, by: regular.position) {
                separators[position] = [regular.character]
            }
        } else {
            for separator in groupingSeparators where separator.position > 0 && separator.position < count {
                separators[separator.position, default: []].append(separator.character)
            }
        }
        var characters: [Character] = []
        characters.reserveCapacity(count + separators.count)
        for (index, digit) in digits.enumerated() {
            if let before = separators[count - index] { characters.append(contentsOf: before.reversed()) }
            characters.append(Character(digit))
        }
        var text = String(characters)
        if ordinal {
            let last = characters.last
            let secondLast = characters.count > 1 ? characters[characters.count - 2] : nil
            let suffix: String
            switch last {
            case "1" where secondLast != "1": suffix = "st"
            case "2" where secondLast != "1": suffix = "nd"
            case "3" where secondLast != "1": suffix = "rd"
            default: suffix = "th"
            }
            text += suffix
        }
        return text
    }

    // MARK: Parsing

    /// The integer `text` spells in this picture's format, or `nil` when it
    /// spells none.
    ///
    /// - Throws: D3130 for a numbering sequence.
    func parse(_ text: String) throws(JSONataError) -> Double? {
        switch primary {
        case .letters: return JSONataNumerals.number(fromLetters: text)
        case .roman: return JSONataNumerals.number(fromRoman: text)
        case .words: return JSONataNumerals.number(fromWords: text)
        case .sequence(let token):
            throw Self.unsupportedSequence(token)
        case .decimal:
            var value = 0.0
            var sawDigit = false
            let separators = Set(groupingSeparators.map(\.character))
            for character in text {
                guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { break }
                if scalar.value >= zeroCode, scalar.value <= zeroCode + 9 {
                    value = value * 10 + Double(scalar.value - zeroCode)
                    sawDigit = true
                } else if separators.contains(character) {
                    continue
                } else {
                    break  // An ordinal suffix or trailing text ends the number.
                }
            }
            return sawDigit ? value : nil
        }
    }
}
