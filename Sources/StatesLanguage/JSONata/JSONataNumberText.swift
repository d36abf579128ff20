import JSON

/// How JSONata turns values into text: numbers as JavaScript prints them after
/// rounding to 15 significant digits (so `0.1 + 0.2` prints `0.3`), and
/// everything else as JSON.
enum JSONataNumberText {
    /// A number as JavaScript's `Number.prototype.toString` prints it, after
    /// JSONata's `toPrecision(15)`.
    static func text(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e21 {
            if abs(value) < 9.2e18 { return String(Int(value)) }
        }
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity") }
        let negative = value < 0
        var (digits, exponent) = decimalDigits(abs(value))
        if digits.count > 15 {
            var kept = Array(digits.prefix(15))
            let roundUp = digits[15] >= 5
            if roundUp {
                var i = kept.count - 1
                while i >= 0 {
                    if kept[i] == 9 {
                        kept[i] = 0
                        i -= 1
                    } else {
                        kept[i] += 1
                        break
                    }
                }
                if i < 0 {
                    kept.insert(1, at: 0)
                    kept.removeLast()
                    exponent += 1
                }
            }
            digits = kept
        }
        while digits.count > 1 && digits.last == 0 { digits.removeLast() }
        let text = digits.map(String.init).joined()
        let k = digits.count
        let n = exponent
        var result: String
        if k <= n && n <= 21 {
            result = text + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            result = String(text.prefix(n)) + "." + String(text.dropFirst(n))
        } else if -6 < n && n <= 0 {
            result = "0." + String(repeating: "0", count: -n) + text
        } else {
            let e = n - 1
            result =
                String(text.prefix(1)) + (k > 1 ? "." + String(text.dropFirst()) : "") + "e" + (e < 0 ? "-" : "+")
                + String(abs(e))
        }
        return negative ? "-" + result : result
    }

    /// The shortest round-tripping decimal digits of a positive finite double,
    /// with `n` such that the value is `0.d1d2… × 10^n`.
    static func decimalDigits(_ value: Double) -> ([Int], Int) {
        let description = "\(value)"  // Swift prints the shortest round-tripping form.
        var mantissa = description
        var exponent = 0
        if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(description[..<e])
            exponent = Int(description[description.index(after: e)...]) ?? 0
        }
        var integerPart = mantissa
        var fraction = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = String(mantissa[..<dot])
            fraction = String(mantissa[mantissa.index(after: dot)...])
        }
        var digits = (integerPart + fraction).compactMap { $0.wholeNumberValue }
        var pointPosition = integerPart.count + exponent
        while digits.count > 1 && digits.first == 0 {
            digits.removeFirst()
            pointPosition -= 1
        }
        return (digits, pointPosition)
    }

    /// `$string` of a value: strings as they are, numbers as above, the rest as JSON.
    static func castString(_ value: JSONataValue, pretty: Bool = false) throws(JSONataError) -> String {
        switch value {
        case .string(let s): return s
        case .function: return ""
        case .number(let n):
            guard n.isFinite else { throw JSONataError("D3001", "Attempting to invoke string function on Infinity or NaN") }
            return text(n)
        default:
            var output = ""
            try write(value, pretty: pretty, indent: 0, to: &output)
            return output
        }
    }

    /// A value as JSON text for error messages (never throws: Infinity prints as null).
    static func string(_ value: JSONataValue) -> String {
        var output = ""
        try? write(value, pretty: false, indent: 0, to: &output)
        return output
    }

    private static func write(_ value: JSONataValue, pretty: Bool, indent: Int, to output: inout String) throws(JSONataError) {
        switch value {
        case .null: output += "null"
        case .bool(let b): output += b ? "true" : "false"
        case .number(let n):
            guard n.isFinite else { throw JSONataError("D3001", "Attempting to invoke string function on Infinity or NaN") }
            output += text(n)
        case .string(let s): output += JSONValue.string(s).serialized
        case .function: output += "\"\""
        case .array(let array):
            try writeMembers("[", "]", count: array.items.count, pretty: pretty, indent: indent, to: &output) { index, output throws(JSONataError) in
                try write(array.items[index], pretty: pretty, indent: indent + 2, to: &output)
            }
        case .object(let object):
            try writeMembers("{", "}", count: object.keys.count, pretty: pretty, indent: indent, to: &output) { index, output throws(JSONataError) in
                let key = object.keys[index]
                output += JSONValue.string(key).serialized + (pretty ? ": " : ":")
                try write(object[key]!, pretty: pretty, indent: indent + 2, to: &output)  // `keys` lists the stored keys.
            }
        }
    }

    /// An array or object of `count` members between `open` and `close`, each
    /// written by `member`; when `pretty`, one a line, indented two more spaces.
    private static func writeMembers(
        _ open: Character,
        _ close: Character,
        count: Int,
        pretty: Bool,
        indent: Int,
        to output: inout String,
        _ member: (Int, inout String) throws(JSONataError) -> Void
    ) throws(JSONataError) {
        output.append(open)
        guard count > 0 else {
            output.append(close)
            return
        }
        for index in 0..<count {
            if index > 0 { output += "," }
            if pretty { output += "\n" + String(repeating: " ", count: indent + 2) }
            try member(index, &output)
        }
        if pretty { output += "\n" + String(repeating: " ", count: indent) }
        output.append(close)
    }
}
