import SteplineServer
import Testing

@Suite("SigV4 against botocore's signatures")
struct SignatureV4Tests {
    @Test("the canonical request is the one botocore signed", arguments: SigV4Vector.all)
    func canonicalRequestMatchesBotocore(vector: SigV4Vector) throws {
        let header = try AuthorizationHeader(parsing: vector.authorization)
        let canonical = SignatureV4.canonicalRequest(
            method: vector.method,
            path: vector.path,
            query: vector.query,
            headers: vector.headers,
            signedHeaders: header.signedHeaders,
            payloadHash: SignatureV4.sha256Hex(vector.body.utf8)
        )
        #expect(canonical == vector.canonicalRequest)
    }

    @Test("the signature is the one botocore computed", arguments: SigV4Vector.all)
    func signatureMatchesBotocore(vector: SigV4Vector) throws {
        let header = try AuthorizationHeader(parsing: vector.authorization)
        let key = SignatureV4.signingKey(
            secretAccessKey: vector.secretAccessKey,
            day: header.day,
            region: header.region,
            service: header.service
        )
        let stringToSign = SignatureV4.stringToSign(date: vector.date, scope: header.scope, canonicalRequest: vector.canonicalRequest)
        #expect(SignatureV4.signature(stringToSign: stringToSign, key: key) == header.signature)
    }

    @Test("AWS's published get-vanilla signature is reproduced")
    func awsTestSuiteGetVanilla() throws {
        let vector = try #require(SigV4Vector.all.first { $0.name == "aws-suite-get-vanilla" })
        let verifier = SignatureV4Verifier(credentials: AWSCredentials([vector.accessKeyID: vector.secretAccessKey]))
        _ = try verifier.verify(vector.signedRequest, signingName: "service", now: vector.date)
        // The signature AWS's SigV4 test suite publishes for get-vanilla.
        #expect(vector.authorization.hasSuffix("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"))
    }
}

@Suite("SigV4 verification")
struct SignatureV4VerifierTests {
    static func verifier(_ vector: SigV4Vector, secret: String? = nil) -> SignatureV4Verifier {
        SignatureV4Verifier(credentials: AWSCredentials([vector.accessKeyID: secret ?? vector.secretAccessKey]))
    }

    static func later(_ date: AMZDate, seconds: Int64) -> AMZDate {
        AMZDate(secondsSinceEpoch: date.secondsSinceEpoch + seconds)
    }

    @Test("a request botocore signed is accepted within the clock window", arguments: SigV4Vector.all)
    func acceptsBotocoreSignature(vector: SigV4Vector) throws {
        let principal = try Self.verifier(vector).verify(vector.signedRequest, signingName: nil, now: Self.later(vector.date, seconds: 14 * 60))
        #expect(principal.accessKeyID == vector.accessKeyID)
    }

    @Test("a changed body is refused with InvalidSignatureException", arguments: SigV4Vector.all)
    func refusesChangedBody(vector: SigV4Vector) {
        var request = vector.signedRequest
        request.body += Array(" ".utf8)
        let error = #expect(throws: AWSError.self) {
            try Self.verifier(vector).verify(request, signingName: nil, now: vector.date)
        }
        #expect(error?.code == .invalidSignature)
    }

    @Test("a signature made with the wrong secret is refused with InvalidSignatureException")
    func refusesWrongSecret() throws {
        let vector = try #require(SigV4Vector.all.first)
        let error = #expect(throws: AWSError.self) {
            try Self.verifier(vector, secret: "not-the-secret").verify(vector.signedRequest, signingName: nil, now: vector.date)
        }
        #expect(error?.code == .invalidSignature)
        #expect(error?.message.hasPrefix("The request signature we calculated does not match") == true)
    }

    @Test("an unknown access key is refused with UnrecognizedClientException")
    func refusesUnknownKey() throws {
        let vector = try #require(SigV4Vector.all.first)
        let verifier = SignatureV4Verifier(credentials: AWSCredentials(["OTHERKEY": vector.secretAccessKey]))
        let error = #expect(throws: AWSError.self) {
            try verifier.verify(vector.signedRequest, signingName: nil, now: vector.date)
        }
        #expect(error?.code == .unrecognizedClient)
    }

    @Test("a date more than 15 minutes old is refused as expired, in AWS's words")
    func refusesExpiredDate() throws {
        let vector = try #require(SigV4Vector.all.first { $0.name == "sfn-list-state-machines" })
        let error = #expect(throws: AWSError.self) {
            try Self.verifier(vector).verify(vector.signedRequest, signingName: "states", now: Self.later(vector.date, seconds: 15 * 60 + 1))
        }
        #expect(error?.code == .invalidSignature)
        #expect(error?.message == "Signature expired: 20261125T120000Z is now earlier than 20261125T120001Z (20261125T121501Z - 15 min.)")
    }

    @Test("a date more than 15 minutes ahead is refused as not yet current")
    func refusesFutureDate() throws {
        let vector = try #require(SigV4Vector.all.first { $0.name == "sfn-list-state-machines" })
        let error = #expect(throws: AWSError.self) {
            try Self.verifier(vector).verify(vector.signedRequest, signingName: "states", now: Self.later(vector.date, seconds: -(15 * 60 + 1)))
        }
        #expect(error?.code == .invalidSignature)
        #expect(error?.message.hasPrefix("Signature not yet current: 20261125T120000Z") == true)
    }

    @Test("a request without Authorization is refused with MissingAuthenticationTokenException")
    func refusesUnsignedRequest() throws {
        let vector = try #require(SigV4Vector.all.first)
        var request = vector.signedRequest
        request.headers.removeAll { $0.name.lowercased() == "authorization" }
        let error = #expect(throws: AWSError.self) {
            try Self.verifier(vector).verify(request, signingName: nil, now: vector.date)
        }
        #expect(error?.code == .missingAuthenticationToken)
    }

    @Test("a signature scoped to another service is refused")
    func refusesOtherServiceScope() throws {
        let vector = try #require(SigV4Vector.all.first { $0.name == "sfn-list-state-machines" })
        let error = #expect(throws: AWSError.self) {
            try Self.verifier(vector).verify(vector.signedRequest, signingName: "sqs", now: vector.date)
        }
        #expect(error?.code == .invalidSignature)
        #expect(error?.message == "Credential should be scoped to correct service: 'sqs'.")
    }

    @Test(
        "an incomplete Authorization header names what is missing",
        arguments: [
            ("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc", "'Credential'"),
            ("AWS4-HMAC-SHA256 Credential=AK/20261125/us-east-1/states/aws4_request, Signature=abc", "'SignedHeaders'"),
            ("AWS4-HMAC-SHA256 Credential=AK/20261125/states/aws4_request, SignedHeaders=host, Signature=abc", "Credential must have the form"),
            ("AWS4-ECDSA-P256-SHA256 Credential=AK", "Unsupported AWS 'algorithm'"),
        ]
    )
    func incompleteAuthorization(header: String, named: String) {
        let error = #expect(throws: AWSError.self) { try AuthorizationHeader(parsing: header) }
        #expect(error?.code == .incompleteSignature)
        #expect(error?.message.contains(named) == true)
    }
}
