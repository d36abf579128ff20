import Foundation
import JSON
import SteplineServer
import Testing

/// A request botocore signed, from `Fixtures/sigv4-botocore.json`
/// (written by `Tests/EndToEnd/make_sigv4_vectors.py`).
struct SigV4Vector: Sendable, CustomTestStringConvertible {
    let name: String
    let method: String
    let path: String
    let query: String
    let headers: [SignatureV4.Header]
    let body: String
    let accessKeyID: String
    let secretAccessKey: String
    let amzDate: String
    let canonicalRequest: String
    let authorization: String

    var testDescription: String { name }

    var date: AMZDate {
        // The generator writes dates in X-Amz-Date form; a malformed one is a broken fixture.
        AMZDate(amzDate)!
    }

    var signedRequest: SignatureV4Verifier.SignedRequest {
        SignatureV4Verifier.SignedRequest(method: method, path: path, query: query, headers: headers, body: Array(body.utf8))
    }

    static let all: [SigV4Vector] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sigv4-botocore.json")
        do {
            let text = try String(contentsOf: url, encoding: .utf8)
            return try JSONParser.parse(text).arrayValue?.map(SigV4Vector.init) ?? []
        } catch {
            Issue.record("cannot read \(url.path): \(error)")
            return []
        }
    }()

    init(_ json: JSONValue) {
        func string(_ key: String) -> String { json[key]?.stringValue ?? "" }
        name = string("name")
        method = string("method")
        path = string("path")
        query = string("query")
        headers = (json["headers"]?.arrayValue ?? []).map {
            (name: $0[0]?.stringValue ?? "", value: $0[1]?.stringValue ?? "")
        }
        body = string("body")
        accessKeyID = string("accessKeyID")
        secretAccessKey = string("secretAccessKey")
        amzDate = string("amzDate")
        canonicalRequest = string("canonicalRequest")
        authorization = string("authorization")
    }
}
