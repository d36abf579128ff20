import Foundation
import FuzzTargets
import Testing

/// Every committed corpus file (`Tests/Fuzz/corpus/<target>/`) replayed through its
/// target in the ordinary test build: each is a regression test for what the fuzzers
/// found and a smoke test of the seeds, without building the libFuzzer binary.
@Suite("fuzz corpus")
struct FuzzCorpusTests {
    /// `Tests/Fuzz/corpus`, found from this file.
    static let corpus = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "corpus")

    /// The corpus files of one target, sorted, as `target/file` for readable test names.
    static func files(of target: FuzzTarget) -> [String] {
        let folder = corpus.appending(path: target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(target.rawValue)/\($0)" }
    }

    @Test("every fuzz target has a committed seed corpus", arguments: FuzzTarget.allCases)
    func hasCorpus(target: FuzzTarget) {
        #expect(!Self.files(of: target).isEmpty, "Tests/Fuzz/corpus/\(target.rawValue) is empty")
    }

    @Test(
        "each corpus input runs through its target without a crash or a broken property",
        arguments: FuzzTarget.allCases.flatMap(files(of:))
    )
    func replays(file: String) throws {
        let target = try #require(FuzzTarget(rawValue: String(file.prefix { $0 != "/" })))
        let bytes = try Data(contentsOf: Self.corpus.appending(path: file))
        target.run(Array(bytes))
    }
}
