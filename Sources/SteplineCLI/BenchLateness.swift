import ArgumentParser
import EventBuses
import EventLog
import Foundation
import JSON
import Runtime
import Stepline
import Synchronization
import Workflows

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `stepline bench lateness`: how late timers fire and HTTP deliveries start, on the system clock.
struct BenchLateness: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lateness",
        abstract: "Benchmark how late timers (Wait states) fire and HTTP deliveries (rules, Task states) start.",
        discussion: """
            Opens an Engine and its event buses on a scratch log (commits not flushed, so the \
            figures are the scheduler's and not the disk's) with the system clock, and prints p50 \
            and p99 lateness in ms of: Wait states (TimestampPath at a given millisecond; measured \
            when the Task after the Wait runs, so one commit is included), HTTP deliveries of a \
            rule's target (from before PutEvents to the request reaching a loopback endpoint), and \
            HTTP deliveries caused by a Task state's events:putEvents (from before StartExecution; \
            two commits included). Goal: p99 under 2 ms for timers and rule deliveries. Before the \
            runtime scheduler (issue 14) timers waited for a 10 ms timer loop and deliveries for \
            a 10 ms (rules) or 1 s (topics) rescan.
            """
    )

    @Option(help: "Wait-state executions, due over about two seconds.")
    var timers = 1_000

    @Option(help: "Events put, one at a time, to a rule with an HTTP target.")
    var deliveries = 500

    @Option(help: "Executions whose Task state puts an event to that rule.")
    var taskDeliveries = 300

    @OptionGroup var scratch: ScratchDirectoryOptions

    func run() async throws {
        let root = try scratch.create(benchmark: "lateness")
        defer { scratch.remove(root) }
        let receiver = try LocalHTTPReceiver()
        defer { receiver.close() }
        let timerLateness = Samples()

        var configuration = Stepline.Configuration()
        configuration.log.durability = .unsafeNoSync
        configuration.inProcessHandlers["arn:aws:lambda:us-east-1:123456789012:function:bench-fired"] = { input in
            let now = LocalHTTPReceiver.nowMicroseconds()
            let due = Int64(input["due"]?.integerValue ?? 0) * 1000
            timerLateness.append(Double(now - due) / 1000)
            return [:]
        }
        let stepline = try await Stepline.open(dataDirectory: root, configuration: configuration)
        let (engine, buses) = (stepline.engine, stepline.buses)
        let endpoint = "http://127.0.0.1:\(receiver.port)/deliveries"

        try await stepline.run {
            let alone = try await measureScheduler()
            report("the scheduler alone (a key's action starting)", alone, count: timers)

            let waits = try await measureTimers(engine)
            let timerFigures = timerLateness.all
            report("timers (Wait state to the next state's Task)", timerFigures, count: waits)

            _ = try await buses.putRule(RuleDefinition(name: "bench", eventPattern: #"{"source": ["bench.lateness"]}"#))
            let failed = try await buses.putTargets(bus: nil, rule: "bench", targets: [["Id": "http", "Arn": .string(endpoint)]])
            guard failed.isEmpty else { throw CommandFailure("bench: the rule's HTTP target was refused: \(failed)") }
            try await measureRuleDeliveries(buses, receiver)
            report("HTTP deliveries of a rule (PutEvents to the request)", lateness(receiver, detailType: "rule"), count: deliveries)

            try await measureTaskDeliveries(engine, receiver)
            report(
                "HTTP deliveries of a Task state's events:putEvents (StartExecution to the request)",
                lateness(receiver, detailType: "task"),
                count: taskDeliveries
            )
        }
        await stepline.close()
        printLine("goal: p99 < 2 ms for timers and rule deliveries (before issue 14: up to 10 ms for timers, 10 ms to 1 s for deliveries)")
        printLine("load average when done: \(Self.loadAverage())")
    }

    /// Schedules `timers` keys at distinct milliseconds over about two seconds on a
    /// scheduler of its own, and returns how late each action started.
    func measureScheduler() async throws -> [Double] {
        let scheduler = Scheduler(clock: SystemClock())
        let lateness = Samples()
        let first = Int64(Date().timeIntervalSince1970 * 1000) + 200
        let spacing = max(1, 2_000 / Int64(max(timers, 1)))
        for index in 0..<timers {
            let due = first + Int64(index) * spacing + Int64.random(in: 0..<spacing)
            scheduler.schedule(Scheduler.Key("bench", String(index)), at: due) {
                lateness.append(Double(LocalHTTPReceiver.nowMicroseconds() - due * 1000) / 1000)
            }
        }
        let timers = timers
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await scheduler.run() }
            var tries = 0
            while lateness.all.count < timers, tries < 6_000 {
                try await Task.sleep(for: .milliseconds(10))
                tries += 1
            }
            group.cancelAll()
        }
        return lateness.all
    }

    /// Starts `timers` executions whose Wait states are due at distinct milliseconds
    /// over about two seconds, and waits until all have run their next state.
    func measureTimers(_ engine: Engine) async throws -> Int {
        let machine = try await engine.createStateMachine(
            name: "bench-timers",
            definition: """
                {"StartAt": "W", "States": {
                  "W": {"Type": "Wait", "TimestampPath": "$.at", "Next": "Fired"},
                  "Fired": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:bench-fired", "Parameters": {"due.$": "$.due"}, "End": true}
                }}
                """
        )
        // Every start must commit before its due time: the lead leaves a millisecond per start.
        let first = Int64(Date().timeIntervalSince1970 * 1000) + 1_000 + Int64(timers)
        let spacing = max(1, 2_000 / Int64(max(timers, 1)))
        let next = Counter()
        let startedLate = Counter()
        let started = Names()
        let timers = timers
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    while true {
                        let index = next.take()
                        guard index < timers else { return }
                        let due = first + Int64(index) * spacing + Int64.random(in: 0..<spacing)
                        let input: JSONValue = ["at": .string(Self.isoMilliseconds(due)), "due": .integer(Int(due))]
                        let arn = try await engine.startExecution(
                            stateMachineArn: machine.stateMachineArn,
                            name: "t\(index)",
                            input: input.serialized
                        ).executionArn
                        if LocalHTTPReceiver.nowMicroseconds() >= due * 1000 { _ = startedLate.take() }
                        started.append(arn)
                    }
                }
            }
            try await group.waitForAll()
        }
        for arn in started.all { _ = try await engine.awaitCompletion(executionArn: arn) }
        let late = startedLate.take()
        if late > 0 { printLine("  (\(late) of \(timers) Wait states were due before their start committed: raise the lead or lower --timers)") }
        return timers
    }

    /// Puts `deliveries` events one at a time, a few random milliseconds apart,
    /// each carrying the time just before its PutEvents.
    func measureRuleDeliveries(_ buses: EventBuses, _ receiver: LocalHTTPReceiver) async throws {
        for index in 0..<deliveries {
            let sent = LocalHTTPReceiver.nowMicroseconds()
            let detail: JSONValue = ["sent": .integer(Int(sent)), "index": .integer(index)]
            _ = try await buses.putEvents([EventEntry(source: "bench.lateness", detailType: "rule", detail: detail.serialized)])
            try await Task.sleep(for: .microseconds(Int.random(in: 1_000...4_000)))
        }
        try await waitForArrivals(receiver, detailType: "rule", count: deliveries)
    }

    /// Runs `taskDeliveries` executions of a Task state that puts an event to the rule.
    func measureTaskDeliveries(_ engine: Engine, _ receiver: LocalHTTPReceiver) async throws {
        let machine = try await engine.createStateMachine(
            name: "bench-task-deliveries",
            definition: """
                {"StartAt": "Put", "States": {"Put": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                  "Parameters": {"Entries": [{"Source": "bench.lateness", "DetailType": "task", "Detail": {"sent.$": "$.sent"}}]},
                  "End": true}}}
                """
        )
        for index in 0..<taskDeliveries {
            let input: JSONValue = ["sent": .integer(Int(LocalHTTPReceiver.nowMicroseconds()))]
            _ = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "d\(index)", input: input.serialized)
            try await Task.sleep(for: .microseconds(Int.random(in: 1_000...4_000)))
        }
        try await waitForArrivals(receiver, detailType: "task", count: taskDeliveries)
    }

    func waitForArrivals(_ receiver: LocalHTTPReceiver, detailType: String, count: Int) async throws {
        // `for … where` would only skip the sleep once they are in, and re-parse every arrival 6,000 times.
        var tries = 0
        while lateness(receiver, detailType: detailType).count < count, tries < 6_000 {
            try await Task.sleep(for: .milliseconds(10))
            tries += 1
        }
    }

    /// Milliseconds from each event's `detail.sent` to its request's arrival.
    func lateness(_ receiver: LocalHTTPReceiver, detailType: String) -> [Double] {
        receiver.arrivals.compactMap { arrival in
            guard let event = try? JSONParser.parse(bytes: arrival.body), event["detail-type"]?.stringValue == detailType,
                let sent = event["detail"]?["sent"]?.integerValue
            else { return nil }
            return Double(arrival.microseconds - Int64(sent)) / 1000
        }
    }

    func report(_ title: String, _ figures: [Double], count: Int) {
        let sorted = figures.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        printLine(
            String(
                format: "%@: %d of %d measured; lateness p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                title,
                sorted.count,
                count,
                percentile(0.5),
                percentile(0.99),
                sorted.last ?? .nan
            )
        )
    }

    /// `2026-01-02T03:04:05.678Z` for a time in milliseconds since the epoch.
    static func isoMilliseconds(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    static func loadAverage() -> String {
        var loads = [Double](repeating: 0, count: 3)
        guard getloadavg(&loads, 3) == 3 else { return "unknown" }
        return loads.map { String(format: "%.2f", $0) }.joined(separator: " ")
    }
}

/// Figures collected by concurrent handlers.
final class Samples: Sendable {
    private let values = Mutex<[Double]>([])
    func append(_ value: Double) { values.withLock { $0.append(value) } }
    var all: [Double] { values.withLock { $0 } }
}

/// Execution ARNs collected by concurrent starters.
final class Names: Sendable {
    private let values = Mutex<[String]>([])
    func append(_ value: String) { values.withLock { $0.append(value) } }
    var all: [String] { values.withLock { $0 } }
}
