import JSON
import SteplineServer
import Testing

@Suite("Reading operation inputs")
struct AWSInputTests {
    let input: AWSInput

    init() throws {
        input = try AWSInput(
            JSONParser.parse(
                #"{"name": "m", "count": 3, "flag": true, "when": 1700000000.5, "nothing": null, "tags": [{"key": "k"}, {"key": 7}]}"#
            )
        )
    }

    @Test("present members are read with their types")
    func readsMembers() throws {
        #expect(try input.requiredString("name") == "m")
        #expect(try input.integer("count") == 3)
        #expect(try input.bool("flag") == true)
        #expect(try input.timestamp("when") == AWSTimestamp(millisecondsSinceEpoch: 1_700_000_000_500))
        #expect(try input.string("absent") == nil)
    }

    @Test("a missing required member is a ValidationException naming it in AWS's words")
    func missingRequiredMember() {
        let error = #expect(throws: AWSError.self) { try input.requiredString("stateMachineArn") }
        #expect(error?.code == .validation)
        #expect(
            error?.message
                == "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null"
        )
    }

    @Test("null counts as absent")
    func nullIsAbsent() {
        #expect((try? input.string("nothing")) == .some(nil))
        let error = #expect(throws: AWSError.self) { try input.requiredString("nothing") }
        #expect(error?.code == .validation)
    }

    @Test("a member of the wrong type is a SerializationException naming it and both types")
    func wrongType() {
        let error = #expect(throws: AWSError.self) { try input.string("count") }
        #expect(error?.code == .serialization)
        #expect(error?.message == "Member 'count' must be a string, got number")
    }

    @Test("errors inside a list of structures name the element's path")
    func nestedPath() throws {
        let tags = try #require(try input.structures("tags"))
        #expect(try tags[0].requiredString("key") == "k")
        let error = #expect(throws: AWSError.self) { try tags[1].string("key") }
        #expect(error?.message == "Member 'tags.2.key' must be a string, got number")
    }

    @Test("length and range constraints are reported as AWS phrases them")
    func constraints() {
        let short = #expect(throws: AWSError.self) { try input.string("name", length: 2...80) }
        #expect(short?.message.hasSuffix("Member must have length greater than or equal to 2") == true)
        let large = #expect(throws: AWSError.self) { try input.integer("count", range: 0...2) }
        #expect(large?.message.hasSuffix("Member must have value less than or equal to 2") == true)
    }

    @Test("lengths count UTF-16 code units, as AWS does")
    func lengthInUTF16() throws {
        let emoji = try AWSInput(["name": "😀😀"])
        #expect(try emoji.string("name", length: 1...4) == "😀😀")
        let error = #expect(throws: AWSError.self) { try emoji.string("name", length: 1...3) }
        #expect(error?.message.hasSuffix("Member must have length less than or equal to 3") == true)
    }

    @Test("a body that is not an object is a SerializationException")
    func notAnObject() {
        let error = #expect(throws: AWSError.self) { try AWSInput([1, 2]) }
        #expect(error?.code == .serialization)
    }
}
