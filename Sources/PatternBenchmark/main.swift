// PatternBenchmark: events matched per second against all rules of the shared
// media workload, on one thread, with the peers' figures from the workload README.
//
//     swift run -c release PatternBenchmark [--workload DIR] [--only full|no-numeric] [--runs N] [--sample N]
//
// Without --workload it runs ../shared/conformance/gen_pattern_workload.py into a
// temporary directory (full and --no-numeric variants; the events are the same).

import JSON
import Messaging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Options {
    var workload: String?
    var variants = ["full", "no-numeric"]
    var runs = 3
    var sample = 1000

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--workload": workload = iterator.next()
            case "--only": variants = [iterator.next() ?? "full"]
            case "--runs": runs = Int(iterator.next() ?? "") ?? runs
            case "--sample": sample = Int(iterator.next() ?? "") ?? sample
            default:
                print("usage: PatternBenchmark [--workload DIR] [--only full|no-numeric] [--runs N] [--sample N]")
                exit(2)
            }
        }
    }
}

/// Peers measured on this machine by the workload README (events/s, one thread).
let peers: [(name: String, variant: String, eventsPerSecond: Double)] = [
    ("quamina HEAD (Go)", "no-numeric", 7_915),
    ("quamina v1.5.1 (Go)", "no-numeric", 6_286),
    ("moto 5.2.5 EventPattern", "full", 50.8),
    ("moto 5.2.5 EventPattern", "no-numeric", 52.8),
    ("LocalStack event_rule_engine", "full", 35.3),
    ("LocalStack event_rule_engine", "no-numeric", 35.7),
]

func fail(_ message: String) -> Never {
    print("PatternBenchmark: \(message)")
    exit(1)
}

func readLines(_ path: String) -> [String] {
    guard let handle = fopen(path, "rb") else { fail("cannot open \(path)") }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let count = fread(&buffer, 1, buffer.count, handle)
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return bytes.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
}

func now(_ clock: clockid_t = CLOCK_MONOTONIC) -> Double {
    var time = timespec()
    clock_gettime(clock, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func generate(into directory: String, noNumeric: Bool) {
    let script = "../shared/conformance/gen_pattern_workload.py"
    guard access(script, R_OK) == 0 else { fail("\(script) not found (run from the repository root, with shared/ beside it)") }
    let command = "python3 \(script) --out '\(directory)'\(noNumeric ? " --no-numeric" : "") > /dev/null"
    guard system(command) == 0 else { fail("\(command) failed") }
}

func formatted(_ value: Double) -> String {
    let rounded = Int(value.rounded())
    var digits = String(rounded)
    var groups: [String] = []
    while digits.count > 3 {
        groups.insert(String(digits.suffix(3)), at: 0)
        digits.removeLast(3)
    }
    groups.insert(digits, at: 0)
    return groups.joined(separator: ",")
}

func decimal(_ value: Double, places: Int) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = scaled / Int(scale)
    let fraction = String(scaled % Int(scale))
    return "\(whole).\(String(repeating: "0", count: places - fraction.count))\(fraction)"
}

func loadAverage() -> String {
    var loads = [Double](repeating: 0, count: 3)
    guard getloadavg(&loads, 3) == 3 else { return "unknown" }
    return loads.map { decimal($0, places: 2) }.joined(separator: " ")
}

let options = Options(CommandLine.arguments)
var temporary: String?
if options.workload == nil {
    var template = Array("/tmp/pattern-workload-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { fail("cannot create a temporary directory") }
    temporary = String(cString: made)
}

for variant in options.variants {
    let directory: String
    if let workload = options.workload {
        directory = workload
    } else {
        directory = temporary! + "/" + variant  // set just above when --workload is absent
        print("Generating the \(variant) workload in \(directory) …")
        generate(into: directory, noNumeric: variant == "no-numeric")
    }

    var matcher = RuleMatcher()
    var patterns: [(name: String, pattern: EventPattern)] = []
    var refused = 0
    for line in readLines(directory + "/rules.jsonl") {
        guard let rule = try? JSONParser.parse(line), let name = rule["name"]?.stringValue, let pattern = rule["pattern"] else { continue }
        do {
            let compiled = try EventPattern(parsing: pattern.serialized)
            matcher.add(rule: name, pattern: compiled)
            patterns.append((name, compiled))
        } catch {
            refused += 1
            print("  rule \(name) refused: \(error)")
        }
    }
    let events = readLines(directory + "/events.jsonl")
    print("Workload \(variant): \(matcher.count) rules loaded (\(refused) refused), \(events.count) events")

    // Correctness: the index against one-pattern-at-a-time evaluation on a sample.
    var scratch = RuleMatcher.Scratch()
    var sampleMatches = 0
    var disagreements = 0
    for text in events.prefix(options.sample) {
        let indexed = Set((try? matcher.matches(eventJSON: text, scratch: &scratch)) ?? [])
        guard let event = try? JSONParser.parse(text) else { fail("event is not JSON: \(text.prefix(80))") }
        let flattened = FlattenedEvent(event)
        let naive = Set(patterns.filter { $0.pattern.matches(flattened) }.map(\.name))
        sampleMatches += naive.count
        if indexed != naive { disagreements += 1 }
    }
    print(
        "  check: first \(min(options.sample, events.count)) events, naive evaluation finds \(formatted(Double(sampleMatches))) matches; "
            + "the index agrees on \(min(options.sample, events.count) - disagreements), disagrees on \(disagreements)"
    )
    if disagreements > 0 { fail("the index and the naive evaluation disagree") }

    // Throughput: every event against all rules, JSON scanning included, one thread.
    // Wall-clock rate, and the rate by this thread's CPU time: on a shared machine
    // the second says what one core does when the thread is not waiting for it.
    var rates: [Double] = []
    var cpuRates: [Double] = []
    var totalMatches = 0
    for _ in 0..<options.runs {
        totalMatches = 0
        let start = now()
        let cpuStart = now(CLOCK_THREAD_CPUTIME_ID)
        for text in events {
            totalMatches += (try? matcher.matches(eventJSON: text, scratch: &scratch))?.count ?? 0
        }
        cpuRates.append(Double(events.count) / (now(CLOCK_THREAD_CPUTIME_ID) - cpuStart))
        rates.append(Double(events.count) / (now() - start))
    }
    rates.sort()
    cpuRates.sort()
    let median = rates[rates.count / 2]
    let cpuMedian = cpuRates[cpuRates.count / 2]
    print(
        "  \(formatted(median)) events/s on one thread, wall clock (median of \(options.runs); min \(formatted(rates.first!)), max \(formatted(rates.last!)))"
    )
    print("  \(formatted(cpuMedian)) events/s by the thread's CPU time (median of \(options.runs))")
    print(
        "  \(formatted(Double(totalMatches))) matches, \(decimal(Double(totalMatches) / Double(max(events.count, 1)), places: 2)) per event; "
            + "load average when done: \(loadAverage())"
    )
    for peer in peers where peer.variant == variant {
        print(
            "  vs \(peer.name) (\(formatted(peer.eventsPerSecond)) events/s): \(decimal(median / peer.eventsPerSecond, places: 1))x wall clock, "
                + "\(decimal(cpuMedian / peer.eventsPerSecond, places: 1))x CPU time"
        )
    }
    if options.workload != nil { break }
}

if let temporary { _ = system("rm -rf '\(temporary)'") }
