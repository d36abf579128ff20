import Messaging
import Testing

@Suite struct QueryParametersTests {
    @Test func formBodiesDecodePlusAndPercentEscapes() throws {
        let query = try QueryParameters(formEncoded: Array("Action=Publish&Message=caf%C3%A9+au+lait&Empty=&Flag".utf8))
        #expect(query["Action"] == "Publish")
        #expect(query["Message"] == "café au lait")
        #expect(query["Empty"] == "")
        #expect(query["Flag"] == "")
    }

    @Test func brokenEscapesAreInvalidParameters() {
        #expect(throws: TopicError.self) { try QueryParameters(formEncoded: Array("Message=%G1".utf8)) }
        #expect(throws: TopicError.self) { try QueryParameters(formEncoded: Array("Message=%FF".utf8)) }
    }

    @Test("a parameter given twice is refused, not silently the last one")
    func duplicatedParametersAreRefused() {
        #expect(throws: TopicError.self) { try QueryParameters(formEncoded: Array("Action=Publish&TopicArn=a&TopicArn=b".utf8)) }
    }

    @Test("a request with more parameters than any SNS action needs is refused")
    func tooManyParametersAreRefused() throws {
        let many = (1...QueryParameters.maximumCount + 1).map { "Unknown\($0)=x" }.joined(separator: "&")
        #expect(throws: TopicError.self) { try QueryParameters(formEncoded: Array(many.utf8)) }
        let enough = (1...QueryParameters.maximumCount).map { "Known\($0)=x" }.joined(separator: "&")
        #expect(try QueryParameters(formEncoded: Array(enough.utf8)).values.count == QueryParameters.maximumCount)
    }

    @Test func mapsAndListsAreReadInNumericIndexOrder() throws {
        let body = [
            "Attributes.entry.10.key=J", "Attributes.entry.10.value=10", "Attributes.entry.2.key=B", "Attributes.entry.2.value=2",
            "Tags.member.2.Key=k2", "Tags.member.2.Value=v2", "Tags.member.1.Key=k1", "Tags.member.1.Value=v1",
            "TagKeys.member.2=b", "TagKeys.member.1=a",
            "MessageAttributes.entry.1.Name=color", "MessageAttributes.entry.1.Value.DataType=String",
            "MessageAttributes.entry.1.Value.StringValue=red",
        ].joined(separator: "&")
        let query = try QueryParameters(formEncoded: Array(body.utf8))
        #expect(try query.stringMap("Attributes").map(\.key) == ["B", "J"])
        #expect(query.structures("Tags").map { $0["Key"] } == ["k1", "k2"])
        #expect(query.strings("TagKeys") == ["a", "b"])
        let attributes = try query.structureMap("MessageAttributes")
        #expect(attributes.count == 1 && attributes[0].key == "color")
        #expect(attributes[0].value["DataType"] == "String" && attributes[0].value["StringValue"] == "red")
    }

    @Test func aMapEntryWithoutAKeyIsRefused() throws {
        let query = try QueryParameters(formEncoded: Array("Attributes.entry.1.value=x".utf8))
        #expect(throws: TopicError.self) { try query.stringMap("Attributes") }
    }
}
