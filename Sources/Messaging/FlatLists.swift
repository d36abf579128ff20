/// Many small lists of `Int32` in one buffer, so that reading one costs no
/// reference counting (an array of arrays retains the inner array on each read).
///
/// Each list owns a run of the pool with room to grow; a full list moves to the end
/// with twice the room, and the pool is compacted when more than half of it is
/// abandoned runs. Appends are amortised O(1); removal is O(length).
struct FlatLists: Sendable {
    private var pool: [Int32] = []
    private var start: [Int32] = []
    private(set) var counts: [Int32] = []
    private var capacity: [Int32] = []
    private var abandoned = 0

    /// Makes sure list `list` exists (empty lists cost nothing in the pool).
    mutating func reserve(_ list: Int) {
        while start.count <= list {
            start.append(0)
            counts.append(0)
            capacity.append(0)
        }
    }

    mutating func append(_ value: Int32, to list: Int) {
        reserve(list)
        if counts[list] == capacity[list] {
            let newCapacity = max(2, capacity[list] * 2)
            let newStart = Int32(pool.count)
            let oldStart = Int(start[list])
            pool.append(contentsOf: repeatElement(0, count: Int(newCapacity)))
            for offset in 0..<Int(counts[list]) { pool[Int(newStart) + offset] = pool[oldStart + offset] }
            abandoned += Int(capacity[list])
            start[list] = newStart
            capacity[list] = newCapacity
            if abandoned * 2 > pool.count { compact() }
        }
        pool[Int(start[list] + counts[list])] = value
        counts[list] += 1
    }

    /// Removes one occurrence of `value` (order is not kept).
    mutating func remove(_ value: Int32, from list: Int) {
        guard list < start.count else { return }
        let base = Int(start[list])
        for offset in 0..<Int(counts[list]) where pool[base + offset] == value {
            pool[base + offset] = pool[base + Int(counts[list]) - 1]
            counts[list] -= 1
            return
        }
    }

    mutating func removeAll(from list: Int) {
        reserve(list)
        counts[list] = 0
    }

    func contents(_ list: Int) -> ArraySlice<Int32> {
        guard list < start.count else { return [] }
        let base = Int(start[list])
        return pool[base..<base + Int(counts[list])]
    }

    /// Calls `body` with each value of a list, reading the pool through a raw buffer.
    @inline(__always)
    func forEach(in list: Int, _ body: (Int32) -> Void) {
        guard list < counts.count else { return }
        let count = Int(counts[list])
        guard count > 0 else { return }
        let base = Int(start[list])
        pool.withUnsafeBufferPointer { buffer in
            for offset in base..<base + count { body(buffer[offset]) }
        }
    }

    private mutating func compact() {
        var fresh: [Int32] = []
        fresh.reserveCapacity(pool.count - abandoned)
        for list in start.indices {
            let base = Int(start[list])
            start[list] = Int32(fresh.count)
            fresh.append(contentsOf: pool[base..<base + Int(capacity[list])])
        }
        pool = fresh
        abandoned = 0
    }
}
