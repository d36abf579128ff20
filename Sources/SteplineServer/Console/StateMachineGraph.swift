internal import JSON

/// A state machine's top-level states laid out as a graph, drawn as SVG on the server.
///
/// Read from the definition's JSON (`StartAt`, `States`, each state's `Next`, `End`,
/// `Choices[].Next`, `Default` and `Catch[].Next`), so it draws whatever was deployed
/// without running anything. States are placed in layers by their shortest distance
/// from `StartAt`, which keeps the usual pipeline (a chain with catch branches)
/// top to bottom; edges that go back up (loops, retries by Choice) curve around the
/// side. Parallel and Map states are one node each: their inner states run in
/// frames the execution page's timeline shows.
struct StateMachineGraph: Sendable {
    /// One state.
    struct Node: Sendable, Hashable {
        var name: String
        var type: String
        var layer: Int
        var column: Int
    }

    /// A transition between two states.
    struct Edge: Sendable, Hashable {
        enum Kind: String, Sendable {
            case next, choice
            case otherwise = "default"
            case error = "catch"
        }
        var from: String
        var to: String
        var kind: Kind
    }

    private(set) var nodes: [Node] = []
    private(set) var edges: [Edge] = []
    private(set) var startAt: String?

    static let nodeWidth = 180
    static let nodeHeight = 40
    static let columnGap = 30
    static let layerGap = 60
    static let margin = 40

    /// The graph of `definition` (a parsed ASL document); empty if it has no `States`.
    init(definition: JSONValue) {
        guard let states = definition["States"]?.objectValue else { return }
        startAt = definition["StartAt"]?.stringValue
        var types: [String: String] = [:]
        for (name, state) in states.entries {
            types[name] = Self.typeLabel(state)
            func add(_ target: JSONValue?, _ kind: Edge.Kind) {
                if let target = target?.stringValue, states[target] != nil {
                    edges.append(Edge(from: name, to: target, kind: kind))
                }
            }
            add(state["Next"], .next)
            for choice in state["Choices"]?.arrayValue ?? [] { add(choice["Next"], .choice) }
            add(state["Default"], .otherwise)
            for catcher in state["Catch"]?.arrayValue ?? [] { add(catcher["Next"], .error) }
        }
        var layers: [String: Int] = [:]
        var order: [String] = []
        var queue: [String] = startAt.flatMap { types[$0] != nil ? [$0] : nil } ?? []
        if let first = queue.first { layers[first] = 0 }
        var index = 0
        while index < queue.count {
            let name = queue[index]
            index += 1
            order.append(name)
            for edge in edges where edge.from == name && layers[edge.to] == nil {
                layers[edge.to] = (layers[name] ?? 0) + 1
                queue.append(edge.to)
            }
        }
        // Unreachable states (a definition can have them until validated) go below the rest.
        let bottom = (layers.values.max() ?? -1) + 1
        for name in states.keys where layers[name] == nil {
            layers[name] = bottom
            order.append(name)
        }
        var columns: [Int: Int] = [:]
        for name in order {
            let layer = layers[name] ?? bottom
            nodes.append(Node(name: name, type: types[name] ?? "?", layer: layer, column: columns[layer, default: 0]))
            columns[layer, default: 0] += 1
        }
    }

    /// The scopes nested in `definition`, depth first: each Parallel branch and each Map's
    /// item processor, titled by the state that holds it (`Preview, branch 2 of 2`).
    static func innerScopes(of definition: JSONValue) -> [(title: String, definition: JSONValue)] {
        var scopes: [(title: String, definition: JSONValue)] = []
        for (name, state) in definition["States"]?.objectValue?.entries.map({ ($0.0, $0.1) }) ?? [] {
            var inner: [(String, JSONValue)] = []
            if let branches = state["Branches"]?.arrayValue {
                for (index, branch) in branches.enumerated() {
                    inner.append(("\(name), branch \(index + 1) of \(branches.count)", branch))
                }
            } else if let processor = state["ItemProcessor"] ?? state["Iterator"] {
                inner.append(("\(name), each item", processor))
            }
            for (title, scope) in inner {
                scopes.append((title, scope))
                scopes += innerScopes(of: scope)
            }
        }
        return scopes
    }

    /// The type, and for the states that hold others how many: `Parallel · 2 branches`,
    /// `Map · 3 states` (their inner states are not drawn; the timeline shows them).
    static func typeLabel(_ state: JSONValue) -> String {
        let type = state["Type"]?.stringValue ?? "?"
        if let branches = state["Branches"]?.arrayValue {
            return "\(type) · \(branches.count) branch\(branches.count == 1 ? "" : "es")"
        }
        if let inner = (state["ItemProcessor"] ?? state["Iterator"])?["States"]?.objectValue {
            return "\(type) · \(inner.keys.count) state\(inner.keys.count == 1 ? "" : "s")"
        }
        return type
    }

    /// The SVG, with `visited` states marked as on the path taken, `current` as where
    /// the execution is now and `failed` as where it failed.
    func svg(visited: Set<String>, current: String?, failed: String?) -> String {
        let widest = Dictionary(grouping: nodes, by: \.layer).values.map(\.count).max() ?? 1
        let layerCount = (nodes.map(\.layer).max() ?? 0) + 1
        let width = Self.margin * 2 + widest * Self.nodeWidth + (widest - 1) * Self.columnGap + 60
        let height = Self.margin * 2 + layerCount * Self.nodeHeight + (layerCount - 1) * Self.layerGap
        let counts = Dictionary(grouping: nodes, by: \.layer).mapValues(\.count)
        var positions: [String: (x: Int, y: Int)] = [:]
        for node in nodes {
            let rowWidth = (counts[node.layer] ?? 1) * (Self.nodeWidth + Self.columnGap) - Self.columnGap
            let x = (width - rowWidth) / 2 + node.column * (Self.nodeWidth + Self.columnGap)
            let y = Self.margin + node.layer * (Self.nodeHeight + Self.layerGap)
            positions[node.name] = (x, y)
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"state-graph\" width=\"\(width)\" height=\"\(height)\" "
        svg += "viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"state machine graph\">"
        svg += "<defs>"
        for (id, color) in [("arrow", "#8a94a6"), ("arrow-taken", "#11794a"), ("arrow-catch", "#c4320a")] {
            // userSpaceOnUse: arrowheads keep one size whatever the edge's stroke width.
            svg += "<marker id=\"\(id)\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" "
            svg += "markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"\(color)\"/></marker>"
        }
        svg += "</defs>"
        svg += "<style>.edge{fill:none;stroke:#8a94a6;stroke-width:1.5}.edge.catch{stroke-dasharray:5 4;stroke:#c4320a}"
        svg += ".edge.taken{stroke:#11794a;stroke-width:2.5}.node rect{fill:#fff;stroke:#98a2b3;stroke-width:1.5;rx:6}"
        svg += ".node.visited rect{fill:#e7f6ee;stroke:#11794a}.node.current rect{fill:#e8efff;stroke:#2457d6;stroke-width:3}"
        svg += ".node.failed rect{fill:#fdecea;stroke:#b42318;stroke-width:3}.node text{font:13px system-ui,sans-serif;fill:#1d2330}"
        svg += ".node text.type{font-size:10px;fill:#667085}</style>"
        if let startAt, let start = positions[startAt] {
            let cx = start.x + Self.nodeWidth / 2
            svg += "<circle cx=\"\(cx)\" cy=\"\(start.y - 24)\" r=\"6\" fill=\"#1d2330\"/>"
            svg += "<path class=\"edge\" d=\"M\(cx),\(start.y - 18) L\(cx),\(start.y)\" marker-end=\"url(#arrow)\"/>"
        }
        for edge in edges {
            guard let from = positions[edge.from], let to = positions[edge.to] else { continue }
            let taken = visited.contains(edge.from) && visited.contains(edge.to)
            let classes = "edge \(edge.kind.rawValue)" + (taken ? " taken" : "")
            let path: String
            if to.y > from.y {
                let (x1, y1) = (from.x + Self.nodeWidth / 2, from.y + Self.nodeHeight)
                let (x2, y2) = (to.x + Self.nodeWidth / 2, to.y)
                let middle = (y1 + y2) / 2
                path = "M\(x1),\(y1) C\(x1),\(middle) \(x2),\(middle) \(x2),\(y2)"
            } else if to.y == from.y {
                // Sideways: dip under the row, from bottom to bottom, so no node of the row is crossed.
                let bottom = from.y + Self.nodeHeight
                let (x1, x2) = (from.x + Self.nodeWidth / 2, to.x + Self.nodeWidth / 2)
                let dip = bottom + Self.layerGap * 3 / 5
                path = "M\(x1),\(bottom) C\(x1),\(dip) \(x2),\(dip) \(x2),\(bottom)"
            } else {
                // Back up: leave and enter on the right, bowing out past both.
                let (x1, y1) = (from.x + Self.nodeWidth, from.y + Self.nodeHeight / 2)
                let (x2, y2) = (to.x + Self.nodeWidth, to.y + Self.nodeHeight / 2)
                let bow = max(x1, x2) + 40
                path = "M\(x1),\(y1) C\(bow),\(y1) \(bow),\(y2) \(x2),\(y2)"
            }
            let marker = taken ? "arrow-taken" : edge.kind == .error ? "arrow-catch" : "arrow"
            svg += "<path class=\"\(classes)\" d=\"\(path)\" marker-end=\"url(#\(marker))\"/>"
        }
        for node in nodes {
            guard let position = positions[node.name] else { continue }
            var classes = "node"
            if visited.contains(node.name) { classes += " visited" }
            if node.name == failed {
                classes += " failed"
            } else if node.name == current {
                classes += " current"
            }
            let label = node.name.count > 24 ? String(node.name.prefix(23)) + "…" : node.name
            svg += "<g class=\"\(classes)\" data-state=\"\(HTML.escape(node.name))\"><title>\(HTML.escape(node.name))</title>"
            svg += "<rect x=\"\(position.x)\" y=\"\(position.y)\" width=\"\(Self.nodeWidth)\" height=\"\(Self.nodeHeight)\" rx=\"6\"/>"
            svg += "<text x=\"\(position.x + 10)\" y=\"\(position.y + 17)\">\(HTML.escape(label))</text>"
            svg += "<text class=\"type\" x=\"\(position.x + 10)\" y=\"\(position.y + 32)\">\(HTML.escape(node.type))</text></g>"
        }
        return svg + "</svg>"
    }
}
