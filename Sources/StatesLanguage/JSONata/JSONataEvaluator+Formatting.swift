extension JSONataEvaluator {
    /// The formatting and parsing built-ins: numbers and integers by picture,
    /// dates and times by picture, and URL percent-encoding.
    ///
    /// Kept apart from ``callBuiltin(_:_:)`` because each is a thin adapter
    /// over its own pure formatter (``JSONataNumberFormat``,
    /// ``JSONataIntegerPicture``, ``JSONataDateTime``, ``JSONataURLCoding``).
    static let formattingBuiltins: Set<String> = [
        "formatNumber", "formatInteger", "parseInteger", "fromMillis", "toMillis", "now",
        "encodeUrl", "encodeUrlComponent", "decodeUrl", "decodeUrlComponent",
    ]

    /// Runs formatting built-in `name` (one of ``formattingBuiltins``) on `arguments`.
    func callFormattingBuiltin(_ name: String, _ arguments: [JSONataValue?]) throws(JSONataError) -> JSONataValue? {
        let arguments = BuiltinArguments(function: name, values: arguments)
        switch name {
        case "formatNumber":
            guard let value = try arguments.number(0) else { return nil }
            let picture = try arguments.requiredString(1)
            return .string(try JSONataNumberFormat.format(value, picture: picture, options: try arguments.stringMap(2)))
        case "formatInteger":
            guard let value = try arguments.number(0) else { return nil }
            let picture = try JSONataIntegerPicture(try arguments.requiredString(1))
            return .string(try picture.format(value.rounded(.down)))
        case "parseInteger":
            guard let text = try arguments.string(0) else { return nil }
            let picture = try JSONataIntegerPicture(try arguments.requiredString(1))
            return try picture.parse(text).map { .number($0) }
        case "fromMillis":
            guard let millis = try arguments.number(0) else { return nil }
            return .string(
                try JSONataDateTime.format(millis: millis, picture: try arguments.string(1), timeZone: try arguments.string(2), function: name)
            )
        case "now":
            let picture = try arguments.string(0)
            let timeZone = try arguments.string(1)
            if picture == nil && timeZone == nil { return .string(now.iso8601) }
            return .string(
                try JSONataDateTime.format(
                    millis: Double(now.millisecondsSinceEpoch), picture: picture, timeZone: timeZone, function: name
                )
            )
        case "toMillis":
            guard let text = try arguments.string(0) else { return nil }
            if let picture = try arguments.string(1) {
                return try JSONataDateTime.parse(text, picture: picture, now: now).map { .number($0) }
            }
            guard let millis = JSONataDateTime.parseISO8601(text) else {
                throw JSONataError(
                    "D3110",
                    "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given \(JSONataNumberText.string(.string(text)))"
                )
            }
            return .number(millis)
        case "encodeUrl", "encodeUrlComponent":
            guard let text = try arguments.string(0) else { return nil }
            return .string(JSONataURLCoding.encode(text, wholeURL: name == "encodeUrl"))
        case "decodeUrl", "decodeUrlComponent":
            guard let text = try arguments.string(0) else { return nil }
            return .string(try JSONataURLCoding.decode(text, wholeURL: name == "decodeUrl", function: name))
        default:
            throw JSONataError("T1006", "Attempted to invoke a non-function")
        }
    }
}

/// A built-in's arguments read against its signature: a one-item array
/// stands for its item, a missing argument is `nil`, and anything of the wrong
/// type is T0410 naming the argument.
private struct BuiltinArguments {
    var function: String
    var values: [JSONataValue?]

    func signatureError(_ index: Int) -> JSONataError {
        JSONataError("T0410", "Argument \(index + 1) of function \"\(function)\" does not match function signature")
    }

    private func value(_ index: Int) -> JSONataValue? {
        guard index < values.count, let value = values[index] else { return nil }
        if case .array(let array) = value, array.items.count == 1 { return array.items[0] }
        return value
    }

    func string(_ index: Int) throws(JSONataError) -> String? {
        guard let value = value(index) else { return nil }
        guard case .string(let text) = value else { throw signatureError(index) }
        return text
    }

    func requiredString(_ index: Int) throws(JSONataError) -> String {
        guard let text = try string(index) else { throw signatureError(index) }
        return text
    }

    func number(_ index: Int) throws(JSONataError) -> Double? {
        guard let value = value(index) else { return nil }
        guard case .number(let number) = value else { throw signatureError(index) }
        return number
    }

    /// An object of string values (`$formatNumber`'s options).
    func stringMap(_ index: Int) throws(JSONataError) -> [String: String] {
        guard let value = value(index) else { return [:] }
        guard case .object(let object) = value else { throw signatureError(index) }
        var map: [String: String] = [:]
        for key in object.keys {
            guard case .string(let text)? = object[key] else { throw signatureError(index) }
            map[key] = text
        }
        return map
    }
}
