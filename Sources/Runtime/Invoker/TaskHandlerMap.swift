import Foundation
public import JSON
import Yams

/// Which handler runs a Task `Resource`: the file `workflows/handlers.yaml`
/// (or `.json`) that lets a definition written for AWS run unchanged.
///
/// ```yaml
/// baseDirectory: ..            # relative command paths start here (default: the file's directory)
/// handlers:
///   "arn:aws:lambda:us-east-1:123456789012:function:transcode":
///     command: [tools/handlers/transcode, --fast]
///   "arn:aws:lambda:*:*:function:thumbnail":
///     http: { url: "http://127.0.0.1:8081/thumbnail" }
///   "arn:aws:states:::http:invoke":
///     http: {}                 # the request comes from the task's Parameters
/// ```
///
/// A resource is matched exactly first, then by the longest pattern whose `*`
/// wildcards match it. `.waitForTaskToken`, `.sync` and `.sync:2` suffixes are
/// removed before matching. See `workflows/README.md`.
public struct TaskHandlerMap: Sendable {
    /// What runs a task.
    public enum Handler: Sendable, Hashable {
        /// A local command: the task input as JSON on standard input, the
        /// result as JSON on standard output; a non-zero exit is a failure.
        case command(arguments: [String], workingDirectory: String?, timeoutSeconds: Int?)
        /// An HTTP endpoint: the input is POSTed as JSON (or, with no `url`, the
        /// request described by `arn:aws:states:::http:invoke` Parameters is sent).
        case http(url: String?, method: String, headers: [String: String])
    }

    /// The patterns in the order they are tried.
    public private(set) var entries: [(pattern: String, handler: Handler)] = []

    public init(_ entries: [(pattern: String, handler: Handler)] = []) {
        self.entries = entries
    }

    /// The handler for `resource`, if any.
    public func handler(for resource: String) -> Handler? {
        let base = Self.baseResource(resource)
        if let exact = entries.first(where: { $0.pattern == base }) { return exact.handler }
        return
            entries
            .filter { $0.pattern.contains("*") && Self.matches(pattern: $0.pattern, base) }
            .max { $0.pattern.count < $1.pattern.count }?.handler
    }

    /// `resource` without its integration-pattern suffix.
    public static func baseResource(_ resource: String) -> String {
        for suffix in [".waitForTaskToken", ".sync:2", ".sync"] where resource.hasSuffix(suffix) {
            return String(resource.dropLast(suffix.count))
        }
        return resource
    }

    package static func matches(pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for (offset, part) in parts.dropFirst().enumerated() {
            if offset == parts.count - 2 { return part.isEmpty || rest.hasSuffix(part) }
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.isEmpty
    }

    /// Loads a handler map from a YAML (`.yaml`, `.yml`) or JSON file.
    /// - Throws: ``TaskHandlerMapError`` naming the file and the entry that is wrong.
    public static func load(path: String) throws -> TaskHandlerMap {
        let document: JSONValue
        do { document = try YAMLDocument.load(path: path) } catch { throw TaskHandlerMapError(error.message) }
        // Absolute, because a command runs in its working directory (the base by
        // default): a relative path would be resolved twice.
        var directory = (path as NSString).deletingLastPathComponent
        if !directory.hasPrefix("/") {
            directory = (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory)
        }
        return try parse(document, baseDirectory: (directory as NSString).standardizingPath, source: path)
    }

    /// Builds a map from an already decoded document.
    public static func parse(_ document: JSONValue, baseDirectory: String, source: String = "handlers") throws -> TaskHandlerMap {
        guard let root = document.objectValue else { throw TaskHandlerMapError("\(source): the document is not a mapping") }
        var base = baseDirectory
        if let configured = root["baseDirectory"]?.stringValue {
            base = configured.hasPrefix("/") ? configured : (baseDirectory as NSString).appendingPathComponent(configured)
        }
        guard let handlers = root["handlers"]?.objectValue else {
            throw TaskHandlerMapError("\(source): /handlers is missing or not a mapping of resource to handler")
        }
        var map = TaskHandlerMap()
        for (pattern, value) in handlers.entries {
            let location = "\(source): /handlers/\(pattern)"
            guard let entry = value.objectValue else { throw TaskHandlerMapError("\(location) is not a mapping") }
            if let command = entry["command"] {
                var arguments: [String]
                if let text = command.stringValue {
                    arguments = [text]
                } else if let list = command.arrayValue, !list.isEmpty, list.allSatisfy({ $0.stringValue != nil }) {
                    arguments = list.compactMap(\.stringValue)
                } else {
                    throw TaskHandlerMapError("\(location)/command must be a path or a non-empty list of strings")
                }
                if !arguments[0].hasPrefix("/") { arguments[0] = (base as NSString).appendingPathComponent(arguments[0]) }
                map.entries.append(
                    (
                        pattern,
                        .command(
                            arguments: arguments,
                            workingDirectory: entry["workingDirectory"]?.stringValue ?? base,
                            timeoutSeconds: entry["timeoutSeconds"]?.integerValue
                        )
                    )
                )
            } else if let http = entry["http"] {
                guard let options = http.objectValue else { throw TaskHandlerMapError("\(location)/http is not a mapping") }
                var headers: [String: String] = [:]
                if let configured = options["headers"]?.objectValue {
                    for (name, value) in configured.entries { headers[name] = value.stringValue ?? value.serialized }
                }
                map.entries.append(
                    (
                        pattern,
                        .http(
                            url: options["url"]?.stringValue,
                            method: options["method"]?.stringValue ?? "POST",
                            headers: headers
                        )
                    )
                )
            } else {
                throw TaskHandlerMapError("\(location) needs `command` or `http`")
            }
        }
        return map
    }

    package static func jsonValue(fromYAML value: Any) throws -> JSONValue {
        switch value {
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .integer(number)
        case let number as Double: return .double(number)
        case let list as [Any]: return .array(try list.map(jsonValue(fromYAML:)))
        case let mapping as [String: Any]:
            var object = JSONObject()
            for key in mapping.keys.sorted() { object[key] = try jsonValue(fromYAML: mapping[key] as Any) }
            return .object(object)
        case is NSNull: return .null
        case Optional<Any>.none: return .null
        default: throw TaskHandlerMapError("unsupported YAML value \(value)")
        }
    }
}

/// A handler map file that cannot be used.
public struct TaskHandlerMapError: Error, Sendable, CustomStringConvertible {
    public let message: String
    package init(_ message: String) { self.message = message }
    public var description: String { message }
}
