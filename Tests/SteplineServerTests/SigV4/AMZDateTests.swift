import SteplineServer
import Testing

@Suite("X-Amz-Date timestamps")
struct AMZDateTests {
    @Test(
        "a date parses to its seconds since the epoch and prints back the same",
        arguments: [
            ("19700101T000000Z", Int64(0)),
            ("20150830T123600Z", Int64(1_440_938_160)),
            ("20240229T235959Z", Int64(1_709_251_199)),
            ("19691231T235959Z", Int64(-1)),
            ("21000301T000000Z", Int64(4_107_542_400)),
        ]
    )
    func roundTrip(text: String, seconds: Int64) throws {
        let date = try #require(AMZDate(text))
        #expect(date.secondsSinceEpoch == seconds)
        #expect(date.description == text)
        #expect(date.day == String(text.prefix(8)))
    }

    @Test(
        "malformed or impossible dates are refused",
        arguments: ["", "20150830T123600", "2015-08-30T12:36:00Z", "20150230T000000Z", "20230229T000000Z", "20150830T246000Z", "2015083OT123600Z"]
    )
    func refusesMalformed(text: String) {
        #expect(AMZDate(text) == nil)
    }
}
