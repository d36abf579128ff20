// ASLBenchmark: state transitions per second through the pure States Language
// core (decide + apply in one step, no log, no I/O), on one thread.
//
//     swift run -c release ASLBenchmark
//
// A transition is one state entered (and, except for Fail, exited), i.e. one
// `<Type>StateEntered` event.

import JSON
import StatesLanguage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU time of this thread, in seconds: on a shared machine wall time also
/// counts other processes, so the one-core figure is CPU-time based.
func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

struct Workload {
    var name: String
    var definition: String
    var input: JSONValue
    /// Executions per measured round.
    var executions: Int
    var historyEventLimit = 25_000
}

func passChain(_ count: Int) -> String {
    var states: [String] = []
    for index in 0..<count {
        let next = index == count - 1 ? #""End":true"# : #""Next":"P\#(index + 1)""#
        states.append(#""P\#(index)":{"Type":"Pass",\#(next)}"#)
    }
    return #"{"StartAt":"P0","States":{\#(states.joined(separator: ","))}}"#
}

let choiceHeavy = #"""
    {"StartAt":"Init","States":{
      "Init":{"Type":"Pass","Result":{"n":0,"kind":"order","total":120},"Next":"Route"},
      "Route":{"Type":"Choice","Choices":[
          {"And":[{"Variable":"$.kind","StringEquals":"order"},{"Variable":"$.total","NumericGreaterThan":100}],"Next":"Count"},
          {"Variable":"$.kind","StringEquals":"refund","Next":"Done"}],
        "Default":"Done"},
      "Count":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)","kind.$":"$.kind","total.$":"$.total"},"Next":"Check"},
      "Check":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericLessThan":50,"Next":"Route"}],"Default":"Done"},
      "Done":{"Type":"Succeed"}}}
    """#

let mapOverItems = #"""
    {"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items","End":true,
      "ItemProcessor":{"StartAt":"Touch","States":{"Touch":{"Type":"Pass","End":true}}}}}}
    """#

let workloads = [
    Workload(name: "10-Pass chain", definition: passChain(10), input: ["order": 1, "items": ["a", "b"]], executions: 20_000),
    Workload(name: "Choice-heavy loop (50 rounds)", definition: choiceHeavy, input: [:], executions: 500),
    Workload(
        name: "Map over 10,000 items",
        definition: mapOverItems,
        input: ["items": .array((0..<10_000).map { .integer($0) })],
        executions: 3,
        historyEventLimit: 100_000
    ),
]

let clock = ContinuousClock()
print("ASL core benchmark (decide + apply, one thread)")
for workload in workloads {
    guard let definition = StateMachineDefinition.parse(workload.definition).definition else {
        print("\(workload.name): invalid definition")
        continue
    }
    let start = ExecutionStart(
        input: workload.input,
        executionArn: "arn:aws:states:us-east-1:1:execution:bench:e",
        executionName: "e",
        stateMachineArn: "arn:aws:states:us-east-1:1:stateMachine:bench",
        stateMachineName: "bench",
        roleArn: "role"
    )
    func runOnce(_ execution: Int) -> [HistoryEvent] {
        var state = ExecutionState(definition: definition)
        state.historyEventLimit = workload.historyEventLimit
        let command = ExecutionCommand(
            now: Timestamp(millisecondsSinceEpoch: 1_700_000_000_000),
            entropy: UInt64(execution),
            .start(start)
        )
        guard let produced = try? state.handle(command), state.status == .succeeded else {
            fatalError("benchmark execution did not succeed: \(state.status) \(state.error ?? "") \(state.cause ?? "")")
        }
        return produced
    }
    // Count once, outside the timed loop: every execution produces the same events.
    let sample = runOnce(0)
    let transitionsPerExecution = sample.filter { if case .stateEntered = $0.details { true } else { false } }.count
    let transitions = transitionsPerExecution * workload.executions
    let events = sample.count * workload.executions
    var best = Double.infinity
    var bestCPU = Double.infinity
    for _ in 0..<3 {
        var produced = 0
        let cpuStart = threadCPUSeconds()
        let elapsed = clock.measure {
            for execution in 0..<workload.executions { produced &+= runOnce(execution).count }
        }
        bestCPU = min(bestCPU, threadCPUSeconds() - cpuStart)
        precondition(produced == events)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        best = min(best, seconds)
    }
    print(
        "\(workload.name): \(transitions) transitions, \(events) events; "
            + "CPU \(format3(bestCPU)) s = \(Int(Double(transitions) / bestCPU)) transitions/s "
            + "(\(Int(Double(events) / bestCPU)) events/s); wall \(format3(best)) s = \(Int(Double(transitions) / best)) transitions/s"
    )
}

func format3(_ value: Double) -> String {
    let scaled = (value * 1000).rounded() / 1000
    return "\(scaled)"
}
