import Runtime
import Testing

@Suite("ResourceScope: where a resource lives")
struct ResourceScopeTests {
    let europe = ResourceScope(account: "111122223333", region: "eu-west-1")
    let home = ResourceScope(account: "123456789012", region: "us-east-1")

    @Test("an ARN's region and account are its scope; a service ARN without them has none")
    func arnsCarryTheirScope() {
        #expect(europe.arn("sqs", "orders") == "arn:aws:sqs:eu-west-1:111122223333:orders")
        #expect(ResourceScope(arn: "arn:aws:states:eu-west-1:111122223333:execution:flow:run-1") == europe)
        #expect(ResourceScope(arn: "arn:aws:states:::sqs:sendMessage") == nil)
        #expect(ResourceScope(arn: "orders") == nil)
        #expect(europe.owns("arn:aws:sns:eu-west-1:111122223333:alerts:0f3c"))
        #expect(!europe.owns("arn:aws:sns:us-east-1:111122223333:alerts"))
    }

    @Test("the default scope stores a name as itself, every other scope qualifies it, and both read back")
    func storageNamesKeepTheDefaultScopesKeys() {
        #expect(home.storageName("orders", defaultScope: home) == "orders")
        let stored = europe.storageName("orders", defaultScope: home)
        #expect(stored == "111122223333:eu-west-1:orders")
        #expect(ResourceScope.parseStorageName(stored, defaultScope: home) == (europe, "orders"))
        #expect(ResourceScope.parseStorageName("orders", defaultScope: home) == (home, "orders"))
        // Another scope's storage name given as a name of the default scope names nothing of that scope.
        #expect(home.storageName(stored, defaultScope: home) == "123456789012:us-east-1:111122223333:eu-west-1:orders")
    }

    @Test(
        "a 12-digit access key id is the account; another key, none, or a region that cannot be one fall back to the defaults",
        arguments: [
            ("111122223333", "eu-west-1", ResourceScope(account: "111122223333", region: "eu-west-1")),
            ("AKIDEXAMPLE", "eu-west-1", ResourceScope(account: "123456789012", region: "eu-west-1")),
            ("1111222233334", nil, ResourceScope(account: "123456789012", region: "us-east-1")),
            (nil, "eu:west", ResourceScope(account: "123456789012", region: "us-east-1")),
        ] as [(String?, String?, ResourceScope)]
    )
    func requestScopes(key: String?, region: String?, expected: ResourceScope) {
        #expect(ResourceScope(accessKeyID: key, region: region, defaultScope: home) == expected)
    }
}
