import Foundation
import TestSupport
import Testing

/// docs/embedding.md shows a program; these tests keep it the program that compiles and runs.
@Suite struct EmbeddingExampleTests {
    static let source = "Examples/EmbeddingExample/EmbeddingExample.swift"

    @Test("docs/embedding.md shows the example's source word for word")
    func theDocumentShowsTheCompiledSource() throws {
        let document = try PackageRoot.text("docs/embedding.md")
        let start = try #require(document.range(of: "```swift\n"), "docs/embedding.md has no ```swift block")
        let end = try #require(document.range(of: "```\n", range: start.upperBound..<document.endIndex))
        #expect(String(document[start.upperBound..<end.lowerBound]) == (try PackageRoot.text(Self.source)))
    }

    @Test("the built example opens Stepline, runs its execution to the end and prints the output")
    func theExampleRunsAnExecution() async throws {
        let binary = try #require(PackageRoot.builtProduct("EmbeddingExample"), "EmbeddingExample is not built beside the tests")
        let directory = TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [directory.path + "/data"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = try await offPool {
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return printed
        }
        #expect(process.terminationStatus == 0)
        #expect(printed == #"SUCCEEDED {"greeting":"Hello, Ada!"}"# + "\n")
    }
}
