import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import Testing

@testable import SteplineServer

@Suite("Host names, unknown paths and browser visits")
struct HostCheckMiddlewareTests {
    static func get(_ client: some TestClientProtocol, _ uri: String, host: String? = nil, accept: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let host { headers[HTTPField.Name("Host")!] = host }
        if let accept { headers[.accept] = accept }
        return try await client.execute(uri: uri, method: .get, headers: headers)
    }

    @Test("a loopback server refuses a Host that is not one of its names, for every route (DNS rebinding)")
    func foreignHostIsRefused() async throws {
        try await AWSDispatcherTests.app().test(.router) { client in
            let refused = try await Self.get(client, "/health", host: "rebound.example:8423")
            #expect(refused.status == .misdirectedRequest)
            let error = try JSONParser.parse(String(buffer: refused.body))
            #expect(error["message"]?.stringValue?.contains("rebound.example") == true)
            for host in ["127.0.0.1:8423", "localhost", "LOCALHOST:1", "[::1]:8423"] {
                #expect(try await Self.get(client, "/health", host: host).status == .ok, "\(host)")
            }
        }
    }

    @Test("names are compared without port, brackets or a trailing dot; configured names are added")
    func names() {
        let check = HostCheckMiddleware<BasicRequestContext>(bindHost: "127.0.0.1", configured: ["Stepline.Internal"])
        #expect(check.allowedNames == ["127.0.0.1", "localhost", "::1", "stepline.internal"])
        #expect(HostCheckMiddleware<BasicRequestContext>.normalized("[::1]:80") == "::1")
        #expect(HostCheckMiddleware<BasicRequestContext>.normalized("localhost.:80") == "localhost")
        #expect(HostCheckMiddleware<BasicRequestContext>(bindHost: "0.0.0.0", configured: []).allowedNames.isEmpty)
    }

    @Test("an unknown path answers 404 with an AWS-shaped error naming it")
    func unknownPath() async throws {
        try await AWSDispatcherTests.app().test(.router) { client in
            let response = try await Self.get(client, "/no/such/thing")
            #expect(response.status == .notFound)
            let error = try JSONParser.parse(String(buffer: response.body))
            #expect(error["__type"] == "UnknownOperationException")
            #expect(error["message"]?.stringValue?.contains("/no/such/thing") == true)
        }
    }
}
