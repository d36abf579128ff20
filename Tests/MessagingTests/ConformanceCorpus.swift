import JSON

/// Locates and reads the shared conformance corpus (`../shared/conformance` beside
/// the repository), so data-driven tests can take its cases as arguments.
///
/// The corpus lives outside the repository (CI checks it out beside the clone);
/// when it is absent the corpus tests are skipped with ``absenceNote``.
enum ConformanceCorpus {
    /// `…/shared/conformance`, found from this file's path.
    static let directory: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        components.removeLast(3)  // ConformanceCorpus.swift, MessagingTests, Tests
        components.removeLast()  // the repository folder
        return (components + ["shared", "conformance"]).joined(separator: "/")
    }()

    static let absenceNote = "conformance corpus not found at \(directory) (CI checks out shared/ beside the clone)"

    /// The JSON objects of a JSON Lines file in the corpus, or `[]` if it is absent.
    static func lines(_ relativePath: String) -> [JSONValue] {
        guard let text = readFile(directory + "/" + relativePath) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
    }

    static func isAvailable(_ relativePath: String) -> Bool {
        readFile(directory + "/" + relativePath) != nil
    }

    /// Reads a whole file with the C library (tests may touch files; the module may not).
    static func readFile(_ path: String) -> String? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
