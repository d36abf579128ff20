/// glibc's allocator tuned for a command that allocates and frees in bulk across
/// threads (`stepline verify`, `stepline bench verify`).
///
/// Verify's reader allocates each batch of records and the rebuild threads free
/// them; with glibc's defaults a batch's arrays above the (adaptive) mmap
/// threshold were mapped and unmapped each time, and the arenas trimmed and
/// regrew their heaps between batches: `perf` put about 5 % of verify's time in
/// `mmap`, `munmap`, `mprotect` and the page faults after them. Fixed thresholds
/// keep that memory in the process until it exits.
enum ProcessMalloc {
    static func keepFreedMemory() {
        #if os(Linux)
        // <malloc.h>, which the Glibc module does not export: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3.
        _ = glibcMallopt(-3, 64 << 20)
        _ = glibcMallopt(-1, 512 << 20)
        #endif
    }
}

#if os(Linux)
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
