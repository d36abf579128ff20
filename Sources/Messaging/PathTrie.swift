/// The field paths the rules look at, as a trie of key segments.
///
/// An event scan walks it alongside the event's keys and skips every value whose
/// key leads nowhere, so the fields no rule mentions cost only their bytes. A key
/// with dots (`"state.status"`) walks one segment per part, so it reaches the same
/// field as the nested keys it spells, as EventBridge's dotted paths do.
///
/// Stored as flat integer arrays (children as linked lists, key bytes in one
/// buffer) so that walking it touches no reference counts.
struct PathTrie: Sendable {
    /// Per node: its first child edge (-1: none) and its field id (-1: no rule tests this path).
    private var firstChild: [Int32] = [-1]
    private var fields: [Int32] = [-1]
    /// Per edge: the next sibling edge, the key's bytes in ``keyBytes``, the node it leads to.
    private var nextSibling: [Int32] = []
    private var keyStart: [Int32] = []
    private var keyLength: [Int32] = []
    private var target: [Int32] = []
    private var keyBytes: [UInt8] = []

    static let root: Int32 = 0

    mutating func insert(_ path: String, field: Int) {
        var node: Int32 = Self.root
        for segment in path.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            let bytes = Array(segment)
            if let next = bytes.withUnsafeBufferPointer({ child(of: node, $0) }) {
                node = next
                continue
            }
            let newNode = Int32(firstChild.count)
            firstChild.append(-1)
            fields.append(-1)
            let edge = Int32(target.count)
            nextSibling.append(firstChild[Int(node)])
            keyStart.append(Int32(keyBytes.count))
            keyLength.append(Int32(bytes.count))
            target.append(newNode)
            keyBytes.append(contentsOf: bytes)
            firstChild[Int(node)] = edge
            node = newNode
        }
        fields[Int(node)] = Int32(field)
    }

    /// The node reached from `node` by a key (split at dots), or `nil`.
    @inline(__always)
    func descend(from node: Int32, key: UnsafeBufferPointer<UInt8>) -> Int32? {
        var current = node
        var start = 0
        var index = 0
        while true {
            if index == key.count || key[index] == UInt8(ascii: ".") {
                guard let next = child(of: current, UnsafeBufferPointer(rebasing: key[start..<index])) else { return nil }
                current = next
                if index == key.count { return current }
                start = index + 1
            }
            index += 1
        }
    }

    @inline(__always)
    private func child(of node: Int32, _ segment: UnsafeBufferPointer<UInt8>) -> Int32? {
        var edge = firstChild[Int(node)]
        while edge >= 0 {
            let index = Int(edge)
            if Int(keyLength[index]) == segment.count {
                let start = Int(keyStart[index])
                var equal = true
                var offset = 0
                while offset < segment.count {
                    if keyBytes[start + offset] != segment[offset] {
                        equal = false
                        break
                    }
                    offset += 1
                }
                if equal { return target[index] }
            }
            edge = nextSibling[index]
        }
        return nil
    }

    /// The node reached by a key given as a string.
    func descend(from node: Int32, key: String) -> Int32? {
        var key = key
        return key.withUTF8 { descend(from: node, key: $0) }
    }

    @inline(__always)
    func field(_ node: Int32) -> Int { Int(fields[Int(node)]) }

    @inline(__always)
    func hasChildren(_ node: Int32) -> Bool { firstChild[Int(node)] >= 0 }
}
