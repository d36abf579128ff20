extension JSONPath {
    /// Returns `document` with `value` placed where this path points: the
    /// `ResultPath` rule of the States Language.
    ///
    /// - `$` replaces the whole document with `value`.
    /// - Missing members along the way are created as empty objects, so
    ///   `$.a.b` on `{}` gives `{"a":{"b":value}}`; an existing member keeps its
    ///   position, a new one goes last.
    /// - An index replaces an existing element (negative counts from the end);
    ///   arrays are never grown or created.
    ///
    /// - Throws: ``JSONPathError`` when the path is not a `$`-rooted Reference Path,
    ///   or a value along the way is not an object (for a name) or not an array
    ///   holding the index; the error's offset points at that segment.
    public func setting(_ value: JSONValue, in document: JSONValue) throws(JSONPathError) -> JSONValue {
        guard root == .input else { throw error(.notInputRooted, segment: nil) }
        if let offending = segments.firstIndex(where: { !$0.isSingular }) {
            throw error(.notAReferencePath, segment: offending)
        }
        var result = document
        try assign(value, from: 0, in: &result)
        return result
    }

    private func assign(_ value: JSONValue, from position: Int, in target: inout JSONValue) throws(JSONPathError) {
        guard position < segments.count else {
            target = value
            return
        }
        switch segments[position] {
        case .member(let name):
            guard case .object(var object) = target else { throw error(.notAnObject, segment: position) }
            // Drop `target`'s reference so `object` (and below, `child`) is uniquely
            // referenced and is mutated in place instead of copied.
            target = .null
            var child = object[name] ?? .object(JSONObject())
            object[name] = .null
            try assign(value, from: position + 1, in: &child)
            object[name] = child
            target = .object(object)
        case .index(let index):
            guard case .array(var array) = target else { throw error(.notAnArray, segment: position) }
            guard let element = Self.resolve(index, count: array.count) else {
                throw error(.indexOutOfRange, segment: position)
            }
            target = .null
            var child = array[element]
            array[element] = .null
            try assign(value, from: position + 1, in: &child)
            array[element] = child
            target = .array(array)
        default:
            throw error(.notAReferencePath, segment: position)
        }
    }

    private func error(_ reason: JSONPathError.Reason, segment: Int?) -> JSONPathError {
        JSONPathError(reason: reason, path: text, utf8Offset: segment.map { segmentOffsets[$0] } ?? 0)
    }
}
