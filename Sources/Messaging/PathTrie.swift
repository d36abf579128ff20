/// The field paths the rules look at, as a trie of key segments.
///
/// An event scan walks it alongside the event's keys and skips every value whose
/// key leads nowhere, so the fields no rule mentions cost only their bytes. A key
/// with dots (`"state.status"`) walks one segment per part, so it reaches the same
/// field as the nested keys it spells, as EventBridge's dotted paths do.
struct PathTrie: Sendable {
    struct Node: Sendable {
        var children: [(key: [UInt8], node: Int32)] = []
        /// The field id when a rule tests this path, otherwise -1.
        var field: Int32 = -1
    }

    private(set) var nodes: [Node] = [Node()]

    static let root: Int32 = 0

    mutating func insert(_ path: String, field: Int) {
        var node = 0
        for segment in path.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            if let next = nodes[node].children.first(where: { $0.key.elementsEqual(segment) }) {
                node = Int(next.node)
            } else {
                nodes.append(Node())
                nodes[node].children.append((Array(segment), Int32(nodes.count - 1)))
                node = nodes.count - 1
            }
        }
        nodes[node].field = Int32(field)
    }

    /// The node reached from `node` by a key (split at dots), or `nil`.
    @inline(__always)
    func descend(from node: Int32, key: UnsafeBufferPointer<UInt8>) -> Int32? {
        var current = node
        var start = 0
        var index = 0
        while true {
            if index == key.count || key[index] == UInt8(ascii: ".") {
                let segment = UnsafeBufferPointer(rebasing: key[start..<index])
                guard let next = child(of: current, segment) else { return nil }
                current = next
                if index == key.count { return current }
                start = index + 1
            }
            index += 1
        }
    }

    @inline(__always)
    private func child(of node: Int32, _ segment: UnsafeBufferPointer<UInt8>) -> Int32? {
        for child in nodes[Int(node)].children where child.key.count == segment.count {
            if child.key.withUnsafeBufferPointer({ $0.elementsEqual(segment) }) { return child.node }
        }
        return nil
    }

    /// The node reached by a key given as a string.
    func descend(from node: Int32, key: String) -> Int32? {
        var key = key
        return key.withUTF8 { descend(from: node, key: $0) }
    }

    @inline(__always)
    func field(_ node: Int32) -> Int { Int(nodes[Int(node)].field) }

    @inline(__always)
    func hasChildren(_ node: Int32) -> Bool { !nodes[Int(node)].children.isEmpty }
}
