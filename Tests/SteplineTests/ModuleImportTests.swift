import Foundation
import Testing

/// Every module imports only what the module map of docs/architecture.md allows.
@Suite struct ModuleImportTests {
    /// The folders whose subfolders are modules the map covers.
    static let moduleFolders = ["Sources", "Examples"]

    @Test("every module of Sources/ and Examples/ imports only what docs/architecture.md allows")
    func everyImportIsInTheMap() throws {
        let map = try ModuleMap(markdown: try PackageRoot.text("docs/architecture.md"))
        var violations: [String] = []
        var filesScanned = 0
        for folder in Self.moduleFolders {
            let root = PackageRoot.url.appendingPathComponent(folder)
            for module in try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() {
                let moduleURL = root.appendingPathComponent(module)
                guard let files = FileManager.default.enumerator(atPath: moduleURL.path) else { continue }
                for case let file as String in files where file.hasSuffix(".swift") {
                    let text = try String(contentsOf: moduleURL.appendingPathComponent(file), encoding: .utf8)
                    violations += map.violations(module: module, path: "\(folder)/\(module)/\(file)", text: text)
                    filesScanned += 1
                }
            }
        }
        #expect(filesScanned > 100)
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }

    @Test("the map records that only LMDB imports CLMDB, only SteplineServer Hummingbird, only SteplineCLI ArgumentParser")
    func theExclusiveImportsAreRecorded() throws {
        let map = try ModuleMap(markdown: try PackageRoot.text("docs/architecture.md"))
        #expect(map.exclusive["CLMDB"] == "LMDB")
        #expect(map.exclusive["Hummingbird"] == "SteplineServer")
        #expect(map.exclusive["ArgumentParser"] == "SteplineCLI")
        #expect(map.allowed["Stepline"]?.contains("Workflows") == true)
    }

    @Test("the services depend one way: the engine on none of them, buses on topics on queues, none on the engine")
    func theServicesHaveNoCycle() throws {
        let map = try ModuleMap(markdown: try PackageRoot.text("docs/architecture.md"))
        let services = ["Workflows", "Queues", "Topics", "EventBuses"]
        #expect(map.allowed["Workflows"].map { $0.isDisjoint(with: services) } == true)
        #expect(map.allowed["Queues"].map { $0.isDisjoint(with: services) } == true)
        #expect(map.allowed["Topics"].map { $0.intersection(services) } == ["Queues"])
        #expect(map.allowed["EventBuses"].map { $0.intersection(services) } == ["Queues", "Topics"])
        for service in services { #expect(map.allowed[service]?.contains("Runtime") == true) }
    }

    static let sampleMap = """
        | module | its one job | may import (ours) |
        |---|---|---|
        | `LMDB` | typed LMDB | CLMDB |
        | `CLMDB` | lmdb.h | — |
        | `EventLog` | the log | LMDB |
        | `Queues`, `Topics` | services | EventLog |

        Only `LMDB` imports `CLMDB`; only `Server` imports `Hummingbird`.
        """

    @Test("the map is read from the table, with modules sharing a row and no imports written as —")
    func theTableIsParsed() throws {
        let map = try ModuleMap(markdown: Self.sampleMap)
        #expect(
            map
                == ModuleMap(
                    allowed: ["LMDB": ["CLMDB"], "CLMDB": [], "EventLog": ["LMDB"], "Queues": ["EventLog"], "Topics": ["EventLog"]],
                    exclusive: ["CLMDB": "LMDB", "Hummingbird": "Server"]
                ))
    }

    @Test(
        "an import outside the map is reported with its file and line, in every import form",
        arguments: ["import CLMDB", "public import CLMDB", "internal import CLMDB", "@testable import CLMDB", "import struct CLMDB.MDB_val"]
    )
    func aBadImportIsReported(statement: String) throws {
        let map = try ModuleMap(markdown: Self.sampleMap)
        let text = "import Foundation\nimport LMDB\n\(statement)\n"
        #expect(
            map.violations(module: "EventLog", path: "Sources/EventLog/Bad.swift", text: text) == [
                "Sources/EventLog/Bad.swift:3: EventLog imports CLMDB; docs/architecture.md lets it import LMDB",
                "Sources/EventLog/Bad.swift:3: EventLog imports CLMDB; only LMDB may import CLMDB",
            ])
        #expect(map.violations(module: "LMDB", path: "Sources/LMDB/Good.swift", text: text).isEmpty)
    }

    @Test("an outside module that one module owns is reported anywhere else, and so is a module missing from the map")
    func exclusiveImportsAndUnknownModulesAreReported() throws {
        let map = try ModuleMap(markdown: Self.sampleMap)
        #expect(
            map.violations(module: "Queues", path: "Q.swift", text: "import HummingbirdCore")
                == ["Q.swift:1: Queues imports HummingbirdCore; only Server may import Hummingbird"])
        #expect(map.violations(module: "Unmapped", path: "U.swift", text: "").count == 1)
    }

    @Test("a row naming a module the map does not have is refused")
    func anUnknownModuleInARowIsRefused() {
        #expect(throws: ModuleMap.ParseError.self) {
            try ModuleMap(markdown: "| module | job | may import (ours) |\n|---|---|---|\n| `A` | a | Nowhere |\n")
        }
    }
}
