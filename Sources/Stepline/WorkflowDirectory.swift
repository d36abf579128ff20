import EventBuses
import Foundation
public import Runtime
public import Workflows

/// The `workflows/` directory `stepline serve --workflows DIR` deploys at start.
///
/// - Every `*.asl.json` (or `*.json` other than the handler map) is a state machine
///   definition; its name is the file name without those extensions
///   (`ingest-and-publish.asl.json` → `ingest-and-publish`).
/// - `handlers.yaml`, `handlers.yml` or `handlers.json` is the ``TaskHandlerMap`` that
///   says which local command or HTTP endpoint runs each Task resource.
/// - `events.yaml` declares queues, buses, rules and targets; `webhooks.yaml` partner
///   webhooks; `pipes.yaml` pipes (``Stepline/open(dataDirectory:configuration:)`` reads them).
///
/// Deploying creates a state machine that does not exist and updates one whose
/// definition changed (a new revision; running executions keep theirs), so restarting
/// the server with edited files deploys the edits and nothing else.
public struct WorkflowDirectory: Sendable {
    /// One definition file.
    public struct Definition: Sendable, Hashable {
        public var name: String
        public var path: String
        public var text: String
    }

    public let path: String
    public let definitions: [Definition]
    /// The handler map, empty when the directory has none.
    public let handlers: TaskHandlerMap
    /// The handler map's file, if there is one.
    public let handlerFile: String?

    /// Reads the directory.
    /// - Throws: ``WorkflowDirectoryError`` naming the file that cannot be read, or the
    ///   ``TaskHandlerMapError`` of a handler map that is wrong.
    public init(path: String) throws {
        self.path = path
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path).sorted() } catch {
            throw WorkflowDirectoryError("cannot read the workflows directory \(path): \(error.localizedDescription)")
        }
        var definitions: [Definition] = []
        var handlerFile: String?
        for name in names {
            let file = (path as NSString).appendingPathComponent(name)
            if ["handlers.yaml", "handlers.yml", "handlers.json"].contains(name) {
                handlerFile = file
                continue
            }
            // `events.json`, `webhooks.json` and `pipes.json` are resources, not state machines.
            guard name.hasSuffix(".json"), !Self.resourceFileNames.contains(name) else { continue }
            let machine = name.hasSuffix(".asl.json") ? String(name.dropLast(9)) : String(name.dropLast(5))
            do {
                definitions.append(Definition(name: machine, path: file, text: try String(contentsOfFile: file, encoding: .utf8)))
            } catch {
                throw WorkflowDirectoryError("cannot read the definition \(file): \(error.localizedDescription)")
            }
        }
        self.definitions = definitions
        self.handlerFile = handlerFile
        self.handlers = try handlerFile.map(TaskHandlerMap.load(path:)) ?? TaskHandlerMap()
    }

    /// The names a webhooks file may have, in the order they are looked for.
    public static let webhookFileNames = ["webhooks.yaml", "webhooks.yml", "webhooks.json"]
    /// The names a pipes file may have, in the order they are looked for.
    public static let pipeFileNames = ["pipes.yaml", "pipes.yml", "pipes.json"]

    /// The files that declare resources other than state machines.
    static let resourceFileNames = Set(EventResources.fileNames + webhookFileNames + pipeFileNames)

    /// The path of the first of `names` that exists in the directory.
    public func file(named names: [String]) -> String? {
        names.lazy.map { (path as NSString).appendingPathComponent($0) }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Creates or updates every definition's state machine; returns their ARNs by name.
    /// - Throws: ``WorkflowDirectoryError`` naming the file whose definition the Engine refused.
    @discardableResult
    public func deploy(to engine: Engine, roleArn: String = "arn:aws:iam::123456789012:role/stepline") async throws -> [String: String] {
        var deployed: [String: String] = [:]
        for definition in definitions {
            do {
                let arn = engine.stateMachineArnPrefix() + definition.name
                let machine: StateMachineDescription
                if (try? engine.describeStateMachine(arn: arn)) != nil {
                    machine = try await engine.updateStateMachine(arn: arn, definition: definition.text, roleArn: nil)
                } else {
                    machine = try await engine.createStateMachine(name: definition.name, definition: definition.text, roleArn: roleArn)
                }
                deployed[definition.name] = machine.stateMachineArn
            } catch {
                throw WorkflowDirectoryError("\(definition.path): \(error)")
            }
        }
        return deployed
    }
}

/// A workflows directory that cannot be deployed, naming the file and what is wrong.
public struct WorkflowDirectoryError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
