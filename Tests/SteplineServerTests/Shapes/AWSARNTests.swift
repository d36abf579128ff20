import JSON
import Testing

@testable import SteplineServer

@Suite("ARNs")
struct AWSARNTests {
    @Test(
        "ARNs parse into their parts and print back unchanged",
        arguments: [
            "arn:aws:states:us-east-1:123456789012:stateMachine:orders",
            "arn:aws:states:eu-west-3:123456789012:execution:orders:run-1",
            "arn:aws:states:us-east-1:123456789012:mapRun:orders/Map:4f1c",
            "arn:aws:events:us-east-1:123456789012:rule/custom-bus/my-rule",
            "arn:aws:sqs:us-east-1:123456789012:queue.fifo",
            "arn:aws-cn:iam::123456789012:role/x",
        ]
    )
    func roundTrip(text: String) throws {
        let arn = try #require(AWSARN(text))
        #expect(arn.description == text)
    }

    @Test("the resource keeps its own separators")
    func resourceParts() throws {
        let arn = try #require(AWSARN("arn:aws:states:us-east-1:123456789012:execution:orders:run-1"))
        #expect(arn.service == "states" && arn.region == "us-east-1" && arn.accountID == "123456789012")
        #expect(arn.resourceParts == ["execution", "orders", "run-1"])
    }

    @Test(
        "malformed ARNs are refused",
        arguments: ["", "arn", "arn:aws:states:us-east-1:123456789012", "urn:aws:s:r:a:x", "arn::states:r:a:x", "arn:aws:states:r:a:"]
    )
    func refusesMalformed(text: String) {
        #expect(AWSARN(text) == nil)
    }

    @Test("an ARN member of the wrong service or resource type is InvalidArn naming the member")
    func inputARN() throws {
        let input = try AWSInput([
            "ok": "arn:aws:states:us-east-1:123456789012:stateMachine:m",
            "sqs": "arn:aws:sqs:us-east-1:123456789012:q",
            "activity": "arn:aws:states:us-east-1:123456789012:activity:a",
            "junk": "stateMachine:m",
        ])
        let arn = try input.requiredARN("ok", service: "states", resourceTypes: ["stateMachine"])
        #expect(arn.resourceParts.last == "m")
        for member in ["sqs", "activity", "junk"] {
            let error = #expect(throws: AWSError.self) {
                try input.requiredARN(member, service: "states", resourceTypes: ["stateMachine"])
            }
            #expect(error?.code == "InvalidArn")
            #expect(error?.message.contains("'\(member)'") == true)
        }
    }
}
