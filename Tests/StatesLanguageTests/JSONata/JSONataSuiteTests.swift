import Foundation
import JSON
import StatesLanguage
import Testing

/// The official JSONata test suite through the embedded runner, with a floor that only
/// goes up. `JSONATA_SUITE_ONLY=group/,group2/` runs some groups;
/// `JSONATA_SUITE_FAILURES=FILE` writes every non-passing case with its answer.
@Suite struct JSONataSuiteTests {
    /// Applicable cases passing; raise it as the score rises, never lower it.
    static let floor = 1_378

    @Test func officialSuiteCasesPassAsStepFunctionsStates() throws {
        let environment = ProcessInfo.processInfo.environment
        let only = environment["JSONATA_SUITE_ONLY"].map { $0.split(separator: ",").map(String.init) } ?? []
        guard let cases = try JSONataSuite.load(only: only) else {
            print("JSONata suite: skipped, no suite at \(JSONataSuite.directory.path)")
            return
        }
        var passed = 0
        var notApplicable = 0
        var failures: [(JSONataSuite.Case, JSONataSuite.Outcome)] = []
        var byGroup: [String: (passed: Int, failed: Int)] = [:]
        for testCase in cases {
            if testCase.notApplicable != nil {
                notApplicable += 1
                continue
            }
            let outcome = JSONataSuite.outcome(of: testCase)
            if JSONataSuite.passes(testCase, outcome) {
                passed += 1
                byGroup[testCase.group, default: (0, 0)].passed += 1
            } else {
                failures.append((testCase, outcome))
                byGroup[testCase.group, default: (0, 0)].failed += 1
            }
        }
        let applicable = passed + failures.count
        let percent = applicable == 0 ? 0 : Double(passed) * 100 / Double(applicable)
        if !only.isEmpty {
            for (group, score) in byGroup.sorted(by: { $0.key < $1.key }) {
                print("  \(group): \(score.passed) passed, \(score.failed) failed")
            }
        }
        print(
            "JSONata suite (embedded): \(passed) of \(applicable) applicable cases "
                + "(\(String(format: "%.1f", percent))%), \(notApplicable) not applicable"
        )
        print("JSONata suite: \(passed) passed, \(failures.count) failed")
        if let path = environment["JSONATA_SUITE_FAILURES"] {
            var report = "# JSONata suite: \(passed) passed, \(failures.count) failed\n\n"
            for (testCase, outcome) in failures {
                report += "## \(testCase.id)\n\n```\n\(testCase.expression)\n```\n\n"
                report += "expected: \(testCase.expectation)\n\ngot: \(outcome.text)\n\n"
            }
            try report.write(toFile: path, atomically: true, encoding: .utf8)
        }
        if only.isEmpty {
            #expect(passed >= Self.floor, "the JSONata suite score fell below its floor")
        }
    }
}
