/// A built-in function: its name and how many arguments it takes. When
/// `usesContext` is set and fewer than `minArguments` are given, the input at
/// the call site becomes the first argument (`$uppercase()` on a string).
struct JSONataBuiltin {
    var name: String
    var minArguments: Int
    var maxArguments: Int
    var usesContext = false

    /// The standard library plus Step Functions' additions, by name (without `$`).
    static let library: [String: JSONataBuiltin] = {
        var table: [String: JSONataBuiltin] = [:]
        func add(_ name: String, _ min: Int, _ max: Int, context: Bool = false) {
            table[name] = JSONataBuiltin(name: name, minArguments: min, maxArguments: max, usesContext: context)
        }
        // Strings
        add("string", 1, 2, context: true)
        add("length", 1, 1, context: true)
        add("substring", 2, 3, context: true)
        add("substringBefore", 2, 2, context: true)
        add("substringAfter", 2, 2, context: true)
        add("uppercase", 1, 1, context: true)
        add("lowercase", 1, 1, context: true)
        add("trim", 1, 1, context: true)
        add("pad", 2, 3, context: true)
        add("contains", 2, 2, context: true)
        add("split", 2, 3, context: true)
        add("join", 1, 2)
        add("match", 2, 3, context: true)
        add("replace", 3, 4, context: true)
        add("base64encode", 1, 1, context: true)
        add("base64decode", 1, 1, context: true)
        add("formatNumber", 2, 3, context: true)
        add("formatBase", 1, 2, context: true)
        add("formatInteger", 2, 2, context: true)
        add("parseInteger", 2, 2, context: true)
        add("encodeUrl", 1, 1, context: true)
        add("encodeUrlComponent", 1, 1, context: true)
        add("decodeUrl", 1, 1, context: true)
        add("decodeUrlComponent", 1, 1, context: true)
        // Numbers
        add("number", 1, 1, context: true)
        add("abs", 1, 1, context: true)
        add("floor", 1, 1, context: true)
        add("ceil", 1, 1, context: true)
        add("round", 1, 2, context: true)
        add("power", 2, 2, context: true)
        add("sqrt", 1, 1, context: true)
        add("random", 0, 0)
        // Aggregation
        add("sum", 1, 1)
        add("max", 1, 1)
        add("min", 1, 1)
        add("average", 1, 1)
        add("count", 1, 1)
        // Booleans
        add("boolean", 1, 1, context: true)
        add("not", 1, 1, context: true)
        add("exists", 1, 1)
        // Arrays
        add("append", 2, 2)
        add("reverse", 1, 1)
        add("shuffle", 1, 1)
        add("sort", 1, 2)
        add("distinct", 1, 1)
        add("zip", 1, 64)
        // Objects
        add("keys", 1, 1, context: true)
        add("lookup", 2, 2, context: true)
        add("spread", 1, 1, context: true)
        add("merge", 1, 1)
        add("sift", 2, 2, context: true)
        add("each", 2, 2, context: true)
        add("error", 0, 1)
        add("assert", 1, 2)
        add("type", 1, 1)
        // Higher order
        add("map", 2, 2)
        add("filter", 2, 2)
        add("reduce", 2, 3)
        add("single", 1, 2)
        // Dates
        add("now", 0, 2)
        add("millis", 0, 0)
        add("fromMillis", 1, 3, context: true)
        add("toMillis", 1, 2, context: true)
        // Step Functions
        add("partition", 2, 2)
        add("range", 3, 3)
        add("hash", 1, 2)
        add("uuid", 0, 0)
        add("parse", 1, 1)
        return table
    }()
}
