/// A growable byte buffer for the serializer. `[UInt8].append` checks
/// uniqueness on every byte when the array is passed `inout` through the
/// recursive writer; this buffer checks only capacity.
struct ByteSink {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init(capacity: Int = 256) {
        self.capacity = capacity
        self.storage = .allocate(capacity: capacity)
    }

    /// The bytes written so far; valid until the next write or `deallocate()`.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

    /// Frees the storage; the sink must not be used afterwards.
    func deallocate() { storage.deallocate() }

    @inline(__always) mutating func append(_ byte: UInt8) {
        if count == capacity { grow(minimum: count + 1) }
        storage[count] = byte
        count += 1
    }

    mutating func append(contentsOf buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        if count + buffer.count > capacity { grow(minimum: count + buffer.count) }
        (storage + count).update(from: base, count: buffer.count)
        count += buffer.count
    }

    mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ append(contentsOf: $0) }) == nil {
            for byte in bytes { append(byte) }
        }
    }

    private mutating func grow(minimum: Int) {
        let newCapacity = Swift.max(minimum, capacity * 2)
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.update(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }
}
