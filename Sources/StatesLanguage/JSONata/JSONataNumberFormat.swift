/// `$formatNumber(number, picture)`: the XPath 3.1 decimal picture string
/// (`#,##0.00`, `0.0%`, `000`), with the default decimal format symbols.
enum JSONataNumberFormat {
    static func format(_ value: Double, picture: String) throws(JSONataError) -> String {
        let parts = picture.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else {
            throw JSONataError("D3080", "The picture string must only contain a maximum of two sub-pictures")
        }
        var sub = parts[0]
        var negativePrefix = "-"
        if value < 0, parts.count == 2 {
            sub = parts[1]
            negativePrefix = ""
        }
        let active: Set<Character> = ["0", "#", ",", ".", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
        let chars = Array(sub)
        guard let first = chars.firstIndex(where: { active.contains($0) }),
            let last = chars.lastIndex(where: { active.contains($0) })
        else {
            throw JSONataError("D3085", "The picture string must contain at least one of the following characters: 0123456789#")
        }
        let prefix = String(chars[..<first])
        let suffix = String(chars[(last + 1)...])
        let body = String(chars[first...last])
        var number = abs(value)
        if prefix.contains("%") || suffix.contains("%") { number *= 100 }
        if prefix.contains("‰") || suffix.contains("‰") { number *= 1000 }
        let bodyParts = body.split(separator: ".", omittingEmptySubsequences: false)
        let integerPicture = String(bodyParts[0])
        let fractionPicture = bodyParts.count > 1 ? String(bodyParts[1]) : ""
        let minimumFraction = fractionPicture.filter { $0.isNumber }.count
        let maximumFraction = fractionPicture.filter { $0.isNumber || $0 == "#" }.count
        let minimumInteger = integerPicture.filter { $0.isNumber }.count
        // Grouping positions counted from the right of the integer part.
        var groups: [Int] = []
        var count = 0
        for c in integerPicture.reversed() {
            if c == "," { groups.append(count) } else { count += 1 }
        }
        var scale = 1.0
        for _ in 0..<maximumFraction { scale *= 10 }
        let rounded = (number * scale).rounded(.toNearestOrEven)
        let integerValue = (rounded / scale).rounded(.down)
        var fractionDigits = String(Int64(rounded - integerValue * scale))
        fractionDigits = String(repeating: "0", count: max(0, maximumFraction - fractionDigits.count)) + fractionDigits
        if maximumFraction == 0 { fractionDigits = "" }
        while fractionDigits.count > minimumFraction && fractionDigits.hasSuffix("0") { fractionDigits.removeLast() }
        var integerDigits = integerValue == 0 ? "" : JSONataNumberText.text(integerValue)
        if integerDigits.count < minimumInteger {
            integerDigits = String(repeating: "0", count: minimumInteger - integerDigits.count) + integerDigits
        }
        if integerDigits.isEmpty && fractionDigits.isEmpty { integerDigits = "0" }
        if let interval = groups.first, interval > 0 {
            let regular = groups.enumerated().allSatisfy { $0.element == interval * ($0.offset + 1) }
            var grouped = ""
            for (index, c) in integerDigits.reversed().enumerated() {
                if index > 0 && (regular ? index % interval == 0 : groups.contains(index)) { grouped.append(",") }
                grouped.append(c)
            }
            integerDigits = String(grouped.reversed())
        }
        var text = integerDigits
        if !fractionDigits.isEmpty || fractionPicture.contains(where: { $0.isNumber }) { text += "." + fractionDigits }
        let sign = value < 0 && number != 0 ? negativePrefix : ""
        return sign + prefix + text + suffix
    }
}
