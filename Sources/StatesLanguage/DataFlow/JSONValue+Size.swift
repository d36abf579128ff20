import JSON

extension JSONValue {
    /// Whether the compact JSON text of this value is longer than `limit` bytes.
    ///
    /// Walks the value with a running estimate and stops as soon as the limit is
    /// passed, so the common small payload costs a few steps and a huge one is not
    /// serialized just to be measured. Strings count their UTF-8 length plus
    /// quotes (escapes are ignored, which can only under-count slightly).
    func exceedsSerializedSize(_ limit: Int) -> Bool {
        var budget = limit
        return !fits(&budget)
    }

    private func fits(_ budget: inout Int) -> Bool {
        switch self {
        case .null, .bool: budget -= 5
        case .integer, .double: budget -= 8
        case .string(let text): budget -= text.utf8.count + 2
        case .array(let elements):
            budget -= 2 + elements.count
            if budget < 0 { return false }
            for element in elements where !element.fits(&budget) { return false }
        case .object(let object):
            budget -= 2 + object.count
            if budget < 0 { return false }
            for (key, value) in object.entries {
                budget -= key.utf8.count + 3
                if budget < 0 || !value.fits(&budget) { return false }
            }
        }
        return budget >= 0
    }
}
