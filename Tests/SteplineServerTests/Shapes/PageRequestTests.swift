import JSON
import Testing

@testable import SteplineServer

@Suite("Page requests")
struct PageRequestTests {
    let codec = PaginationTokenCodec()

    @Test("pages of a listing follow each other through their tokens")
    func pagesThroughAListing() throws {
        let items = (1...7).map { "execution-\($0)" }
        var collected: [String] = []
        var input: JSONValue = ["maxResults": 3]
        while true {
            let page = try PageRequest(AWSInput(input), codec: codec, scope: "ListExecutions m")
            let start = page.position?["after"]?.integerValue ?? 0
            let slice = items[start..<min(start + page.limit, items.count)]
            collected += slice
            guard slice.endIndex < items.count else { break }
            input = ["maxResults": 3, "nextToken": .string(page.nextToken(after: ["after": .integer(slice.endIndex)]))]
        }
        #expect(collected == items)
    }

    @Test("an absent or zero page size means the default")
    func defaultLimit() throws {
        #expect(try PageRequest(AWSInput([:]), codec: codec, scope: "s").limit == 100)
        #expect(try PageRequest(AWSInput(["maxResults": 0]), codec: codec, scope: "s").limit == 100)
        let events = try PageRequest(
            AWSInput(["Limit": 5]),
            sizeMember: "Limit",
            tokenMember: "NextToken",
            maximumLimit: 100,
            codec: codec,
            scope: "s"
        )
        #expect(events.limit == 5 && events.position == nil)
    }

    @Test("a page size over the maximum is a ValidationException naming the member")
    func refusesLargePage() {
        let error = #expect(throws: AWSError.self) { try PageRequest(AWSInput(["maxResults": 1001]), codec: codec, scope: "s") }
        #expect(error?.code == .validation)
        #expect(error?.message.contains("'maxResults'") == true)
    }

    @Test("a token from another listing is InvalidToken")
    func refusesForeignToken() throws {
        let first = try PageRequest(AWSInput([:]), codec: codec, scope: "ListExecutions a")
        let token = first.nextToken(after: 5)
        let error = #expect(throws: AWSError.self) {
            try PageRequest(AWSInput(["nextToken": .string(token)]), codec: codec, scope: "ListExecutions b")
        }
        #expect(error?.code == .invalidToken)
    }
}
