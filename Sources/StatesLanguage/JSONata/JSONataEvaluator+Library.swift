import JSON

#if canImport(Glibc)
import Glibc  // exp and log for $power with a fractional exponent; pure functions.
#endif

extension JSONataEvaluator {
    /// Runs built-in `builtin` on `arguments` (the context already inserted),
    /// counting what its result holds against the evaluation's budget.
    func callBuiltin(_ builtin: JSONataBuiltin, _ arguments: [JSONataValue?]) throws(JSONataError) -> JSONataValue? {
        let result = try runBuiltin(builtin, arguments)
        try charge(result)
        return result
    }

    private func runBuiltin(_ builtin: JSONataBuiltin, _ arguments: [JSONataValue?]) throws(JSONataError) -> JSONataValue? {
        let name = builtin.name
        func argument(_ index: Int) -> JSONataValue? { index < arguments.count ? arguments[index] : nil }
        func signatureError(_ index: Int) -> JSONataError {
            JSONataError("T0410", "Argument \(index + 1) of function \"\(name)\" does not match function signature")
        }
        func string(_ index: Int) throws(JSONataError) -> String? {
            guard let value = argument(index) else { return nil }
            if case .string(let text) = value { return text }
            if case .array(let array) = value, array.items.count == 1, case .string(let text) = array.items[0] { return text }
            throw signatureError(index)
        }
        func number(_ index: Int) throws(JSONataError) -> Double? {
            guard let value = argument(index) else { return nil }
            if case .number(let n) = value { return n }
            if case .array(let array) = value, array.items.count == 1, case .number(let n) = array.items[0] { return n }
            throw signatureError(index)
        }
        func array(_ index: Int) -> [JSONataValue]? {
            guard let value = argument(index) else { return nil }
            return value.arrayItems ?? [value]
        }
        func numbers(_ index: Int) throws(JSONataError) -> [Double]? {
            guard let items = array(index) else { return nil }
            var result: [Double] = []
            for item in items {
                guard case .number(let n) = item else {
                    throw JSONataError("T0412", "Argument \(index + 1) of function \"\(name)\" must be an array of numbers")
                }
                result.append(n)
            }
            return result
        }
        func function(_ index: Int) throws(JSONataError) -> JSONataFunction {
            guard case .function(let f)? = argument(index) else { throw signatureError(index) }
            return f
        }
        func characters(_ text: String) -> [Character] { Array(text) }
        /// A limit on how many results: all when absent; `code` when negative.
        func countLimit(_ index: Int, code: String, ordinal: String) throws(JSONataError) -> Int {
            guard let n = try number(index) else { return Int.max }
            guard n >= 0 else { throw JSONataError(code, "\(ordinal) argument of \(name) function must evaluate to a positive number") }
            return Self.integer(n)
        }

        if Self.formattingBuiltins.contains(name) { return try callFormattingBuiltin(name, arguments) }
        switch name {
        // MARK: Strings
        case "string":
            guard let value = argument(0) else { return nil }
            return .string(try JSONataNumberText.castString(value, pretty: Self.boolean(argument(1))))
        case "length":
            guard let text = try string(0) else { return nil }
            return .number(Double(text.count))
        case "substring":
            guard let text = try string(0), let start = try number(1) else { return nil }
            let chars = characters(text)
            var from = Self.integer(start)
            if from < 0 { from = max(0, chars.count + from) }
            from = min(from, chars.count)
            var to = chars.count
            if let length = try number(2) {
                if length <= 0 { return .string("") }
                to = min(chars.count, from + Self.integer(length))
            }
            return .string(String(chars[from..<to]))
        case "substringBefore":
            guard let text = try string(0), let chars = try string(1) else { return nil }
            guard let range = text.firstRange(of: chars) else { return .string(text) }
            return .string(String(text[..<range.lowerBound]))
        case "substringAfter":
            guard let text = try string(0), let chars = try string(1) else { return nil }
            guard let range = text.firstRange(of: chars) else { return .string(text) }
            return .string(String(text[range.upperBound...]))
        case "uppercase":
            return try string(0).map { .string($0.uppercased()) }
        case "lowercase":
            return try string(0).map { .string($0.lowercased()) }
        case "trim":
            guard let text = try string(0) else { return nil }
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            return .string(words.joined(separator: " "))
        case "pad":
            guard let text = try string(0), let width = try number(1) else { return nil }
            var padding = try string(2) ?? " "
            if padding.isEmpty { padding = " " }
            let missing = abs(Self.integer(width)) - text.count
            guard missing > 0 else { return .string(text) }
            guard missing <= Self.maximumPadding else {
                throw JSONataError("D3141", "The width of the pad function must not exceed \(Self.maximumPadding) characters")
            }
            let fill = String(String(repeating: padding, count: missing / padding.count + 1).prefix(missing))
            return .string(width > 0 ? text + fill : fill + text)
        case "contains":
            guard let text = try string(0) else { return nil }
            if case .function(let matcher)? = argument(1) { return .bool(!(try matches(of: matcher, in: text, limit: 1)).isEmpty) }
            guard let token = try string(1) else { throw signatureError(1) }
            return .bool(token.isEmpty || text.firstRange(of: token) != nil)
        case "split":
            guard let text = try string(0) else { return nil }
            let limit = try countLimit(2, code: "D3020", ordinal: "Third")
            var parts: [String] = []
            if case .function(let matcher)? = argument(1) {
                var position = text.startIndex
                for match in try matches(of: matcher, in: text) {
                    parts.append(String(text[position..<match.range.lowerBound]))
                    position = match.range.upperBound
                }
                parts.append(String(text[position...]))
            } else {
                guard let separator = try string(1) else { throw signatureError(1) }
                if separator.isEmpty {
                    parts = text.map { String($0) }
                } else {
                    parts = text.components(separatedByText: separator)
                }
            }
            return .plainArray(parts.prefix(limit).map { .string($0) })
        case "join":
            guard let items = array(0) else { return nil }
            var texts: [String] = []
            for item in items {
                guard case .string(let text) = item else {
                    throw JSONataError("T0412", "Argument 1 of function \"join\" must be an array of strings")
                }
                texts.append(text)
            }
            return .string(texts.joined(separator: try string(1) ?? ""))
        case "match":
            guard let text = try string(0) else { return nil }
            guard case .function(let matcher)? = argument(1) else { throw signatureError(1) }
            var matches = try self.matches(of: matcher, in: text)
            if let limit = try number(2) { matches = Array(matches.prefix(max(0, Self.integer(limit)))) }
            return .sequence(matches.map(\.object))
        case "replace":
            guard let text = try string(0) else { return nil }
            let limit = try countLimit(3, code: "D3011", ordinal: "Fourth")
            let replacement = argument(2)
            if case .function(let matcher)? = argument(1) {
                var result = ""
                var position = text.startIndex
                for match in try matches(of: matcher, in: text, limit: limit) {
                    result += text[position..<match.range.lowerBound]
                    switch replacement {
                    case .string(let template)?: result += Self.substitute(template, match)
                    case .function(let f)?:
                        guard case .string(let produced)? = try callback(f, [match.object]) else {
                            throw JSONataError("D3012", "Attempted to replace a matched string with a non-string value")
                        }
                        result += produced
                    default: throw signatureError(2)
                    }
                    position = match.range.upperBound
                }
                return .string(result + text[position...])
            }
            guard let pattern = try string(1) else { throw signatureError(1) }
            guard !pattern.isEmpty else { throw JSONataError("D3010", "Second argument of replace function cannot be an empty string") }
            guard case .string(let with)? = replacement else { throw signatureError(2) }
            let parts = text.components(separatedByText: pattern)
            var result = parts[0]
            for (index, part) in parts.dropFirst().enumerated() {
                result += (index < limit ? with : pattern) + part
            }
            return .string(result)
        case "base64encode":
            return try string(0).map { .string(Base64.encode(Array($0.utf8))) }
        case "base64decode":
            guard let text = try string(0) else { return nil }
            guard let bytes = Base64.decode(text) else { return nil }
            return .string(String(decoding: bytes, as: UTF8.self))
        case "formatBase":
            guard let value = try number(0) else { return nil }
            let radix = Self.integer(try number(1) ?? 10)
            guard (2...36).contains(radix) else {
                throw JSONataError("D3100", "The radix of the formatBase function must be between 2 and 36.  It was given \(radix)")
            }
            return .string(String(Self.integer(value.rounded(.toNearestOrEven)), radix: radix))

        // MARK: Numbers
        case "number":
            guard let value = argument(0) else { return nil }
            switch value {
            case .number: return value
            case .bool(let b): return .number(b ? 1 : 0)
            case .string(let text):
                if let n = Self.parseNumber(text) { return .number(n) }
                throw JSONataError("D3030", "Unable to cast value to a number: \(JSONataNumberText.string(value))")
            default:
                throw JSONataError("D3030", "Unable to cast value to a number: \(JSONataNumberText.string(value))")
            }
        case "abs": return try number(0).map { .number(abs($0)) }
        case "floor": return try number(0).map { .number($0.rounded(.down)) }
        case "ceil": return try number(0).map { .number($0.rounded(.up)) }
        case "round":
            guard let value = try number(0) else { return nil }
            return .number(JSONataNumberFormat.round(value, precision: Self.integer(try number(1) ?? 0)))
        case "power":
            guard let base = try number(0), let exponent = try number(1) else { return nil }
            let result = Self.power(base, exponent)
            guard result.isFinite else {
                throw JSONataError(
                    "D3061",
                    "The power function has resulted in a value that cannot be represented as a JSON number: base=\(JSONataNumberText.text(base)), exponent=\(JSONataNumberText.text(exponent))"
                )
            }
            return .number(result)
        case "sqrt":
            guard let value = try number(0) else { return nil }
            guard value >= 0 else {
                throw JSONataError("D3060", "The sqrt function cannot be applied to a negative number: \(JSONataNumberText.text(value))")
            }
            return .number(value.squareRoot())
        case "random":
            return .number(Double.random(in: 0..<1, using: &random))

        // MARK: Aggregation
        case "sum": return try numbers(0).map { .number($0.reduce(0, +)) }
        case "max": return try numbers(0).flatMap { $0.max() }.map { .number($0) }
        case "min": return try numbers(0).flatMap { $0.min() }.map { .number($0) }
        case "average":
            guard let values = try numbers(0), !values.isEmpty else { return nil }
            return .number(values.reduce(0, +) / Double(values.count))
        case "count": return .number(Double(array(0)?.count ?? 0))

        // MARK: Booleans
        case "boolean":
            guard let value = argument(0) else { return nil }
            return .bool(Self.boolean(value))
        case "not":
            guard let value = argument(0) else { return nil }
            return .bool(!Self.boolean(value))
        case "exists": return .bool(argument(0) != nil)

        // MARK: Arrays
        case "append":
            return Self.append(argument(0), argument(1))
        case "reverse":
            return array(0).map { .plainArray($0.reversed()) }
        case "shuffle":
            guard var items = array(0) else { return nil }
            items.shuffle(using: &random)
            return .plainArray(items)
        case "distinct":
            guard let value = argument(0) else { return nil }
            guard let items = value.arrayItems else { return value }
            var kept: [JSONataValue] = []
            for item in items where !kept.contains(where: { Self.deepEqual($0, item) }) { kept.append(item) }
            return .plainArray(kept)
        case "sort":
            guard let items = array(0) else { return nil }
            if let comparator = argument(1) {
                guard case .function(let f) = comparator else { throw signatureError(1) }
                // Merge sort: the comparator may throw, and the order must be stable.
                return .plainArray(
                    try Self.stableSorted(items) { (a, b) throws(JSONataError) in
                        Self.boolean(try callback(f, [a, b]))
                    }
                )
            }
            if items.allSatisfy({ $0.number != nil }) || items.allSatisfy({ $0.string != nil }) {
                return .plainArray(items.sorted { Self.compareOrderKeys($0, $1) < 0 })
            }
            throw JSONataError(
                "D3070",
                "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function"
            )
        case "zip":
            let lists = arguments.map { $0.map { $0.arrayItems ?? [$0] } ?? [] }
            let length = lists.map(\.count).min() ?? 0
            return .plainArray((0..<length).map { index in .plainArray(lists.map { $0[index] }) })

        // MARK: Objects
        case "keys":
            guard let value = argument(0) else { return nil }
            var keys: [String] = []
            for item in value.arrayItems ?? [value] {
                guard case .object(let object) = item else { continue }
                for key in object.keys where !keys.contains(key) { keys.append(key) }
            }
            return .sequence(keys.map { .string($0) })
        case "lookup":
            guard let key = try string(1) else { throw signatureError(1) }
            return Self.lookup(argument(0), key)
        case "spread":
            guard let value = argument(0) else { return nil }
            var result: [JSONataValue] = []
            for item in value.arrayItems ?? [value] {
                guard case .object(let object) = item else {
                    result.append(item)
                    continue
                }
                for key in object.keys {
                    var single = JSONataObject()
                    single[key] = object[key]
                    result.append(.object(single))
                }
            }
            return .sequence(result)
        case "merge":
            guard let items = array(0) else { return nil }
            var merged = JSONataObject()
            for item in items {
                guard case .object(let object) = item else {
                    throw JSONataError("T0412", "Argument 1 of function \"merge\" must be an array of objects")
                }
                for key in object.keys { merged[key] = object[key] }
            }
            return .object(merged)
        case "sift", "each":
            guard case .object(let object)? = argument(0) else { return nil }
            let f = try function(1)
            var sifted = JSONataObject()
            var results: [JSONataValue] = []
            for key in object.keys {
                // `keys` lists exactly the stored keys.
                let value = object[key]!
                let outcome = try callback(f, [value, .string(key), .object(object)])
                if name == "sift" {
                    if Self.boolean(outcome) { sifted[key] = value }
                } else if let outcome {
                    results.append(outcome)
                }
            }
            if name == "each" { return .sequence(results) }
            return sifted.count == 0 ? nil : .object(sifted)
        case "error":
            throw JSONataError("D3137", try string(0) ?? "$error() function evaluated")
        case "assert":
            guard case .bool(let condition)? = argument(0) else {
                throw JSONataError("T0410", "Argument 1 of function \"assert\" does not match function signature")
            }
            if !condition { throw JSONataError("D3141", try string(1) ?? "$assert() statement failed") }
            return nil
        case "type":
            return argument(0).map { .string($0.typeName) }

        // MARK: Higher order
        case "map", "filter":
            guard let items = array(0) else { return nil }
            let f = try function(1)
            var results: [JSONataValue] = []
            for (index, item) in items.enumerated() {
                let outcome = try callback(f, [item, .number(Double(index)), .plainArray(items)])
                if name == "map" {
                    if let outcome { results.append(outcome) }
                } else if Self.boolean(outcome) {
                    results.append(item)
                }
            }
            return .sequence(results)
        case "reduce":
            guard let items = array(0) else { return nil }
            let f = try function(1)
            guard f.arity >= 2 || f.arity == 0 else {
                throw JSONataError("D3050", "The second argument of reduce function must be a function with at least two arguments")
            }
            var accumulator = argument(2)
            var start = 0
            if accumulator == nil, !items.isEmpty {
                accumulator = items[0]
                start = 1
            }
            for index in start..<max(start, items.count) {
                accumulator = try callback(f, [accumulator, items[index], .number(Double(index)), .plainArray(items)])
            }
            return accumulator
        case "single":
            guard let items = array(0) else { return nil }
            var found: JSONataValue?
            for (index, item) in items.enumerated() {
                let matches =
                    try argument(1).map { (predicate) throws(JSONataError) -> Bool in
                        guard case .function(let f) = predicate else { throw signatureError(1) }
                        return Self.boolean(try callback(f, [item, .number(Double(index)), .plainArray(items)]))
                    } ?? true
                guard matches else { continue }
                if found != nil {
                    throw JSONataError("D3138", "The $single() function expected exactly 1 matching result.  Instead it matched more.")
                }
                found = item
            }
            guard let found else {
                throw JSONataError("D3139", "The $single() function expected exactly 1 matching result.  Instead it matched 0.")
            }
            return found

        // MARK: Dates
        case "millis": return .number(Double(now.millisecondsSinceEpoch))

        // MARK: Step Functions
        case "partition":
            guard let items = array(0), let size = try number(1) else { return nil }
            guard size > 0, size == size.rounded() else {
                throw JSONataError("D3040", "The second argument of $partition must be a positive integer")
            }
            let chunk = Self.integer(size)
            return .plainArray(
                stride(from: 0, to: items.count, by: chunk).map {
                    .plainArray(Array(items[$0..<min(items.count, $0 + chunk)]))
                }
            )
        case "range":
            guard let start = try number(0), let end = try number(1), let step = try number(2) else { return nil }
            guard step != 0 else { throw JSONataError("D3040", "The step of $range must not be zero") }
            var values: [JSONataValue] = []
            var current = start
            while (step > 0 ? current <= end : current >= end) && values.count < 1000 {
                values.append(.number(current))
                current += step
            }
            return .sequence(values)
        case "hash":
            guard let text = try string(0) else { return nil }
            let algorithm = try string(1) ?? "SHA-256"
            guard let digest = IntrinsicExpression.hexDigest(of: Array(text.utf8), algorithm: algorithm) else {
                throw JSONataError("D3040", "The hash algorithm \(algorithm) is not supported; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512")
            }
            return .string(digest)
        case "uuid":
            return .string(IntrinsicExpression.uuidV4(using: &random))
        case "parse":
            guard let text = try string(0) else { return nil }
            do {
                return JSONataValue(try JSONParser.parse(text))
            } catch {
                throw JSONataError("D3140", "Malformed JSON: \(text)")
            }
        default:
            throw JSONataError("T1006", "Attempted to invoke a non-function")
        }
    }

    /// `$1`, `$2`… and `$0` in a replacement string; `$$` is a literal `$`.
    static func substitute(_ template: String, _ match: JSONataRegex.Match) -> String {
        var result = ""
        let chars = Array(template)
        var index = 0
        while index < chars.count {
            let c = chars[index]
            if c == "$", index + 1 < chars.count {
                let next = chars[index + 1]
                if next == "$" {
                    result.append("$")
                    index += 2
                    continue
                }
                if let digit = next.wholeNumberValue {
                    result += digit == 0 ? match.text : (digit <= match.groups.count ? match.groups[digit - 1] : "")
                    index += 2
                    continue
                }
            }
            result.append(c)
            index += 1
        }
        return result
    }

    /// What `$number` accepts from a string, as jsonata-js: decimal digits
    /// (leading zeros allowed) with an optional fraction and exponent, or a
    /// `0x`/`0o`/`0b` integer; `nil` otherwise or when out of range.
    static func parseNumber(_ text: String) -> Double? {
        let chars = Array(text.utf8)
        if chars.count > 2, chars[0] == UInt8(ascii: "0") {
            let radix: Int? =
                switch chars[1] {
                case UInt8(ascii: "x"), UInt8(ascii: "X"): 16
                case UInt8(ascii: "o"), UInt8(ascii: "O"): 8
                case UInt8(ascii: "b"), UInt8(ascii: "B"): 2
                default: nil
                }
            if let radix { return Int(text.dropFirst(2), radix: radix).map(Double.init) }
        }
        var index = 0
        func digits() -> Bool {
            let start = index
            while index < chars.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(chars[index]) { index += 1 }
            return index > start
        }
        if index < chars.count, chars[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() else { return nil }
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() else { return nil }
        }
        if index < chars.count, chars[index] == UInt8(ascii: "e") || chars[index] == UInt8(ascii: "E") {
            index += 1
            if index < chars.count, chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() else { return nil }
        }
        guard index == chars.count, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// `value` truncated toward zero, clamped to ±2^53 (beyond it a double has no
    /// integer steps) so that no argument traps the conversion to `Int`, and sums
    /// of two such values cannot overflow.
    static func integer(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        let bound = 9_007_199_254_740_992.0
        return Int(max(-bound, min(bound, value.rounded(.towardZero))))
    }

    /// The most characters `$pad` adds: a string of that size is megabytes already;
    /// a width of 1e15 would exhaust memory instead of failing the state.
    static let maximumPadding = 10_000_000

    static func power(_ base: Double, _ exponent: Double) -> Double {
        if exponent == exponent.rounded(), abs(exponent) < 1024 {
            var result = 1.0
            for _ in 0..<Int(abs(exponent)) { result *= base }
            return exponent < 0 ? 1 / result : result
        }
        return exp(exponent * log(base))
    }
}

extension String {
    /// The parts between occurrences of `separator` (no Foundation in the pure core).
    func components(separatedByText separator: String) -> [String] {
        var parts: [String] = []
        var rest = self[...]
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
