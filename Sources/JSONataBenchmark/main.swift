// JSONataBenchmark: JSONata evaluations per second on one thread, over the
// official JSONata suite and over a typical media-workflow Output template.
//
//     swift run -c release JSONataBenchmark [--suite DIR] [--refcheck FILE] [--rounds N] [--cases FILE] [--export DIR]
//
// Every expression is parsed once; the timed loop only evaluates. A suite case
// counts when Step Functions can pose it (refcheck.jsonl), Stepline parses it
// and one evaluation takes under 20 ms (deep recursion and huge ranges would
// measure themselves, not the evaluator); `--cases FILE` narrows them to the
// ids listed. Each is evaluated `--rounds` times per measured pass, errors
// included (an error is an evaluation too).
//
// `--export DIR` only writes the case ids (`cases.txt`) and the media
// template with its input (`media.json`) and exits: tools/bench-jsonata keeps
// the cases the reference implementation also runs quickly and measures both
// on exactly that workload.

import Foundation
import JSON
import StatesLanguage

struct Options {
    var suite = "../shared/conformance/jsonata/suite"
    var refcheck: String? = "../shared/conformance/jsonata/refcheck.jsonl"
    var rounds = 20
    var export: String?
    var cases: String?

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--suite": suite = iterator.next() ?? suite
            case "--refcheck": refcheck = iterator.next()
            case "--rounds": rounds = Int(iterator.next() ?? "") ?? rounds
            case "--export": export = iterator.next()
            case "--cases": cases = iterator.next()
            default:
                print("usage: JSONataBenchmark [--suite DIR] [--refcheck FILE] [--rounds N] [--cases FILE] [--export DIR]")
                exit(2)
            }
        }
    }
}

struct Case {
    var id: String
    var expression: JSONataExpression
    var input: JSONValue?
    var bindings: [String: JSONValue]
}

/// The media template: what a transcoding workflow's last state outputs.
let mediaTemplate = """
    {
      "jobId": $states.input.job.id,
      "title": $states.input.title & " (" & $uppercase($states.input.job.profile) & ")",
      "duration": $formatNumber($states.input.durationMs / 1000, "#,##0.00") & " s",
      "finishedAt": $fromMillis($states.input.finishedAtMs, "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [Z]", "+0100"),
      "renditions": $map($states.input.renditions, function($r, $i) {
        {
          "index": $i + 1,
          "name": $r.name & "_" & $string($r.height) & "p",
          "bitrate": $formatNumber($r.bitrateKbps, "#,##0") & " kbps",
          "url": "s3://" & $states.input.bucket & "/" & $r.key
        }
      }),
      "totalKbps": $sum($states.input.renditions.bitrateKbps)
    }
    """

let mediaInput: JSONValue = [
    "job": ["id": "job-7f3a", "profile": "abr-hd"],
    "title": "Launch keynote",
    "durationMs": 3_723_456,
    "finishedAtMs": 1_700_000_123_456,
    "bucket": "media-out",
    "renditions": [
        ["name": "1080", "height": 1080, "bitrateKbps": 6000, "key": "keynote/1080.mp4"],
        ["name": "720", "height": 720, "bitrateKbps": 3500, "key": "keynote/720.mp4"],
        ["name": "480", "height": 480, "bitrateKbps": 1500, "key": "keynote/480.mp4"],
        ["name": "360", "height": 360, "bitrateKbps": 800, "key": "keynote/360.mp4"],
    ],
]

func readJSON(_ path: String) -> JSONValue? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    return try? JSONParser.parse(text)
}

/// Case ids Step Functions cannot pose (the reference itself fails them once
/// wrapped) or that need `$eval`, which Step Functions does not have.
func notApplicable(_ refcheck: String?) -> Set<String> {
    guard let refcheck, let text = try? String(contentsOfFile: refcheck, encoding: .utf8) else { return [] }
    var ids: Set<String> = []
    for line in text.split(separator: "\n") {
        guard let record = try? JSONParser.parse(String(line)), let id = record["id"]?.stringValue else { continue }
        if record["wrapped"]?.stringValue != "pass" { ids.insert(id) }
    }
    return ids
}

func loadSuite(_ options: Options) -> [Case] {
    let groups = options.suite + "/groups"
    let skipped = notApplicable(options.refcheck)
    let files = FileManager.default
    var cases: [Case] = []
    for group in ((try? files.contentsOfDirectory(atPath: groups)) ?? []).sorted() {
        for file in ((try? files.contentsOfDirectory(atPath: groups + "/" + group)) ?? []).sorted() where file.hasSuffix(".json") {
            guard let parsed = readJSON(groups + "/" + group + "/" + file) else { continue }
            let stem = "\(group)/\(file.dropLast(5))"
            let entries = parsed.arrayValue.map { $0.enumerated().map { ("\(stem)#\($0.offset)", $0.element) } } ?? [(stem, parsed)]
            for (id, entry) in entries where !skipped.contains(id) {
                let exprFile = entry["expr-file"]?.stringValue.map { groups + "/" + group + "/" + $0 }
                guard let text = entry["expr"]?.stringValue ?? exprFile.flatMap({ try? String(contentsOfFile: $0, encoding: .utf8) }),
                    !text.contains("$eval"),
                    let expression = try? JSONataExpression(text)
                else { continue }
                var input = entry["data"]
                if input == nil, let dataset = entry["dataset"]?.stringValue {
                    input = readJSON(options.suite + "/datasets/\(dataset).json")
                }
                var bindings: [String: JSONValue] = [:]
                for (key, value) in entry["bindings"]?.objectValue?.entries.map({ ($0, $1) }) ?? [] { bindings[key] = value }
                cases.append(Case(id: id, expression: expression, input: input, bindings: bindings))
            }
        }
    }
    return cases
}

let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

@inline(never)
func evaluate(_ suiteCase: Case) -> Bool {
    var random = SplitMix64(seed: 1)
    return (try? suiteCase.expression.evaluate(input: suiteCase.input, variables: suiteCase.bindings, now: now, random: &random)) != nil
}

/// Best-of-three wall time, in seconds, of `body`.
func bestOfThree(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    var best = Double.infinity
    for _ in 0..<3 {
        let elapsed = clock.measure(body)
        best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return best
}

let options = Options(CommandLine.arguments)
var cases = loadSuite(options)
if let list = options.cases {
    let wanted = Set(((try? String(contentsOfFile: list, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init))
    cases = cases.filter { wanted.contains($0.id) }
} else {
    let warmClock = ContinuousClock()
    cases = cases.filter { suiteCase in warmClock.measure { _ = evaluate(suiteCase) } < .milliseconds(20) }
}
if let export = options.export {
    do {
        try cases.map(\.id).joined(separator: "\n").write(toFile: export + "/cases.txt", atomically: true, encoding: .utf8)
        let media: JSONValue = ["template": .string(mediaTemplate), "input": mediaInput]
        try media.serialized.write(toFile: export + "/media.json", atomically: true, encoding: .utf8)
    } catch {
        print("cannot write to \(export): \(error)")
        exit(1)
    }
    print("exported \(cases.count) cases and the media template to \(export)")
    exit(0)
}
print("JSONata benchmark (parse once, evaluate many times, one thread, best of 3)")
var sink = 0
let suiteSeconds = bestOfThree {
    for _ in 0..<options.rounds {
        for suiteCase in cases where evaluate(suiteCase) { sink &+= 1 }
    }
}
let suiteEvaluations = cases.count * options.rounds
print("suite: \(cases.count) cases x \(options.rounds) rounds in \(suiteSeconds) s")
print("RESULT suite \(Int(Double(suiteEvaluations) / suiteSeconds)) evaluations/s")

guard let template = try? JSONataExpression(mediaTemplate) else {
    print("the media template does not parse")
    exit(1)
}
let templateCase = Case(id: "media", expression: template, input: nil, bindings: ["states": ["input": mediaInput]])
var sample = SplitMix64(seed: 1)
if let output = try? template.evaluate(input: nil, variables: templateCase.bindings, now: now, random: &sample) {
    print("media template output: \(output.serialized)")
}
let templateEvaluations = 20_000
let templateSeconds = bestOfThree {
    for _ in 0..<templateEvaluations where evaluate(templateCase) { sink &+= 1 }
}
print("media template: \(templateEvaluations) evaluations in \(templateSeconds) s")
print("RESULT media \(Int(Double(templateEvaluations) / templateSeconds)) evaluations/s")
if sink == 42 { print("") }  // Keeps the evaluations observable to the optimiser.
