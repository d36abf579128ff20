import JSON
import StatesLanguage
import Testing

@Suite struct TaskTokenSecretTests {
    static let definition = #"""
        {"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
          {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters":{"token.$":"$$.Task.Token"},"End":true}}},
          {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters":{"token.$":"$$.Task.Token"},"End":true}}}]}}}
        """#

    /// The tokens the start of the definition above schedules, with `entropy` and `secret`.
    func tokens(entropy: UInt64, secret: [UInt8]?) throws -> [String] {
        let machine = try #require(StateMachineDefinition.parse(Self.definition).definition)
        var state = ExecutionState(definition: machine)
        let start = ExecutionStart(
            input: [:], executionArn: "arn:aws:states:us-east-1:1:execution:sm:e", executionName: "e",
            stateMachineArn: "arn:aws:states:us-east-1:1:stateMachine:sm", stateMachineName: "sm", roleArn: "role"
        )
        let events = try state.handle(
            ExecutionCommand(now: Timestamp(millisecondsSinceEpoch: 0), entropy: entropy, tokenSecret: secret, .start(start)))
        return events.compactMap { event in
            guard case .taskScheduled(let task) = event.details else { return nil }
            #expect(task.parameters["token"]?.stringValue == task.taskToken)
            return task.taskToken
        }
    }

    @Test func tokensComeFromTheCommandsSecretNotItsEntropyAndDifferWithinADecision() throws {
        let secret = Array(repeating: UInt8(7), count: 32)
        let first = try tokens(entropy: 1, secret: secret)
        #expect(first.count == 2)
        #expect(Set(first).count == 2)
        #expect(first.allSatisfy { $0.utf8.count == 32 && $0.allSatisfy(\.isHexDigit) })
        // Entropy does not enter a secret-derived token; another secret changes every token.
        #expect(try tokens(entropy: 2, secret: secret) == first)
        let other = try tokens(entropy: 1, secret: Array(repeating: UInt8(8), count: 32))
        #expect(Set(other).isDisjoint(with: first))
    }

    @Test func withoutASecretTokensAreReproducibleFromTheEntropy() throws {
        #expect(try tokens(entropy: 3, secret: nil) == tokens(entropy: 3, secret: nil))
        #expect(try tokens(entropy: 3, secret: nil) != tokens(entropy: 4, secret: nil))
    }
}
