/// A `StringMatches` pattern: `*` matches any run of characters (including
/// none); `\*` is a literal asterisk and `\\` a literal backslash.
struct WildcardPattern {
    private enum Element: Equatable {
        case literal(UInt16)
        case anything
    }

    private let elements: [Element]

    init(_ pattern: String) {
        var elements: [Element] = []
        var units = Array(pattern.utf16)[...]
        while let unit = units.popFirst() {
            switch unit {
            case UInt16(ascii: "\\"):
                if let escaped = units.first, escaped == UInt16(ascii: "*") || escaped == UInt16(ascii: "\\") {
                    elements.append(.literal(escaped))
                    units.removeFirst()
                } else {
                    elements.append(.literal(unit))
                }
            case UInt16(ascii: "*"):
                if elements.last != .anything { elements.append(.anything) }
            default:
                elements.append(.literal(unit))
            }
        }
        self.elements = elements
    }

    /// Glob matching without recursion: on a mismatch, retry from the last `*`
    /// one character further on, which is linear in practice and never exponential.
    func matches(_ text: String) -> Bool {
        let units = Array(text.utf16)
        var t = 0
        var p = 0
        var star: Int?
        var resume = 0
        while t < units.count {
            if p < elements.count, case .literal(let unit) = elements[p], unit == units[t] {
                t += 1
                p += 1
            } else if p < elements.count, elements[p] == .anything {
                star = p
                resume = t
                p += 1
            } else if let s = star {
                p = s + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < elements.count, elements[p] == .anything { p += 1 }
        return p == elements.count
    }
}

extension UInt16 {
    fileprivate init(ascii scalar: Unicode.Scalar) { self = UInt16(scalar.value) }
}
