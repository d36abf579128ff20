extension JSONataDateTime {
    /// What one part of a picture reads from the text.
    private enum Token {
        case literal([Character])
        /// Digits of the family starting at `zero`; exactly `width` of them when
        /// set, then an English ordinal suffix when `ordinal`.
        case digits(zero: UInt32, width: Int?, ordinal: Bool)
        case letters
        case roman
        case words
        case name
        /// `±hh`, `±hhmm` or `±hh:mm` (with the picture's separator), after `GMT` for `[z]`.
        case zone(gmt: Bool, separator: Character?)
    }

    /// The instant `text` denotes read by `picture`, in milliseconds since the
    /// epoch; `nil` when the text does not match the picture or the picture
    /// has no components.
    ///
    /// Components the picture leaves out are filled in as XPath's rule has
    /// it: those more significant than any given come from `now` (`[H]:[m]`
    /// is today), less significant ones are the start of their range. A gap
    /// between given components (`[Y]-[D]`) is an error, D3136, as are
    /// week-date pictures (`[X]-[W]-[F]`), which this implementation, like
    /// JSONata's, cannot read.
    static func parse(_ text: String, picture: String, now: Timestamp) throws(JSONataError) -> Double? {
        let analysed = try JSONataDateTimePicture(picture)
        var tokens: [Token] = []
        var markers: [JSONataDateTimePicture.Marker?] = []
        for part in analysed.parts {
            switch part {
            case .literal(let literal):
                tokens.append(.literal(Array(literal)))
                markers.append(nil)
            case .marker(let marker):
                tokens.append(try token(for: marker))
                markers.append(marker)
            }
        }
        let characters = Array(text)
        var captures: [Range<Int>] = []
        guard match(tokens, characters, 0, 0, &captures) else { return nil }
        var components: [Character: Int64] = [:]
        var given: Set<Character> = []
        for (index, marker) in markers.enumerated() {
            guard let marker else { continue }
            given.insert(marker.component)
            components[marker.component] = try value(String(characters[captures[index]]), marker)
        }
        guard !given.isEmpty else { return nil }
        return try assemble(components, now: now)
    }

    private static func token(for marker: JSONataDateTimePicture.Marker) throws(JSONataError) -> Token {
        if marker.component == "Z" || marker.component == "z" {
            return .zone(gmt: marker.component == "z", separator: marker.integer?.regularGrouping?.character)
        }
        if let integer = marker.integer {
            switch integer.primary {
            case .decimal: return .digits(zero: integer.zeroCode, width: marker.parseWidth, ordinal: integer.ordinal)
            case .letters: return .letters
            case .roman: return .roman
            case .words: return .words
            case .sequence(let token): throw JSONataIntegerPicture.unsupportedSequence(token)
            }
        }
        guard ["M", "x", "F", "P"].contains(marker.component) else { throw namesError(marker.component) }
        return .name
    }

    /// Backtracking match of every token in turn, each trying its longest
    /// reading first, as a regular expression of greedy groups would.
    private static func match(
        _ tokens: [Token],
        _ text: [Character],
        _ index: Int,
        _ position: Int,
        _ captures: inout [Range<Int>]
    ) -> Bool {
        guard index < tokens.count else { return position == text.count }
        for end in ends(of: tokens[index], in: text, from: position) {
            captures.append(position..<end)
            if match(tokens, text, index + 1, end, &captures) { return true }
            captures.removeLast()
        }
        return false
    }

    private static func sameLetter(_ a: Character, _ b: Character) -> Bool { a == b || a.lowercased() == b.lowercased() }

    private static func run(_ text: [Character], from start: Int, while accepts: (Character) -> Bool) -> Int {
        var end = start
        while end < text.count, accepts(text[end]) { end += 1 }
        return end - start
    }

    private static func hasPrefix(_ text: [Character], _ prefix: [Character], at position: Int) -> Bool {
        guard position + prefix.count <= text.count else { return false }
        return zip(text[position...], prefix).allSatisfy { sameLetter($0, $1) }
    }

    private static let wordTokens: [[Character]] =
        (Array(JSONataNumerals.wordValues.keys) + ["and", "-", ",", " "]).map { Array($0) }

    /// Where a reading of `token` starting at `start` may end, preferred first.
    private static func ends(of token: Token, in text: [Character], from start: Int) -> [Int] {
        func isASCIILetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
        func longestFirst(_ count: Int) -> [Int] { count > 0 ? (1...count).reversed().map { start + $0 } : [] }
        switch token {
        case .literal(let literal):
            return hasPrefix(text, literal, at: start) ? [start + literal.count] : []
        case .digits(let zero, let width, let ordinal):
            let count = run(text, from: start) { c in
                guard let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1 else { return false }
                return scalar.value >= zero && scalar.value <= zero + 9
            }
            var ends: [Int] = longestFirst(count)
            if let width {
                ends = count >= width && width > 0 ? [start + width] : []
            }
            guard ordinal else { return ends }
            let suffixes: [[Character]] = [["t", "h"], ["s", "t"], ["n", "d"], ["r", "d"]]
            return ends.filter { end in suffixes.contains { hasPrefix(text, $0, at: end) } }.map { $0 + 2 }
        case .letters, .name:
            return longestFirst(run(text, from: start, while: isASCIILetter))
        case .roman:
            return longestFirst(run(text, from: start) { "mdclxviMDCLXVI".contains($0) })
        case .words:
            var reachable: Set<Int> = []
            var frontier = [start]
            while let position = frontier.popLast() {
                for word in wordTokens where hasPrefix(text, word, at: position) {
                    if reachable.insert(position + word.count).inserted { frontier.append(position + word.count) }
                }
            }
            return reachable.sorted(by: >)
        case .zone(let gmt, let separator):
            var position = start
            if gmt {
                guard hasPrefix(text, Array("GMT"), at: position) else { return [] }
                position += 3
            }
            guard position < text.count, text[position] == "+" || text[position] == "-" else { return [] }
            position += 1
            let digits = run(text, from: position) { $0.isASCII && $0.isNumber }
            guard let separator else { return longestFirst(digits).map { $0 + position - start } }
            position += digits
            guard digits > 0, position < text.count, text[position] == separator else { return [] }
            position += 1
            return longestFirst(run(text, from: position) { $0.isASCII && $0.isNumber }).map { $0 + position - start }
        }
    }

    /// The value a component's text stands for; `nil` when it names nothing
    /// (`Febtember`).
    private static func value(_ text: String, _ marker: JSONataDateTimePicture.Marker) throws(JSONataError) -> Int64? {
        switch marker.component {
        case "Z", "z":
            return try zoneMinutes(marker.component == "z" ? String(text.dropFirst(3)) : text, marker.integer?.regularGrouping?.character)
        case "f":
            // A fraction of a second: its first three digits are milliseconds.
            let digits = text.filter { $0.isASCII && $0.isNumber }.prefix(3)
            return Int64(digits + String(repeating: "0", count: 3 - digits.count))
        default:
            break
        }
        if let integer = marker.integer {
            var digits = text
            if integer.ordinal, case .decimal = integer.primary { digits.removeLast(2) }
            guard let value = try integer.parse(digits) else { return nil }
            // No date component is anywhere near 2^53; past it the value would not fit an Int64.
            guard value.isFinite, abs(value) <= 9_007_199_254_740_992 else {
                throw JSONataError("D3110", "The \(marker.component) component \"\(text)\" is outside the range of dates")
            }
            return Int64(value)
        }
        let names: [String]
        switch marker.component {
        case "M", "x": names = [""] + monthNames
        case "F": names = dayNames
        default: names = ["am", "pm"]
        }
        let wanted = text.lowercased()
        let index = names.firstIndex { name in
            guard !name.isEmpty else { return false }
            let shown = marker.maximumWidth.map { String(name.prefix($0)) } ?? name
            return shown.lowercased() == wanted
        }
        return index.map(Int64.init)
    }

    /// `±hh`, `±hhmm` or `±hh:mm` in minutes east of UTC.
    ///
    /// - Throws: D3110 when hours or minutes have more than four digits: no zone is
    ///   that far from UTC, and their sum in minutes could overflow.
    private static func zoneMinutes(_ text: String, _ separator: Character?) throws(JSONataError) -> Int64? {
        let sign: Int64 = text.first == "-" ? -1 : 1
        let unsigned = text.dropFirst()
        let hoursText: Substring
        let minutesText: Substring
        if let separator, let split = unsigned.firstIndex(of: separator) {
            hoursText = unsigned[..<split]
            minutesText = unsigned[unsigned.index(after: split)...]
        } else {
            hoursText = unsigned.prefix(2)
            minutesText = unsigned.count <= 2 ? "0" : unsigned.dropFirst(2)
        }
        guard hoursText.count <= 4, minutesText.count <= 4 else {
            throw JSONataError("D3110", "The time zone offset \"\(text)\" is outside the range of time zones")
        }
        guard let hours = Int64(hoursText), let minutes = Int64(minutesText) else { return nil }
        return sign * (hours * 60 + minutes)
    }

    /// Combines the components read into an instant (XPath F&O 9.8.4 via
    /// JSONata's rules for which combinations make a date and a time).
    private static func assemble(_ read: [Character: Int64], now: Timestamp) throws(JSONataError) -> Double? {
        var components = read
        func mask(_ letters: String) -> Int {
            var mask = 0
            for letter in letters {
                mask <<= 1
                if components[letter] != nil { mask |= 1 }
            }
            return mask
        }
        func isType(_ type: Int, _ mask: Int) -> Bool { mask & ~type == 0 && mask & type != 0 }
        // Bits, most significant first: Y X M x W w d D.
        let dateMask = mask("YXMxWwdD")
        let byMonthDay = isType(0b1010_0001, dateMask)
        let byDayOfYear = !byMonthDay && isType(0b1000_0010, dateMask)
        let byWeekOfMonth = isType(0b0101_0100, dateMask)
        let byWeekOfYear = !byWeekOfMonth && isType(0b0100_1000, dateMask)
        // Bits: P H h m s f.
        let timeMask = mask("PHhmsf")
        let twentyFourHour = isType(0b01_0111, timeMask)
        let twelveHour = !twentyFourHour && isType(0b10_1111, timeMask)

        let dateLetters = byDayOfYear ? "Yd" : byWeekOfMonth ? "XxwF" : byWeekOfYear ? "XWF" : "YMD"
        let timeLetters = twelveHour ? "Phmsf" : "Hmsf"
        let current = JSONataCivilTime(millisecondsSinceEpoch: now.millisecondsSinceEpoch)
        var started = false
        var ended = false
        for letter in dateLetters + timeLetters {
            if components[letter] == nil {
                if started {
                    components[letter] = "MDd".contains(letter) ? 1 : 0
                    ended = true
                } else {
                    components[letter] = current.value(of: letter)
                }
            } else {
                started = true
                if ended { throw missingComponents() }
            }
        }
        if byWeekOfMonth || byWeekOfYear { throw missingComponents() }
        if byDayOfYear {
            // Day d of the year is day d of its January, rolled over as dates do.
            components["M"] = 1
            components["D"] = components["d"]
        }
        guard let year = components["Y"], let month = components["M"], let day = components["D"],
            var hour = components[twelveHour ? "h" : "H"], let minute = components["m"], let second = components["s"],
            let millisecond = components["f"]
        else { return nil }
        if twelveHour {
            if hour == 12 { hour = 0 }
            if components["P"] == 1 { hour += 12 }
        }
        // As JavaScript's `Date.UTC` does: the sum in doubles (each component is at most
        // 2^53, so no integer arithmetic could hold it), then nothing beyond ±8.64e15 ms.
        let days = JSONataCivilTime.days(year: year, month: month, day: day)
        var millis =
            ((Double(days) * 24 + Double(hour)) * 60 + Double(minute)) * 60_000 + Double(second) * 1000 + Double(millisecond)
        guard abs(millis) <= 8.64e15 else {
            throw JSONataError("D3110", "The timestamp read, \(JSONataNumberText.text(millis)) milliseconds, is outside the range of dates")
        }
        if let zone = read["Z"] ?? read["z"] { millis -= Double(zone) * 60_000 }
        return millis
    }

    private static func missingComponents() -> JSONataError {
        JSONataError("D3136", "The date/time picture string is missing specifiers required to parse the timestamp")
    }
}

extension JSONataDateTime {
    /// `$toMillis` without a picture: an ISO 8601 date or date-time
    /// (`2018`, `2017-10-30`, `2017-10-30T15:28:34Z`,
    /// `2018-02-01T09:42:13.123+0000`), read as JavaScript's `Date.parse`
    /// reads the forms JSONata accepts. A date-time without a zone is UTC.
    /// `nil` when `text` is no such timestamp or names an impossible date.
    static func parseISO8601(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ width: Int) -> Int64? {
            guard position + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[position..<(position + width)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            position += width
            return value
        }
        func skip(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }
        guard let year = number(4) else { return nil }
        var month: Int64 = 1
        var day: Int64 = 1
        if skip(UInt8(ascii: "-")) {
            guard let m = number(2) else { return nil }
            month = m
            if skip(UInt8(ascii: "-")) {
                guard let d = number(2) else { return nil }
                day = d
            }
        }
        guard (1...12).contains(month), day >= 1, day <= Timestamp.daysIn(month: month, year: year) else { return nil }
        var millis = Timestamp.days(fromCivil: year, month, day) * 86_400_000
        guard skip(UInt8(ascii: "T")) else { return position == bytes.count ? Double(millis) : nil }
        guard let hour = number(2), skip(UInt8(ascii: ":")), let minute = number(2), skip(UInt8(ascii: ":")),
            let second = number(2), hour < 24, minute < 60, second < 60
        else { return nil }
        millis += ((hour * 60 + minute) * 60 + second) * 1000
        if skip(UInt8(ascii: ".")) {
            // A fraction of a second: its first three digits are milliseconds.
            var digits = 0
            var fraction: Int64 = 0
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
                if digits < 3 { fraction = fraction * 10 + Int64(bytes[position] - 0x30) }
                digits += 1
                position += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { fraction *= 10 }
            millis += fraction
        }
        if skip(UInt8(ascii: "Z")) {
            return position == bytes.count ? Double(millis) : nil
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[position] == UInt8(ascii: "-") ? -1 : 1
            position += 1
            guard let hours = number(2) else { return nil }
            _ = skip(UInt8(ascii: ":"))
            guard let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            millis -= sign * (hours * 60 + minutes) * 60_000
        }
        return position == bytes.count ? Double(millis) : nil
    }
}
