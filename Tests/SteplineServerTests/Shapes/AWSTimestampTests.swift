import JSON
import SteplineServer
import Testing

@Suite("Epoch-second timestamps")
struct AWSTimestampTests {
    @Test("whole seconds are written as integers, milliseconds as fractions")
    func writesEpochSeconds() {
        #expect(AWSTimestamp(millisecondsSinceEpoch: 1_700_000_000_000).jsonValue == .integer(1_700_000_000))
        #expect(AWSTimestamp(millisecondsSinceEpoch: 1_700_000_000_123).jsonValue == .double(1_700_000_000.123))
    }

    @Test("numbers read back to the millisecond", arguments: [Int64(0), 1_700_000_000_123, 1_700_000_000_999, -1_500])
    func roundTrip(milliseconds: Int64) {
        let timestamp = AWSTimestamp(millisecondsSinceEpoch: milliseconds)
        #expect(AWSTimestamp(json: timestamp.jsonValue) == timestamp)
    }

    @Test("strings and other non-numbers are not timestamps")
    func refusesNonNumbers() {
        #expect(AWSTimestamp(json: "2023-11-14T22:13:20Z") == nil)
        #expect(AWSTimestamp(json: .null) == nil)
        #expect(AWSTimestamp(json: .double(.infinity)) == nil)
    }
}
