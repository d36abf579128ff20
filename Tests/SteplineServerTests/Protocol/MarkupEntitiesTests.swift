import Testing

@testable import SteplineServer

@Suite("Escaping of HTML and query-protocol XML")
struct MarkupEntitiesTests {
    @Test("a markup character followed by a combining mark is still escaped, the mark kept after its entity")
    func combiningMarks() {
        #expect(HTML.escape("a\"\u{301} onmouseover=x") == "a&quot;\u{301} onmouseover=x")
        #expect(HTML.escape("<\u{301}script>") == "&lt;\u{301}script&gt;")
        #expect(XMLNode.escaped("&\u{20DD}") == "&amp;\u{20DD}")
    }

    @Test("XML escapes every carriage return, also before a line feed, so a parser keeps it")
    func carriageReturns() {
        #expect(XMLNode.escaped("a\r\nb\rc") == "a&#13;\nb&#13;c")
        #expect(XMLNode.field("Body", "it's <x>\r\n").rendered(namespace: "urn:x") == "<Body xmlns=\"urn:x\">it&apos;s &lt;x&gt;&#13;\n</Body>")
    }

    @Test("text without markup characters comes back as it is", arguments: ["", "plain", "naïve café ☕︎", "line\nfeed"])
    func unchanged(text: String) {
        #expect(HTML.escape(text) == text)
        #expect(XMLNode.escaped(text) == text)
    }
}
