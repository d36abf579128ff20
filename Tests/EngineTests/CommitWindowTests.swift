import EventLog
import Foundation
import JSON
import StatesLanguage
import TestSupport
import Testing
@testable import Queues
@testable import Runtime
@testable import Workflows

/// Holds the steps the engine's test hook hands it until released: the window
/// between a step's commit and the engine taking it in, which the actor's
/// reentrancy opens to every other command.
actor CommitGate {
    private var parked: [CheckedContinuation<Void, Never>] = []
    private var released = false
    /// How many steps are held now.
    private(set) var holding = 0

    func hold() async {
        if released { return }
        holding += 1
        await withCheckedContinuation { parked.append($0) }
    }

    func release() {
        released = true
        for step in parked { step.resume() }
        parked = []
        holding = 0
    }
}

/// What a command running in the background answered, readable while it runs.
actor Outcome<Value: Sendable> {
    private(set) var result: Result<Value, EngineError>?

    func run(_ body: @Sendable () async throws -> Value) async {
        do { result = .success(try await body()) } catch let error as EngineError { result = .failure(error) } catch {
            result = .failure(EngineError(.storage, "\(error)"))
        }
    }
}

/// Starts the token waiter `held` with its start step held by the engine's hook
/// between commit and the engine taking it in; returns the gate, the start, and
/// the token and execution ARN its message (already receivable) carries.
func startHeldWaiter(
    _ engine: Engine,
    _ queues: QueueService,
    definition: String = tokenWaiterMachine
) async throws -> (gate: CommitGate, start: Task<StartedExecution, any Error>, token: String, arn: String) {
    _ = try await queues.createQueue(name: "tokens", attributes: [:])
    let machine = try await engine.createStateMachine(name: "waiter", definition: definition)
    let gate = CommitGate()
    await engine.onStepCommitted { arn in if arn.hasSuffix(":held") { await gate.hold() } }
    let start = Task { try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "held") }
    #expect(try await eventually { await gate.holding == 1 })
    let (token, arn) = try await receiveToken(queues)
    return (gate, start, token, arn)
}

/// Waits until the command behind `outcome` waits for `arn`'s lock, or has answered.
func waitsForTheLock<Value>(_ engine: Engine, _ arn: String, _ outcome: Outcome<Value>) async throws -> Bool {
    try await eventually {
        let waiting = await engine.lockWaiters[arn]?.count == 1
        let finished = await outcome.result != nil
        return waiting || finished
    }
}

/// A machine whose only state sends its task token (and the execution's ARN) to
/// the `tokens` queue and waits for the answer.
let tokenWaiterMachine = """
    {"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "arn:aws:sqs:us-east-1:123456789012:tokens",
                     "MessageBody": {"token.$": "$$.Task.Token", "execution.$": "$$.Execution.Id"}},
      "End": true}}}
    """

/// Receives one message of the `tokens` queue: its token and execution ARN.
func receiveToken(_ queues: QueueService) async throws -> (token: String, executionArn: String) {
    let messages = try await queues.receive(queueArn: queues.arn(ofQueue: "tokens"), maxMessages: 1, waitSeconds: 0)
    let body = try JSONParser.parse(try #require(messages.first?.body))
    return (try #require(body["token"]?.stringValue), try #require(body["execution"]?.stringValue))
}

@Suite struct CommitWindowTests {
    @Test("a token answered after its message is receivable but before the engine took the step in completes the task")
    func aTokenAnsweredInTheCommitWindowIsAccepted() async throws {
        let directory = TemporaryDirectory()
        try await withIntegrations(directory.path) { engine, _, queues in
            let (gate, start, token, arn) = try await startHeldWaiter(engine, queues)

            let answer = Outcome<Void>()
            let answering = Task { await answer.run { try await engine.sendTaskSuccess(token: token, output: #"{"ok": true}"#) } }
            // The answer must wait for the step, not be refused while the step is held.
            #expect(try await waitsForTheLock(engine, arn, answer))
            let early = await answer.result
            #expect(early == nil, "answered while the step was held: \(String(describing: early))")
            await gate.release()
            await answering.value
            _ = try await start.value
            guard case .success? = await answer.result else {
                // Without an accepted answer the execution waits forever: do not wait for it.
                Issue.record("SendTaskSuccess was refused: \(String(describing: await answer.result))")
                return
            }
            let done = try await engine.awaitCompletion(executionArn: arn)
            #expect(done.status == .succeeded)
            #expect(done.output == ["ok": true])
        }
    }

    @Test("StopExecution of an execution whose start is committed but not yet taken in stops it")
    func aStopInTheCommitWindowStops() async throws {
        let directory = TemporaryDirectory()
        try await withIntegrations(directory.path) { engine, _, queues in
            let (gate, start, token, arn) = try await startHeldWaiter(engine, queues)

            let stop = Outcome<ExecutionDescription>()
            let stopping = Task { await stop.run { try await engine.stopExecution(arn: arn) } }
            #expect(try await waitsForTheLock(engine, arn, stop))
            await gate.release()
            await stopping.value
            _ = try await start.value
            guard case .success(let stopped)? = await stop.result else {
                Issue.record("StopExecution failed: \(String(describing: await stop.result))")
                return
            }
            #expect(stopped.status == .aborted)
            #expect(try await engine.describeExecution(arn: arn).status == .aborted)
            await #expect(throws: EngineError.self) { try await engine.sendTaskSuccess(token: token, output: "{}") }
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("a heartbeat sent in the commit window waits for the step and is accepted")
    func aHeartbeatInTheCommitWindowIsAccepted() async throws {
        let directory = TemporaryDirectory()
        try await withIntegrations(directory.path) { engine, _, queues in
            let definition = tokenWaiterMachine.replacingOccurrences(of: #""End": true"#, with: #""HeartbeatSeconds": 600, "End": true"#)
            let (gate, start, token, arn) = try await startHeldWaiter(engine, queues, definition: definition)
            let heartbeat = Outcome<Void>()
            let beating = Task { await heartbeat.run { try await engine.sendTaskHeartbeat(token: token) } }
            #expect(try await waitsForTheLock(engine, arn, heartbeat))
            await gate.release()
            await beating.value
            _ = try await start.value
            guard case .success? = await heartbeat.result else {
                Issue.record("SendTaskHeartbeat was refused: \(String(describing: await heartbeat.result))")
                return
            }
            try await engine.sendTaskSuccess(token: token, output: "{}")
            #expect(try await engine.awaitCompletion(executionArn: arn).status == .succeeded)
        }
    }

    @Test("after a restart the tokens of every open task answer, and each execution finishes once")
    func tokensOfOpenTasksAnswerAfterARestart() async throws {
        let directory = TemporaryDirectory()
        let count = 12
        let arns = try await withIntegrations(directory.path) { engine, _, queues in
            _ = try await queues.createQueue(name: "tokens", attributes: [:])
            let machine = try await engine.createStateMachine(name: "waiter", definition: tokenWaiterMachine)
            var arns: [String] = []
            for index in 0..<count {
                arns.append(try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "w\(index)").executionArn)
            }
            return arns
        }
        try await withIntegrations(directory.path) { engine, _, queues in
            var answered: Set<String> = []
            for _ in 0..<count {
                let (token, arn) = try await receiveToken(queues)
                try await engine.sendTaskSuccess(token: token, output: #"{"after": "restart"}"#)
                answered.insert(arn)
            }
            #expect(answered == Set(arns))
            for arn in arns {
                let done = try await engine.awaitCompletion(executionArn: arn)
                #expect(done.status == .succeeded)
                #expect(done.output == ["after": "restart"])
            }
            #expect(try engine.log.verify().isClean)
        }
    }
}
