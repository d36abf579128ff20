import Foundation
public import JSON
import Messaging
import Runtime

/// The pipes of a `workflows/` directory's `pipes.yaml`:
///
/// ```yaml
/// pipes:
///   - name: uploads-to-ingest
///     source: {queue: uploads}                 # a queue by name, or
///     # source: {bus: partners, eventPattern: {source: [partner]}}   # a bus rule (bus defaults to default)
///     filter: {body: {kind: [video]}}          # optional EventBridge pattern on the SQS record
///     enrichment: {handler: lookup-partner}    # optional Task resource in handlers.yaml
///     target: {stateMachine: ingest}           # or {queue: NAME}, {handler: RESOURCE}, {topic: NAME},
///                                              # or {bus: NAME, source: S, detailType: D}
///     inputTemplate: '{"key": "<$.body.key>"}' # optional, applied to each record
///     batchSize: 1                             # optional, 1…10
///     retry: {maximumAttempts: 3, backoffSeconds: 1}   # optional
///     deadLetterQueue: uploads-failed          # optional queue name
/// ```
///
/// Pipes are read at start, like the handler map: editing the file takes effect
/// on the next `stepline serve`.
public enum PipeConfiguration {
    /// Loads `path` (YAML or JSON).
    /// - Throws: ``PipeConfigurationError`` naming the file, the pipe and what is wrong.
    public static func load(path: String) throws -> [PipeDefinition] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PipeConfigurationError("\(path): cannot be read: \(error.localizedDescription)")
        }
        let document: JSONValue
        do { document = try YAMLDocument.json(from: text) } catch { throw PipeConfigurationError("\(path): \(error)") }
        do { return try parse(document) } catch { throw PipeConfigurationError("\(path): \(error)") }
    }

    /// Parses a document of the shape above.
    /// - Throws: ``PipeConfigurationError`` naming the pipe and field that is wrong.
    public static func parse(_ document: JSONValue) throws -> [PipeDefinition] {
        guard let entries = document["pipes"]?.arrayValue else {
            throw PipeConfigurationError("expected a top-level 'pipes' list")
        }
        var names: Set<String> = []
        return try entries.enumerated().map { index, entry in
            guard let name = entry["name"]?.stringValue, !name.isEmpty else {
                throw PipeConfigurationError("pipes[\(index)]: 'name' is required")
            }
            guard names.insert(name).inserted else { throw PipeConfigurationError("pipes[\(index)]: the name \(name) is used twice") }
            return try pipe(name, entry)
        }
    }

    package static func pipe(_ name: String, _ entry: JSONValue) throws -> PipeDefinition {
        func fail(_ message: String) -> PipeConfigurationError { PipeConfigurationError("pipe \(name): \(message)") }
        let source: PipeDefinition.Source
        switch (entry["source"]?["queue"], entry["source"]?["bus"] ?? entry["source"]?["eventPattern"]) {
        case (.string(let queue)?, nil):
            source = .queue(queue)
        case (nil, _?):
            guard let pattern = entry["source"]?["eventPattern"], pattern != .null else {
                throw fail("'source.eventPattern' is required for a bus source")
            }
            let text = pattern.stringValue ?? pattern.serialized
            do { _ = try EventPattern(parsing: text) } catch { throw fail("'source.eventPattern': \(error)") }
            let bus = entry["source"]?["bus"] ?? "default"
            guard let busName = bus.stringValue, !busName.isEmpty else { throw fail("'source.bus' must be a bus name") }
            source = .bus(busName, eventPattern: text)
        case (_?, _?):
            throw fail("'source' has both 'queue' and 'bus'; a pipe has one source")
        default:
            throw fail("'source' must be {queue: NAME} or {bus: NAME, eventPattern: {...}}")
        }
        let target: PipeDefinition.Target
        if let machine = entry["target"]?["stateMachine"]?.stringValue {
            target = .stateMachine(machine)
        } else if let queue = entry["target"]?["queue"]?.stringValue {
            target = .queue(queue)
        } else if let handler = entry["target"]?["handler"]?.stringValue {
            target = .handler(handler)
        } else if let bus = entry["target"]?["bus"]?.stringValue {
            target = .bus(bus, source: entry["target"]?["source"]?.stringValue, detailType: entry["target"]?["detailType"]?.stringValue)
        } else if let topic = entry["target"]?["topic"]?.stringValue {
            target = .topic(topic)
        } else {
            throw fail("'target' must be {stateMachine: NAME}, {queue: NAME}, {handler: RESOURCE}, {bus: NAME} or {topic: NAME}")
        }
        var filter: EventPattern?
        if let pattern = entry["filter"] {
            let text = pattern.stringValue ?? pattern.serialized
            do { filter = try EventPattern(parsing: text) } catch { throw fail("'filter': \(error)") }
        }
        var enrichment: String?
        if let value = entry["enrichment"] {
            guard let handler = value["handler"]?.stringValue else { throw fail("'enrichment' must be {handler: RESOURCE}") }
            enrichment = handler
        }
        let template = try entry["inputTemplate"].map { value -> PipeInputTemplate in
            do { return try PipeInputTemplate(value.stringValue ?? value.serialized) } catch { throw fail("\(error)") }
        }
        let batchSize = entry["batchSize"]?.integerValue ?? 1
        guard (1...10).contains(batchSize) else { throw fail("'batchSize' must be 1 to 10, not \(batchSize)") }
        let attempts = entry["retry"]?["maximumAttempts"]?.integerValue ?? 3
        guard attempts >= 1 else { throw fail("'retry.maximumAttempts' must be at least 1") }
        let backoff = entry["retry"]?["backoffSeconds"]?.doubleValue ?? 1
        guard backoff >= 0 else { throw fail("'retry.backoffSeconds' must not be negative") }
        return PipeDefinition(
            name: name, source: source, filter: filter, enrichment: enrichment, target: target,
            inputTemplate: template, batchSize: batchSize, maximumAttempts: attempts,
            backoff: .milliseconds(Int(backoff * 1000)), deadLetterQueue: entry["deadLetterQueue"]?.stringValue)
    }
}

/// A pipes file that cannot be used, naming the file, the pipe and what is wrong.
public struct PipeConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    package init(_ description: String) { self.description = description }
}
