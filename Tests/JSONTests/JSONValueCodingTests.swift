import JSON
import Testing

private struct Route: Codable, Equatable {
    var versionArn: String
    var weight: Int
}

private struct Alias: Codable, Equatable {
    var name: String
    var updateDate: Int64?
    var routing: [Route]
    var stream: UInt64
    var input: JSONValue
    var output: JSONValue?
    var ratio: Double?

    /// Not the declaration order: the keys' order is the order of the members.
    enum CodingKeys: String, CodingKey {
        case name, routing, stream, input, output, ratio
        case updateDate = "updated"
    }
}

@Suite("JSONValue encoder and decoder")
struct JSONValueCodingTests {
    @Test("members come in the order of the coding keys, integers stay integers, nil optionals are left out")
    func encodesLikeAHandWrittenLiteral() throws {
        let alias = Alias(
            name: "PROD", updateDate: nil, routing: [Route(versionArn: "v1", weight: 100)], stream: 7, input: ["n": 1, "x": nil],
            output: nil, ratio: 2)
        let json = try JSONValueEncoder().encode(alias)
        #expect(json.serialized == #"{"name":"PROD","routing":[{"versionArn":"v1","weight":100}],"stream":7,"input":{"n":1,"x":null},"ratio":2.0}"#)
        #expect(try JSONValueDecoder().decode(Alias.self, from: json) == alias)
    }

    @Test("a JSON null in an optional member is written, and reads back as nil")
    func nullOptional() throws {
        let alias = Alias(name: "a", updateDate: 5, routing: [], stream: 1, input: nil, output: .null, ratio: nil)
        let json = try JSONValueEncoder().encode(alias)
        #expect(json.serialized == #"{"name":"a","routing":[],"stream":1,"input":null,"output":null,"updated":5}"#)
        #expect(try JSONValueDecoder().decode(Alias.self, from: json).output == nil)
    }

    @Test("an absent JSONValue member reads as null; an integral double reads as an integer")
    func lenientReads() throws {
        let alias = try JSONValueDecoder().decode(Alias.self, from: ["name": "a", "routing": [["versionArn": "v", "weight": 3.0]], "stream": 1])
        #expect(alias.input == .null)
        #expect(alias.routing == [Route(versionArn: "v", weight: 3)])
    }

    private static let malformed: [(JSONValue, String)] = [
        (["name": "a", "routing": [["versionArn": "v", "weight": "heavy"]], "stream": 1], "field /routing/0/weight is not an integer"),
        (["name": "a", "routing": [["versionArn": "v"]], "stream": 1], "has no field /routing/0/weight"),
        (["name": "a", "routing": [], "stream": -1], "field /stream -1 does not fit UInt64"),
        (["name": 1, "routing": [], "stream": 1], "field /name is not a string"),
        ([1, 2], "field / is not an object"),
    ]

    @Test("a decoding error names the member by its path", arguments: malformed)
    func errorsNameThePath(json: JSONValue, message: String) {
        do {
            _ = try JSONValueDecoder().decode(Alias.self, from: json)
            Issue.record("decoded \(json.serialized)")
        } catch {
            #expect(JSONValueDecoder.describe(error) == message)
        }
    }

    @Test("an unsigned integer beyond Int.max cannot be encoded, and the error has its path")
    func unsignedOverflow() {
        let alias = Alias(name: "a", updateDate: nil, routing: [], stream: .max, input: nil, output: nil, ratio: nil)
        #expect {
            try JSONValueEncoder().encode(alias)
        } throws: { error in
            guard case .invalidValue(_, let context) = error as? EncodingError else { return false }
            return JSONValueDecoder.path(context.codingPath) == "/stream"
        }
    }
}
