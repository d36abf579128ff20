import JSON
import Testing

@testable import SteplineServer

@Suite("Pagination tokens")
struct PaginationTokenCodecTests {
    let codec = PaginationTokenCodec(key: Array(repeating: 7, count: 32))
    let position: JSONValue = ["after": "arn:aws:states:us-east-1:123456789012:execution:m:e-42", "seq": 42]

    @Test("a token decodes to the position it was made from")
    func roundTrip() throws {
        let token = codec.encode(position, scope: "ListExecutions m")
        #expect(try codec.decode(token, scope: "ListExecutions m") == position)
    }

    @Test("an altered token is refused with InvalidToken")
    func refusesAlteredToken() throws {
        let token = codec.encode(position, scope: "s")
        let forged = codec.encode(["after": "z", "seq": 0], scope: "other")
        let spliced = String(forged.split(separator: ".")[0]) + "." + String(token.split(separator: ".")[1])
        for bad in [spliced, token + "x", "", "not-a-token", String(token.dropLast(2))] {
            let error = #expect(throws: AWSError.self) { try codec.decode(bad, scope: "s") }
            #expect(error?.code == .invalidToken)
        }
    }

    @Test("a token from another listing or another key is refused")
    func refusesOtherScopeOrKey() {
        let token = codec.encode(position, scope: "ListExecutions a")
        #expect(throws: AWSError.self) { try codec.decode(token, scope: "ListExecutions b") }
        #expect(throws: AWSError.self) { try PaginationTokenCodec().decode(token, scope: "ListExecutions a") }
    }

    @Test("the caller chooses the error code its operation models")
    func customCode() {
        let error = #expect(throws: AWSError.self) { try codec.decode("x.y", scope: "s", code: .validation) }
        #expect(error?.code == .validation)
    }

    @Test("base64url round-trips every length and refuses foreign characters", arguments: 0..<12)
    func base64URL(length: Int) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 250) }
        let text = Base64.encode(bytes, alphabet: .url)
        #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        #expect(Base64.decode(text, alphabet: .url) == bytes)
        #expect(Base64.decode(text + "+", alphabet: .url) == nil)
    }
}
