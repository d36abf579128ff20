import Foundation
import JSON
import Testing

@testable import SteplineServer

@Suite("Pagination tokens with a key in the data directory")
struct PaginationTokenCodecStoredKeyTests {
    func freshDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stepline-tokens-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a token made before a restart decodes with the codec reopened on the same directory")
    func tokenSurvivesReopen() throws {
        let directory = try freshDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let before = try PaginationTokenCodec.stored(inDirectory: directory)
        let token = before.encode(.string("arn:aws:sns:us-east-1:123456789012:orders"), scope: "ListTopics")
        let after = try PaginationTokenCodec.stored(inDirectory: directory)
        #expect(try after.decode(token, scope: "ListTopics") == .string("arn:aws:sns:us-east-1:123456789012:orders"))
    }

    @Test("the key file is private to its owner and holds 32 bytes")
    func keyFileIsPrivate() throws {
        let directory = try freshDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try PaginationTokenCodec.stored(inDirectory: directory)
        let path = directory + "/" + PaginationTokenCodec.keyFileName
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(FileManager.default.contents(atPath: path)?.count == 32)
    }

    @Test("tokens from another data directory's key are refused")
    func otherDirectoryRefused() throws {
        let first = try freshDirectory()
        let second = try freshDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let token = try PaginationTokenCodec.stored(inDirectory: first).encode(.string("x"), scope: "ListTopics")
        #expect(throws: AWSError.self) { try PaginationTokenCodec.stored(inDirectory: second).decode(token, scope: "ListTopics") }
    }

    @Test("a truncated key file is refused with its path instead of weakening the key")
    func truncatedKeyRefused() throws {
        let directory = try freshDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + PaginationTokenCodec.keyFileName
        #expect(FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3])))
        let error = #expect(throws: PaginationKeyError.self) { try PaginationTokenCodec.stored(inDirectory: directory) }
        #expect(error?.path == path)
    }
}
