import Foundation
import JSON
import Testing

@testable import SteplineServer

@Suite("Console files under the data directory")
struct DataDirectoryFilesTests {
    /// A data directory with `thumbs/a.png`, and `secret.png` beside it (outside).
    static func fixture() throws -> (root: String, files: DataDirectoryFiles) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("stepline-console-\(UUID().uuidString)").path
        let root = base + "/data"
        try FileManager.default.createDirectory(atPath: root + "/thumbs", withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: root + "/thumbs/a.png"))
        try Data([1]).write(to: URL(fileURLWithPath: base + "/secret.png"))
        try Data([1]).write(to: URL(fileURLWithPath: root + "/notes.txt"))
        try FileManager.default.createSymbolicLink(atPath: root + "/link.png", withDestinationPath: base + "/secret.png")
        return (root, DataDirectoryFiles(dataDirectory: root))
    }

    @Test("an image under the data directory is served, by relative or absolute path")
    func imageInsideIsServed() throws {
        let (root, files) = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: root + "/..") }
        let image = try files.image(at: "thumbs/a.png")
        #expect(image.relativePath == "thumbs/a.png")
        #expect(image.contentType == "image/png")
        #expect(try files.image(at: root + "/thumbs/a.png").relativePath == "thumbs/a.png")
    }

    @Test(
        "paths that leave the data directory, name no file or name a non-image are refused",
        arguments: ["../secret.png", "thumbs/../../secret.png", "link.png", "/etc/passwd.png", "thumbs/missing.png", "notes.txt", "thumbs"]
    )
    func escapesAreRefused(path: String) throws {
        let (root, files) = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: root + "/..") }
        #expect(throws: DataDirectoryFiles.Refusal.self) { try files.image(at: path) }
    }

    @Test("images named anywhere in a payload are found once each, in order")
    func imagesInPayload() throws {
        let (root, files) = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: root + "/..") }
        let payload: JSONValue = [
            "thumb": "thumbs/a.png", "frames": ["thumbs/a.png", "../secret.png", "link.png"], "note": "notes.txt",
        ]
        #expect(files.images(in: payload).map(\.relativePath) == ["thumbs/a.png"])
    }
}

@Suite("Console files opened without following links")
struct DataDirectoryFilesOpenTests {
    @Test("a file checked, then swapped for a link out of the data directory, is not read through the link")
    func fileSwappedForLinkAfterCheck() throws {
        let (root, files) = try DataDirectoryFilesTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: root + "/..") }
        let image = try files.image(at: "thumbs/a.png")
        #expect(try files.contents(of: image) == [0x89, 0x50, 0x4E, 0x47])
        try FileManager.default.removeItem(atPath: root + "/thumbs/a.png")
        try FileManager.default.createSymbolicLink(atPath: root + "/thumbs/a.png", withDestinationPath: root + "/../secret.png")
        #expect(throws: DataDirectoryFiles.Refusal.self) { try files.contents(of: image) }
    }

    @Test("a directory on the way swapped for a link out of the data directory is not followed")
    func directorySwappedForLinkAfterCheck() throws {
        let (root, files) = try DataDirectoryFilesTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: root + "/..") }
        let image = try files.image(at: "thumbs/a.png")
        let outside = root + "/../outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data([7, 7]).write(to: URL(fileURLWithPath: outside + "/a.png"))
        try FileManager.default.removeItem(atPath: root + "/thumbs")
        try FileManager.default.createSymbolicLink(atPath: root + "/thumbs", withDestinationPath: outside)
        #expect(throws: DataDirectoryFiles.Refusal.self) { try files.contents(of: image) }
    }
}
