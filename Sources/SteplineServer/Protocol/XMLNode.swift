/// A small XML tree for the AWS query protocol's responses, rendered with escaping.
///
/// Query-protocol responses are plain element trees (no attributes but the root's
/// `xmlns`), so a builder of elements and text is all they need, and keeping it
/// separate from the handlers means every response escapes the same way.
///
/// ```swift
/// let result = XMLNode.element("CreateTopicResult", [.field("TopicArn", arn)])
/// ```
public indirect enum XMLNode: Sendable, Hashable {
    case element(String, [XMLNode])
    case text(String)

    /// `<name>text</name>`.
    public static func field(_ name: String, _ text: String) -> XMLNode { .element(name, [.text(text)]) }

    /// A query-protocol map: `<name><entry><key>…</key><value>…</value></entry>…</name>`, keys sorted.
    public static func map(_ name: String, _ values: [String: String]) -> XMLNode {
        .element(name, values.sorted { $0.key < $1.key }.map { .element("entry", [.field("key", $0.key), .field("value", $0.value)]) })
    }

    /// A query-protocol list: `<name><member>…</member>…</name>`.
    public static func list(_ name: String, _ members: [[XMLNode]]) -> XMLNode {
        .element(name, members.map { .element("member", $0) })
    }

    /// The node as XML text; `namespace` becomes the `xmlns` of this (root) element.
    public func rendered(namespace: String? = nil) -> String {
        var output = ""
        render(into: &output, namespace: namespace)
        return output
    }

    private func render(into output: inout String, namespace: String?) {
        switch self {
        case .text(let text): output += Self.escaped(text)
        case .element(let name, let children):
            output += "<\(name)"
            if let namespace { output += " xmlns=\"\(Self.escaped(namespace))\"" }
            output += ">"
            for child in children { child.render(into: &output, namespace: nil) }
            output += "</\(name)>"
        }
    }

    /// `&`, `<`, `>`, `"`, `'` and the carriage return, which a parser would otherwise
    /// normalize away (alone or before a line feed), so values round-trip exactly.
    static let entities = MarkupEntities(["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&apos;", "\r": "&#13;"])

    /// Text with the characters of ``entities`` escaped.
    static func escaped(_ text: String) -> String { entities.escape(text) }
}
