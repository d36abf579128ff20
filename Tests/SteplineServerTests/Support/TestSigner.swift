import SteplineServer

/// Signs requests in tests the way botocore does, with the production primitives that
/// `SignatureV4Tests` checks against botocore's own signatures.
struct TestSigner {
    var accessKeyID = "AKIDTEST"
    var secretAccessKey = "test-secret"
    var region = "us-east-1"
    var service = "states"

    /// The headers to send: the given ones plus `X-Amz-Date` and `Authorization`.
    func sign(
        method: String = "POST",
        path: String = "/",
        host: String,
        headers: [SignatureV4.Header],
        body: String,
        date: AMZDate
    ) -> [SignatureV4.Header] {
        let all = headers + [(name: "host", value: host), (name: "x-amz-date", value: date.description)]
        let signedHeaders = all.map { $0.name.lowercased() }.sorted()
        let canonical = SignatureV4.canonicalRequest(
            method: method,
            path: path,
            query: "",
            headers: all,
            signedHeaders: signedHeaders,
            payloadHash: SignatureV4.sha256Hex(body.utf8)
        )
        let scope = "\(date.day)/\(region)/\(service)/aws4_request"
        let key = SignatureV4.signingKey(secretAccessKey: secretAccessKey, day: date.day, region: region, service: service)
        let signature = SignatureV4.signature(
            stringToSign: SignatureV4.stringToSign(date: date, scope: scope, canonicalRequest: canonical),
            key: key
        )
        let authorization =
            "\(SignatureV4.algorithm) Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
        return headers + [(name: "X-Amz-Date", value: date.description), (name: "Authorization", value: authorization)]
    }
}
