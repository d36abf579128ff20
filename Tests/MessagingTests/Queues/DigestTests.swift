import JSON
import Messaging
import Testing

@Suite struct DigestTests {
    @Test func md5MatchesRFC1321Vectors() {
        #expect(Digest.md5Hex([]) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(Digest.md5Hex(Array("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(Digest.md5Hex(Array(String(repeating: "1234567890", count: 8).utf8)) == "57edf4a22be3c955ac49da2e2107b67a")
    }

    @Test func sha256MatchesFIPSVectors() {
        #expect(Digest.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256Hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func messageAttributeDigestEncodesSortedLengthPrefixedFields() throws {
        // The bytes SQS hashes for {"a": String "b"}: len+"a", len+"String", 1, len+"b".
        let expected = Digest.md5Hex([0, 0, 0, 1, 97, 0, 0, 0, 6] + Array("String".utf8) + [1, 0, 0, 0, 1, 98])
        #expect(try MessageAttributeDigest.md5(of: ["a": ["DataType": "String", "StringValue": "b"]]) == expected)
        #expect(try MessageAttributeDigest.md5(of: JSONObject()) == nil)
    }

    @Test func queueAttributesRefuseUnknownNamesAndOutOfRangeValues() {
        #expect(throws: QueueError.self) { try QueueAttributes(["Colour": "blue"], queueName: "q") }
        #expect(throws: QueueError.self) { try QueueAttributes(["VisibilityTimeout": "50000"], queueName: "q") }
        #expect(throws: QueueError.self) { try QueueAttributes(["FifoQueue": "true"], queueName: "q") }
        #expect(throws: QueueError.self) { try QueueAttributes(["RedrivePolicy": "{}"], queueName: "q") }
    }
}
