import JSON
import Messaging
import Queues
import Testing
import Workflows

private typealias A = OutgoingMessageValidationTests

@Suite("Messages SQS would refuse")
struct OutgoingMessageValidationTests {
    static func attribute(_ dataType: String, _ value: String) -> JSONValue {
        ["DataType": .string(dataType), dataType.hasPrefix("Binary") ? "BinaryValue" : "StringValue": .string(value)]
    }

    @Test("bodies outside SQS's character ranges are InvalidMessageContents", arguments: ["\u{0}", "a\u{7}b", "\u{FFFE}", "\u{FFFF}", "\u{1F}"])
    func invalidBodies(body: String) {
        #expect { try OutgoingMessage(body: body).validate() } throws: { ($0 as? QueueError)?.code.rawValue == "InvalidMessageContents" }
    }

    @Test("every allowed range passes")
    func allowedBody() throws {
        try OutgoingMessage(
            body: "\t\n\r \u{20}\u{D7FF}\u{E000}\u{FFFD}\u{10000}\u{10FFFF}",
            attributes: ["kind": Self.attribute("String.label", "video")]
        ).validate()
    }

    @Test(
        "attributes with an empty type or value, a reserved or malformed name, or an unknown type are InvalidParameterValue",
        arguments: [
            ("a", A.attribute("", "x")), ("a", A.attribute("String", "")), ("a", A.attribute("Binary", "")),
            ("AWS.x", A.attribute("String", "x")), ("aMaZoN.x", A.attribute("String", "x")), (".a", A.attribute("String", "x")),
            ("a.", A.attribute("String", "x")), ("a..b", A.attribute("String", "x")), ("a b", A.attribute("String", "x")),
            ("a", A.attribute("Text", "x")),
        ] as [(String, JSONValue)]
    )
    func invalidAttributes(name: String, value: JSONValue) {
        #expect { try OutgoingMessage(body: "b", attributes: [name: value]).validate() } throws: {
            ($0 as? QueueError)?.code == .invalidParameterValue
        }
    }
}
