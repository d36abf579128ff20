import Foundation
import JSON

/// Files in `Tests/ActivityWorkerTests/Fixtures`, found from this source file's path.
enum Fixtures {
    static func json(_ name: String) throws -> JSONValue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
        return try JSONParser.parse(String(contentsOf: url, encoding: .utf8))
    }
}
