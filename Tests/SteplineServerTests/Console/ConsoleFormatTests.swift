import JSON
import Testing

@testable import SteplineServer

@Suite("Console formatting and escaping")
struct ConsoleFormatTests {
    @Test(
        "durations show their two largest units",
        arguments: [(0, "0s"), (999, "0s"), (12_000, "12s"), (90_000, "1m 30s"), (7_500_000, "2h 5m"), (273_600_000, "3d 4h"), (-5_000, "0s")]
    )
    func duration(milliseconds: Int64, expected: String) {
        #expect(ConsoleFormat.duration(milliseconds: milliseconds) == expected)
    }

    @Test("times are written in UTC to the second")
    func time() {
        #expect(ConsoleFormat.time(1_700_000_000_000) == "2023-11-14 22:13:20 UTC")
    }

    @Test("HTML escaping covers the five characters that can open markup or end an attribute")
    func escaping() {
        #expect(HTML.escape(#"<a href="x" onclick='y'>&</a>"#) == "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        var html = HTML(raw: "<p>")
        html.text("<script>")
        #expect(html.description == "<p>&lt;script&gt;")
    }

    @Test("JSON is pretty-printed with its keys in order")
    func prettyJSON() {
        let value: JSONValue = ["b": [1, ["c": .null]], "a": [:], "e": []]
        #expect(ConsoleFormat.pretty(value) == "{\n  \"b\": [\n    1,\n    {\n      \"c\": null\n    }\n  ],\n  \"a\": {},\n  \"e\": []\n}")
    }

    @Test("a form body is decoded: plus as space, percent escapes, the last of repeated names")
    func formDecoding() {
        let form = ConsoleForm(text: "output=%7B%22a%22%3A+1%7D&reason=too+dark&reason=blurry&empty=&flag")
        #expect(form["output"] == #"{"a": 1}"#)
        #expect(form["reason"] == "blurry")
        #expect(form["empty"] == "")
        #expect(form["flag"] == "")
        #expect(throws: ConsoleError.self) { try form.required("empty") }
    }
}
