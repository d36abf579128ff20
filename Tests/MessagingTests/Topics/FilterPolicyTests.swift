import JSON
import Messaging
import Testing

@Suite struct FilterPolicyTests {
    static let attributes: [String: FilterPolicy.AttributeValue] = [
        "store": .string("example_corp"), "price": .number("150.5"), "tags": .stringArray(#"["new", "sale"]"#),
        "blob": .binary, "ip": .string("10.0.0.7"),
    ]

    @Test(arguments: [
        (#"{"store": ["example_corp"]}"#, true),
        (#"{"store": ["other"]}"#, false),
        (#"{"price": [{"numeric": [">", 100, "<=", 200]}]}"#, true),
        (#"{"price": [150.5]}"#, true),
        (#"{"price": ["150.5"]}"#, false),
        (#"{"tags": ["sale"]}"#, true),
        (#"{"tags": [{"prefix": "ne"}]}"#, true),
        (#"{"store": [{"anything-but": ["a", "b"]}]}"#, true),
        (#"{"store": [{"anything-but": {"prefix": "example"}}]}"#, false),
        (#"{"store": [{"suffix": "_corp"}]}"#, true),
        (#"{"store": [{"equals-ignore-case": "EXAMPLE_CORP"}]}"#, true),
        (#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, true),
        (#"{"missing": [{"exists": false}]}"#, true),
        (#"{"blob": [{"exists": true}]}"#, false),
        (#"{"store": ["nope"], "$or": [{"price": [1]}, {"tags": ["new"]}]}"#, false),
        (#"{"$or": [{"store": ["nope"]}, {"tags": ["new"]}]}"#, true),
    ])
    func messageAttributesScopeMatchesLikeSNS(policy: String, expected: Bool) throws {
        #expect(try FilterPolicy(parsing: policy).matches(attributes: Self.attributes) == expected)
    }

    @Test func messageBodyScopeMatchesNestedKeysOfAJSONBody() throws {
        let policy = try FilterPolicy(parsing: #"{"order": {"state": [{"prefix": "ship"}], "total": [{"numeric": [">=", 10]}]}}"#, scope: .messageBody)
        #expect(policy.matches(body: #"{"order": {"state": "shipped", "total": 12}}"#))
        #expect(!policy.matches(body: #"{"order": {"state": "shipped", "total": 2}}"#))
        #expect(!policy.matches(body: "not json at all"))
    }

    @Test(arguments: [
        #"{"a": [{"wildcard": "x*"}]}"#,
        #"{"a": {"b": ["c"]}}"#,
        #"{"a": "plain"}"#,
        #"{"a": [1], "b": [1], "c": [1], "d": [1], "e": [1], "f": [1]}"#,
        #"{"a": [1,2,3,4,5,6], "b": [1,2,3,4,5,6], "c": [1,2,3,4,5]}"#,
        #"{"a": [{"numeric": [">", 2000000000]}]}"#,
        #"{"a": [{"prefix": 1}]}"#,
        "[1]",
        "{",
    ])
    func policiesSNSRefusesAreInvalidParameters(policy: String) {
        #expect {
            _ = try FilterPolicy(parsing: policy)
        } throws: { error in
            guard let error = error as? TopicError else { return false }
            return error.code == .invalidParameter && error.message.hasPrefix("Invalid parameter: FilterPolicy: ")
        }
    }

    @Test func nestedPoliciesAreValidWithTheMessageBodyScope() throws {
        let policy = try FilterPolicy(parsing: #"{"a": {"b": ["c"]}}"#, scope: .messageBody)
        #expect(policy.matches(body: #"{"a": {"b": "c"}}"#))
        #expect(!policy.matches(body: #"{"a": {"b": "d"}}"#))
        #expect(!policy.matches(body: #"{"b": "c"}"#))
    }
}
