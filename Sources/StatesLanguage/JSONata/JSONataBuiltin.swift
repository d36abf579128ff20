/// A built-in function: its name, the signature its arguments are checked
/// against, and how many arguments it takes.
struct JSONataBuiltin {
    var name: String
    /// jsonata-js's declared signature: it decides which argument types the
    /// built-in accepts (`T0410`, `T0412`) and where a missing first argument is
    /// the context (`-`, `T0411`). `nil` for `$random` and Step Functions'
    /// additions, which check their own arguments.
    var signature: JSONataSignature?
    /// The most arguments it takes: more is `T0410`; partial application and
    /// higher-order functions pass at most this many.
    var maxArguments: Int

    /// How many arguments a repeated (`+`) parameter takes at the most: `$zip`'s arrays.
    static let variadicLimit = 64

    /// The standard library plus Step Functions' additions, by name (without `$`).
    static let library: [String: JSONataBuiltin] = {
        // The standard library, with the signatures jsonata-js declares.
        let declared: [String: String] = [
            "sum": "<a<n>:n>", "count": "<a:n>", "max": "<a<n>:n>", "min": "<a<n>:n>", "average": "<a<n>:n>",
            "string": "<x-b?:s>", "substring": "<s-nn?:s>", "substringBefore": "<s-s:s>", "substringAfter": "<s-s:s>",
            "lowercase": "<s-:s>", "uppercase": "<s-:s>", "length": "<s-:n>", "trim": "<s-:s>", "pad": "<s-ns?:s>",
            "match": "<s-f<s:o>n?:a<o>>", "contains": "<s-(sf):b>", "replace": "<s-(sf)(sf)n?:s>",
            "split": "<s-(sf)n?:a<s>>", "join": "<a<s>s?:s>", "formatNumber": "<n-so?:s>", "formatBase": "<n-n?:s>",
            "formatInteger": "<n-s:s>", "parseInteger": "<s-s:n>", "number": "<(nsb)-:n>", "floor": "<n-:n>",
            "ceil": "<n-:n>", "round": "<n-n?:n>", "abs": "<n-:n>", "sqrt": "<n-:n>", "power": "<n-n:n>",
            "boolean": "<x-:b>", "not": "<x-:b>", "map": "<af>", "zip": "<a+>", "filter": "<af>", "single": "<af?>",
            "reduce": "<afj?:j>", "sift": "<o-f?:o>", "keys": "<x-:a<s>>", "lookup": "<x-s:x>", "append": "<xx:a>",
            "exists": "<x:b>", "spread": "<x-:a<o>>", "merge": "<a<o>:o>", "reverse": "<a:a>", "each": "<o-f:a>",
            "error": "<s?:x>", "assert": "<bs?:x>", "type": "<x:s>", "sort": "<af?:a>", "shuffle": "<a:a>",
            "distinct": "<x:x>", "base64encode": "<s-:s>", "base64decode": "<s-:s>", "encodeUrlComponent": "<s-:s>",
            "encodeUrl": "<s-:s>", "decodeUrlComponent": "<s-:s>", "decodeUrl": "<s-:s>", "toMillis": "<s-s?:n>",
            "fromMillis": "<n-s?s?:s>", "now": "<s?s?:s>", "millis": "<:n>",
        ]
        // Without a signature: the most arguments each takes.
        let unchecked: [String: Int] = ["random": 0, "partition": 2, "range": 3, "hash": 2, "uuid": 0, "parse": 1]
        var table: [String: JSONataBuiltin] = [:]
        for (name, text) in declared {
            // The texts above are fixed and valid: parsing them cannot fail.
            let signature = try! JSONataSignature(text)
            let variadic = signature.parameters.contains { $0.quantifier == .oneOrMore }
            let most = variadic ? variadicLimit : signature.parameters.count
            table[name] = JSONataBuiltin(name: name, signature: signature, maxArguments: most)
        }
        for (name, most) in unchecked {
            table[name] = JSONataBuiltin(name: name, signature: nil, maxArguments: most)
        }
        return table
    }()
}
