import Foundation

/// This process's memory as Linux reports it in /proc/self/status.
struct ProcessMemory {
    /// `RssAnon`: resident anonymous memory (heap, stacks) — what grows if the log leaks.
    /// File-backed pages of the LMDB map are not in it.
    let anonymousKiB: Int
    /// `VmHWM`: the peak resident set, including mapped file pages.
    let peakKiB: Int

    static var current: ProcessMemory {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
                return Int(line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
            }
            return 0
        }
        return ProcessMemory(anonymousKiB: field("RssAnon"), peakKiB: field("VmHWM"))
    }

}
