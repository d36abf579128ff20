// Measures JSON parse and serialize throughput against Foundation's
// JSONSerialization on the same bytes, in the same run.
//
//     swift run -c release JSONBenchmark
//
// Two inputs, both generated here so the run needs no files: a typical ASL
// state input (an event of about 1.5 KB) and a large document (about 8 MB of
// records). Each measurement repeats the operation for about 0.3 s and
// reports the best of five such rounds. Times are CPU time of the measuring
// thread, so a busy shared machine slows the figures less. Figures are MB/s of JSON text (parse: bytes read; serialize: bytes
// written by our serializer), so the two libraries are compared on equal work.

import Foundation
import JSON

/// A deterministic generator, so every run measures the same document.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

func typicalPayload() -> String {
    #"""
    {"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"Object Created",
     "source":"aws.s3","account":"111122223333","time":"2026-11-25T14:13:27Z","region":"eu-west-1",
     "resources":["arn:aws:s3:::media-ingest"],
     "detail":{"version":"0","bucket":{"name":"media-ingest"},
       "object":{"key":"partners/acme/2026/11/25/clip-0042.mov","size":734003200,"etag":"d41d8cd98f00b204e9800998ecf8427e",
         "sequencer":"0062E99A88DC407460"},
       "request-id":"N4N7GDK58NMKJ12R","requester":"123456789012","source-ip-address":"1.2.3.4",
       "reason":"PutObject"},
     "partner":{"id":"acme","name":"ACME Pictures \u00e9t\u00e9","tier":3,"sla":{"hours":24,"priority":0.75},
       "contacts":[{"name":"Ops","email":"ops@acme.example"},{"name":"Legal","email":"legal@acme.example"}]},
     "renditions":[{"height":2160,"bitrate":16.5,"codec":"h265"},{"height":1080,"bitrate":6.0,"codec":"h264"},
       {"height":720,"bitrate":3.2,"codec":"h264"},{"height":480,"bitrate":1.5,"codec":"h264"}],
     "review":{"required":true,"reviewers":["ana","bo","chen"],"notes":"Check \"intro\" credits\nand subtitles."},
     "attempt":1,"tags":{"genre":"documentary","language":"fr","rating":null,"explicit":false}}
    """#
}

func largeDocument(records: Int) -> String {
    var random = SplitMix64(state: 42)
    let words = ["alpha", "bravo", "charlie", "delta", "écho", "foxtrot", "golf", "hôtel", "india", "juliett", "kilo", "lima"]
    var out = "["
    for index in 0..<records {
        if index > 0 { out += "," }
        let name = (0..<3).map { _ in words[random.below(words.count)] }.joined(separator: " ")
        let price = Double(random.below(1_000_000)) / 100
        let tags = (0..<random.below(5)).map { _ in "\"\(words[random.below(words.count)])\"" }.joined(separator: ",")
        out += #"{"id":\#(index),"name":"\#(name)","price":\#(price),"quantity":\#(random.below(1000)),"#
        out += #""active":\#(random.below(2) == 0),"ratio":\#(Double(random.below(1 << 20)) / Double(1 << 20)),"#
        out += #""tags":[\#(tags)],"owner":{"id":"u\#(random.below(100_000))","email":"user\#(index)@example.com","#
        out += #""note":"line one\nline \"two\"\t\#(random.below(10))"},"parent":null}"#
    }
    return out + "]"
}

struct Measurement {
    let megabytesPerSecond: Double
}

/// CPU time of this thread, in seconds. On a shared machine wall time mostly
/// measures the neighbours; CPU time measures the work.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Best of five rounds, each repeating `body` for about 0.3 s of CPU time.
func measure(bytes: Int, _ body: () throws -> Void) rethrows -> Measurement {
    var best = 0.0
    for _ in 0..<5 {
        var iterations = 0
        let start = threadCPUSeconds()
        var elapsed = 0.0
        repeat {
            try body()
            iterations += 1
            elapsed = threadCPUSeconds() - start
        } while elapsed < 0.3
        best = max(best, Double(bytes) * Double(iterations) / elapsed / 1_000_000)
    }
    return Measurement(megabytesPerSecond: best)
}

func format(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return String(rounded)
}

func run(name: String, text: String) throws {
    let bytes = Array(text.utf8)
    let data = Data(bytes)
    let value = try JSONParser.parse(bytes: bytes)
    let serializedCount = value.serialized.utf8.count
    let foundationObject = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])

    let parse = try measure(bytes: bytes.count) { _ = try JSONParser.parse(bytes: bytes) }
    let foundationParse = try measure(bytes: bytes.count) {
        _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }
    let serialize = measure(bytes: serializedCount) { _ = value.serialized }
    let foundationSerialize = try measure(bytes: serializedCount) {
        _ = try JSONSerialization.data(withJSONObject: foundationObject, options: [.fragmentsAllowed])
    }

    print("\(name) (\(bytes.count) bytes)")
    print(
        "  parse      JSON \(format(parse.megabytesPerSecond)) MB/s   Foundation \(format(foundationParse.megabytesPerSecond)) MB/s   ratio \(format(parse.megabytesPerSecond / foundationParse.megabytesPerSecond))x"
    )
    print(
        "  serialize  JSON \(format(serialize.megabytesPerSecond)) MB/s   Foundation \(format(foundationSerialize.megabytesPerSecond)) MB/s   ratio \(format(serialize.megabytesPerSecond / foundationSerialize.megabytesPerSecond))x"
    )
}

/// `JSONBenchmark [typical|large] [--profile-parse|--profile-serialize]`: the
/// profile flags run only our side, a fixed number of rounds (about 100 MB of
/// JSON), for `perf record` or `perf stat` (instruction counts are steadier than
/// times on a busy machine).
let arguments = CommandLine.arguments.dropFirst()
let inputs = [
    ("typical", "typical ASL payload", typicalPayload), ("large", "large document", { largeDocument(records: 40_000) }),
]
for (key, name, make) in inputs where arguments.contains(key) || !arguments.contains(where: { !$0.hasPrefix("--") }) {
    let text = make()
    if arguments.contains("--profile-parse") || arguments.contains("--profile-serialize") {
        let bytes = Array(text.utf8)
        let value = try JSONParser.parse(bytes: bytes)
        let rounds = max(1, 100_000_000 / bytes.count)
        let start = threadCPUSeconds()
        for _ in 0..<rounds {
            if arguments.contains("--profile-parse") { _ = try JSONParser.parse(bytes: bytes) } else { _ = value.serialized }
        }
        let megabytes = Double(bytes.count * rounds) / 1_000_000
        print("\(name): \(rounds) rounds, \(format(megabytes / (threadCPUSeconds() - start))) MB/s")
    } else {
        try run(name: name, text: text)
    }
}
