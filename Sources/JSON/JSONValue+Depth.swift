extension JSONValue {
    /// Whether arrays and objects nest more than `limit` levels deep (`[[1]]` nests 2).
    ///
    /// Walks with its own stack rather than recursing, so it is safe on any value,
    /// including one built outside ``JSONParser`` (from YAML, a template, a `ResultPath`)
    /// that the recursive serializer and the parser's ``JSONParser/maximumDepth`` would
    /// choke on. Stops at the first branch past the limit.
    public func nestsDeeper(than limit: Int) -> Bool {
        var pending: [(value: JSONValue, depth: Int)] = [(self, 0)]
        while let (value, depth) = pending.popLast() {
            switch value {
            case .array(let elements):
                guard depth < limit else { return true }
                for element in elements { pending.append((element, depth + 1)) }
            case .object(let object):
                guard depth < limit else { return true }
                for (_, member) in object.entries { pending.append((member, depth + 1)) }
            case .null, .bool, .integer, .double, .string:
                continue
            }
        }
        return false
    }
}
