import EventBuses
import EventLog
import Foundation
import JSON
import Queues
import Stepline
import Workflows

/// The log `stepline bench verify` verifies: the record kinds a server writes, in
/// the proportions of a busy one, made in-process and without fsync so the fill
/// costs seconds, not the benchmark.
enum VerifyWorkload {
    /// What the filled log holds.
    struct Composition {
        /// Records in the log.
        var total: Int
        /// Records per kind, keyed by the kind's number in hex (`0x0101`).
        var byKind: [String: Int]
    }

    /// Fills a new log in `directory` with about `records` records and closes it.
    ///
    /// 64 workers take turns: 4 in 10 run an execution of ``LoadWorkload/definition``
    /// (instant in-process handlers), 1 of the 10-Pass chain, 1 in 50 starts a
    /// day-long Wait that stays open (timers and open executions in the views);
    /// the rest send 10 messages to a standard queue and receive and delete them,
    /// send 5 to a FIFO queue in one group, or put 5 events that a rule routes to
    /// the standard queue.
    static func fill(directory: String, records: Int, progress: @escaping @Sendable (String) -> Void) async throws -> Composition {
        var configuration = Stepline.Configuration()
        configuration.log.durability = .unsafeNoSync
        configuration.inProcessHandlers[LoadWorkload.resource] = { input in
            ["value": .integer((input["value"]?.integerValue ?? 0) + 1)]
        }
        let stepline = try await Stepline.open(dataDirectory: directory, configuration: configuration)
        let engine = stepline.engine
        let tasks = try await engine.createStateMachine(name: "tasks", definition: LoadWorkload.definition).stateMachineArn
        let pass = try await engine.createStateMachine(name: "pass", definition: LoadWorkload.passChain).stateMachineArn
        let waiting = try await engine.createStateMachine(
            name: "waiting",
            definition: #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": true}}}"#
        ).stateMachineArn
        let queues = stepline.queues
        let standard = try await queues.createQueue(name: "bench-standard", attributes: [:]).arn
        let fifo = try await queues.createQueue(name: "bench.fifo", attributes: ["FifoQueue": "true"]).arn
        let buses = stepline.buses
        _ = try await buses.putRule(RuleDefinition(name: "bench", eventPattern: #"{"source": ["bench"]}"#))
        _ = try await buses.putTargets(bus: nil, rule: "bench", targets: [["Id": "queue", "Arn": .string(standard)]])

        let next = Counter()
        let log = engine.log
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { workers in
                    for _ in 0..<64 {
                        workers.addTask {
                            while Int(log.lastSequence?.rawValue ?? 0) < records {
                                let index = next.take()
                                switch index % 10 {
                                case 0...3:
                                    let arn = try await engine.startExecution(
                                        stateMachineArn: tasks,
                                        name: "t\(index)",
                                        input: LoadWorkload.input(index)
                                    )
                                    _ = try await engine.awaitCompletion(executionArn: arn.executionArn)
                                case 4:
                                    let machine = index % 50 == 4 ? waiting : pass
                                    _ = try await engine.startExecution(stateMachineArn: machine, name: "p\(index)")
                                case 5, 6:
                                    let sent = (0..<10).map { OutgoingMessage(body: #"{"job": \#(index), "part": \#($0)}"#) }
                                    _ = try await queues.send(queueArn: standard, messages: sent)
                                    let received = try await queues.receive(queueArn: standard, maxMessages: 10, waitSeconds: 0)
                                    _ = try await queues.delete(queueArn: standard, handles: received.map(\.receiptHandle))
                                case 7:
                                    let sent = (0..<5).map {
                                        OutgoingMessage(body: "fifo \(index) \($0)", groupId: "g\(index % 8)", deduplicationId: "\(index)-\($0)")
                                    }
                                    _ = try await queues.send(queueArn: fifo, messages: sent)
                                default:
                                    let entries = (0..<5).map {
                                        EventEntry(source: "bench", detailType: "Tick", detail: #"{"n": \#(index), "i": \#($0)}"#)
                                    }
                                    _ = try await buses.putEvents(entries)
                                }
                                if index % 5_000 == 0 { progress("filling: \(log.lastSequence?.rawValue ?? 0)/\(records) records") }
                            }
                        }
                    }
                    try await workers.waitForAll()
                }
            }
            // The workers' task ends first (engine.run only ends when cancelled).
            try await group.next()
            group.cancelAll()
        }
        await engine.close()
        return try await composition(directory: directory)
    }

    /// Counts the records of the log in `directory`, by kind.
    static func composition(directory: String) async throws -> Composition {
        let reader = try EventLog(directory: directory)
        var byKind: [String: Int] = [:]
        let total = try reader.scan { _, header, _ in
            byKind[String(format: "0x%04x", header.kind.rawValue), default: 0] += 1
        }
        await reader.close()
        return Composition(total: total, byKind: byKind)
    }
}
