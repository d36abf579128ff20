/// `$fromMillis`, `$toMillis` and `$now` with pictures: milliseconds since
/// the epoch to text and back, by XPath 3.1 date-time picture strings.
///
/// Formatting shows the instant in the time zone given as `±HHMM` (UTC when
/// none is given). See ``JSONataDateTimePicture`` for the picture syntax.
enum JSONataDateTime {
    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]
    /// Indexed by ISO weekday, 1 (Monday) to 7 (Sunday).
    static let dayNames = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// A time-zone offset, hours and minutes with the same sign.
    struct Offset {
        var hours: Int64
        var minutes: Int64

        static let utc = Offset(hours: 0, minutes: 0)

        var totalMinutes: Int64 { hours * 60 + minutes }

        /// Parses `±HHMM` (`+0100`, `-0500`, `0000`; `-5` is five hours west).
        init?(_ text: String) {
            var rest = text.drop(while: { $0 == " " })
            var sign: Int64 = 1
            if let first = rest.first, first == "+" || first == "-" {
                sign = first == "-" ? -1 : 1
                rest = rest.dropFirst()
            }
            guard !rest.isEmpty, rest.count <= 4, rest.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(rest)
            else { return nil }
            self.init(hours: sign * (value / 100), minutes: sign * (value % 100))
        }

        init(hours: Int64, minutes: Int64) {
            self.hours = hours
            self.minutes = minutes
        }
    }

    /// `millis` shown by `picture` (ISO 8601 when `nil`) in `timeZone`.
    ///
    /// - Parameter function: the calling function's name, for error messages.
    /// - Throws: the picture's analysis errors (D3131, D3132, D3135), D3133 for
    ///   a name on a component that has none, D3134 for a time-zone picture of
    ///   more than four digits, D3130 for an unsupported numbering sequence.
    static func format(
        millis: Double,
        picture: String?,
        timeZone: String?,
        function: String
    ) throws(JSONataError) -> String {
        var offset = Offset.utc
        if let timeZone {
            guard let parsed = Offset(timeZone) else {
                throw JSONataError(
                    "T0410",
                    "Argument 3 of function \"\(function)\" must be a time zone offset such as +0100 or -0530; got \"\(timeZone)\""
                )
            }
            offset = parsed
        }
        let analysed = try picture.map { (text) throws(JSONataError) in try JSONataDateTimePicture(text) } ?? .iso8601
        // JavaScript dates hold whole milliseconds, truncated toward zero, within ±8.64e15
        // (100 million days either side of 1970); anything else is not a date there either.
        guard millis.isFinite, abs(millis) <= 8.64e15 else {
            throw JSONataError("D3110", "\(JSONataNumberText.text(millis)) milliseconds is outside the range of dates")
        }
        let instant = Int64(millis.rounded(.towardZero)) + offset.totalMinutes * 60_000
        let time = JSONataCivilTime(millisecondsSinceEpoch: instant)
        var result = ""
        for part in analysed.parts {
            switch part {
            case .literal(let text): result += text
            case .marker(let marker): result += try format(marker, time, offset)
            }
        }
        return result
    }

    private static func format(
        _ marker: JSONataDateTimePicture.Marker,
        _ time: JSONataCivilTime,
        _ offset: Offset
    ) throws(JSONataError) -> String {
        switch marker.component {
        case "Z", "z":
            return try formatZone(marker, offset)
        case "P":
            let text = time.hour >= 12 ? "pm" : "am"
            return marker.names == .upper ? text.uppercased() : text
        case "C", "E":
            return "ISO"
        default:
            break
        }
        guard var value = time.value(of: marker.component) else {
            throw JSONataError("D3132", "Unknown component specifier \"\(marker.component)\" in date/time picture string")
        }
        if let names = marker.names {
            var name: String
            switch marker.component {
            case "M", "x": name = monthNames[Int(value) - 1]
            case "F": name = dayNames[Int(value)]
            default: throw namesError(marker.component)
            }
            switch names {
            case .upper: name = name.uppercased()
            case .lower: name = name.lowercased()
            case .title: break
            }
            if let maximum = marker.maximumWidth, name.count > maximum { name = String(name.prefix(maximum)) }
            return name
        }
        if let digits = marker.yearDigits {
            var modulus: Int64 = 1
            for _ in 0..<min(digits, 18) { modulus *= 10 }
            value %= modulus
        }
        guard let integer = marker.integer else { throw namesError(marker.component) }
        return try integer.format(Double(value))
    }

    /// §9.8.4.6: one or two digits show hours (and `:mm` when there are
    /// minutes), three or four show `hhmm`; a separator (`01:01`) shows both.
    private static func formatZone(_ marker: JSONataDateTimePicture.Marker, _ offset: Offset) throws(JSONataError) -> String {
        guard let integer = marker.integer else { throw namesError(marker.component) }
        let combined = offset.hours * 100 + offset.minutes
        var text: String
        if integer.regularGrouping != nil {
            text = try integer.format(Double(combined))
        } else {
            switch integer.mandatoryDigits {
            case 1, 2:
                text = (combined < 0 ? "-" : "") + (try integer.format(Double(abs(offset.hours))))
                if offset.minutes != 0 {
                    let minutes = abs(offset.minutes)
                    text += (minutes < 10 ? ":0" : ":") + String(minutes)
                }
            case 3, 4:
                text = try integer.format(Double(combined))
            default:
                throw JSONataError("D3134", "The timezone integer format specifier cannot have more than four digits")
            }
        }
        if combined >= 0 { text = "+" + text }
        if marker.component == "z" { text = "GMT" + text }
        if combined == 0, marker.modifier == "t" { text = "Z" }
        return text
    }

    static func namesError(_ component: Character) -> JSONataError {
        JSONataError(
            "D3133",
            "The 'name' modifier can only be applied to months and days in the date/time picture string, not \"\(component)\""
        )
    }
}
