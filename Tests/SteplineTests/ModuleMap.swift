import Foundation

/// The module map of docs/architecture.md: which of our modules each module may
/// import, and which outside modules only one module may import.
///
/// Read from the table whose header has a `may import (ours)` column (a row per
/// module: its name or names in backticks, then the modules it may import, `—` for
/// none) and from sentences "only `X` imports `Y`" (where `Y` also covers the modules
/// whose names start with it: `Hummingbird` covers `HummingbirdCore`).
struct ModuleMap: Equatable {
    /// Module → the modules of ours it may import.
    var allowed: [String: Set<String>]
    /// Outside module (a name prefix) → the one module that may import it.
    var exclusive: [String: String]

    /// What a map's text gets wrong, naming the line.
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    init(allowed: [String: Set<String>], exclusive: [String: String]) {
        self.allowed = allowed
        self.exclusive = exclusive
    }

    /// Parses `markdown` (the text of docs/architecture.md).
    init(markdown: String) throws(ParseError) {
        let lines = markdown.components(separatedBy: "\n")
        guard let header = lines.firstIndex(where: { $0.hasPrefix("|") && $0.contains("may import (ours)") }) else {
            throw ParseError(description: "no table with a 'may import (ours)' column")
        }
        let columns = Self.cells(lines[header])
        // Force-unwrap proven: the header line contains the column name.
        let importColumn = columns.firstIndex { $0.contains("may import (ours)") }!
        var rows: [(line: Int, modules: [String], imports: String)] = []
        for (offset, line) in lines[(header + 1)...].enumerated() {
            guard line.hasPrefix("|") else { break }
            let cells = Self.cells(line)
            if cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) { continue }
            guard cells.count == columns.count else {
                throw ParseError(description: "line \(header + 2 + offset): \(cells.count) cells, the header has \(columns.count)")
            }
            rows.append((header + 2 + offset, Self.backticked(cells[0]), cells[importColumn]))
        }
        let ours = Set(rows.flatMap(\.modules))
        var allowed: [String: Set<String>] = [:]
        for row in rows {
            guard !row.modules.isEmpty else { throw ParseError(description: "line \(row.line): no `module` in the first cell") }
            let names = Self.identifiers(row.imports)
            if let unknown = names.first(where: { !ours.contains($0) }) {
                throw ParseError(description: "line \(row.line): '\(unknown)' is not a module of the map")
            }
            for module in row.modules { allowed[module] = Set(names) }
        }
        var exclusive: [String: String] = [:]
        let rule = /[Oo]nly\s+`(\w+)`\s+imports\s+`(\w+)`/
        for match in markdown.matches(of: rule) { exclusive[String(match.output.2)] = String(match.output.1) }
        self.allowed = allowed
        self.exclusive = exclusive
    }

    /// What `module`'s source file `path` imports against this map, one message per import.
    func violations(module: String, path: String, text: String) -> [String] {
        guard let mayImport = allowed[module] else {
            return ["\(path): module \(module) has no row in the module map of docs/architecture.md"]
        }
        var found: [String] = []
        for (line, imported) in Self.imports(in: text) where imported != module {
            if allowed[imported] != nil, !mayImport.contains(imported) {
                let list = mayImport.isEmpty ? "none of ours" : mayImport.sorted().joined(separator: ", ")
                found.append("\(path):\(line): \(module) imports \(imported); docs/architecture.md lets it import \(list)")
            }
            for (prefix, owner) in exclusive where imported.hasPrefix(prefix) && module != owner {
                found.append("\(path):\(line): \(module) imports \(imported); only \(owner) may import \(prefix)")
            }
        }
        return found
    }

    /// The modules `text` imports (`import`, `public import`, `internal import`,
    /// `@testable import`, `import struct M.T`…) with their 1-based line numbers.
    static func imports(in text: String) -> [(line: Int, module: String)] {
        let statement = /^\s*(?:@\w+\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_]\w*)/
        return text.components(separatedBy: "\n").enumerated().compactMap { index, line in
            guard let match = line.firstMatch(of: statement) else { return nil }
            return (index + 1, String(match.output.1))
        }
    }

    private static func cells(_ line: String) -> [String] {
        var cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if cells.first == "" { cells.removeFirst() }
        if cells.last == "" { cells.removeLast() }
        return cells
    }

    private static func backticked(_ cell: String) -> [String] {
        cell.matches(of: /`(\w+)`/).map { String($0.output.1) }
    }

    private static func identifiers(_ cell: String) -> [String] {
        cell.matches(of: /[A-Za-z]\w*/).map { String($0.output) }
    }
}
