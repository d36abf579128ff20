extension JSONataBuiltin {
    /// The standard library's signatures, as jsonata-js declares them: they
    /// decide which argument types a built-in accepts (`T0410`, `T0412`) and
    /// where a missing first argument is the context (`-`, `T0411`).
    /// Built-ins without an entry (Step Functions' additions) check their own
    /// arguments.
    static let signatures: [String: JSONataSignature] = {
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
        var table: [String: JSONataSignature] = [:]
        for (name, text) in declared {
            // The texts above are fixed and valid: parsing them cannot fail.
            table[name] = try! JSONataSignature(text)
        }
        return table
    }()
}
