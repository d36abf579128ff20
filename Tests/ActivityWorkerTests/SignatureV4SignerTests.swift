import JSON
import Testing

@testable import ActivityWorker

/// One request botocore signed (Fixtures/make_sigv4_vectors.py).
struct BotocoreVector: CustomTestStringConvertible, Sendable {
    var value: JSONValue
    var testDescription: String { value["name"]?.stringValue ?? "?" }

    static func all() throws -> [BotocoreVector] {
        try Fixtures.json("sigv4-botocore.json").arrayValue?.map(BotocoreVector.init(value:)) ?? []
    }

    var signer: SignatureV4Signer {
        SignatureV4Signer(
            credentials: AWSCredentials(
                accessKeyID: value["accessKeyID"]?.stringValue ?? "",
                secretAccessKey: value["secretAccessKey"]?.stringValue ?? "",
                sessionToken: value["sessionToken"]?.stringValue
            ),
            region: value["region"]?.stringValue ?? "",
            service: "states"
        )
    }

    var headers: [(name: String, value: String)] {
        (value["headers"]?.arrayValue ?? []).map { ($0[0]?.stringValue ?? "", $0[1]?.stringValue ?? "") }
    }

    func field(_ name: String) -> String { value[name]?.stringValue ?? "" }
}

@Suite struct SignatureV4SignerTests {
    @Test("The Authorization header equals botocore's", arguments: try BotocoreVector.all())
    func authorizationMatchesBotocore(_ vector: BotocoreVector) {
        let added = vector.signer.signatureHeaders(
            method: vector.field("method"),
            path: vector.field("path"),
            query: vector.field("query"),
            headers: vector.headers,
            body: Array(vector.field("body").utf8),
            amzDate: vector.field("amzDate")
        )
        #expect(added.first { $0.name == "Authorization" }?.value == vector.field("authorization"))
        #expect(added.first { $0.name == "X-Amz-Date" }?.value == vector.field("amzDate"))
        #expect(added.first { $0.name == "X-Amz-Security-Token" }?.value == vector.value["sessionToken"]?.stringValue)
    }

    @Test("The canonical request equals botocore's", arguments: try BotocoreVector.all())
    func canonicalRequestMatchesBotocore(_ vector: BotocoreVector) {
        var headers = vector.headers + [("X-Amz-Date", vector.field("amzDate"))]
        if let token = vector.value["sessionToken"]?.stringValue { headers.append(("X-Amz-Security-Token", token)) }
        let canonical = vector.signer.canonicalRequest(
            method: vector.field("method"),
            path: vector.field("path"),
            query: vector.field("query"),
            headers: headers,
            body: Array(vector.field("body").utf8)
        )
        #expect(canonical.request == vector.field("canonicalRequest"))
    }

    @Test func userAgentIsNotSigned() {
        let signer = SignatureV4Signer(credentials: AWSCredentials(accessKeyID: "A", secretAccessKey: "S"), region: "us-east-1")
        let canonical = signer.canonicalRequest(
            method: "POST",
            path: "/",
            query: "",
            headers: [("Host", "h"), ("User-Agent", "stepline-worker")],
            body: []
        )
        #expect(canonical.signedHeaders == "host")
    }
}

@Suite struct SHA256DigestTests {
    @Test(
        "NIST FIPS 180-4 examples",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                String(repeating: "a", count: 1000),
                "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
            ),
        ]
    )
    func digest(_ message: String, _ expected: String) {
        #expect(SHA256Digest.hash(Array(message.utf8)).hexEncoded == expected)
    }

    @Test("RFC 4231 HMAC-SHA-256 test cases 1, 2 and 6 (a key longer than a block)")
    func hmac() {
        #expect(
            SHA256Digest.hmac(key: [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8)).hexEncoded
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        )
        #expect(
            SHA256Digest.hmac(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)).hexEncoded
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        )
        #expect(
            SHA256Digest.hmac(
                key: [UInt8](repeating: 0xaa, count: 131),
                Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
            ).hexEncoded
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        )
    }
}

@Suite struct AMZDateTests {
    @Test(
        arguments: [
            (Int64(0), "19700101T000000Z"),
            (Int64(1_440_938_160), "20150830T123600Z"),
            (Int64(1_709_251_199), "20240229T235959Z"),
            (Int64(1_798_675_201), "20261231T000001Z"),
            (Int64(-1), "19691231T235959Z"),
        ])
    func formatsUTC(_ seconds: Int64, _ expected: String) {
        #expect(AMZDate.string(secondsSince1970: seconds) == expected)
    }
}
