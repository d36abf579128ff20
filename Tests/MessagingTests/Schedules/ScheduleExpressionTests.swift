import Foundation
import Messaging
import Testing

/// Milliseconds since the epoch of an ISO 8601 UTC time such as `2026-11-25T13:00:00Z`.
func milliseconds(_ iso: String) -> Int64 {
    let formatter = ISO8601DateFormatter()
    // Force-unwrap: every caller passes a literal in the format above.
    return Int64(formatter.date(from: iso)!.timeIntervalSince1970 * 1000)
}

func iso(_ milliseconds: Int64?) -> String? {
    milliseconds.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval($0) / 1000)) }
}

struct CronCase: Sendable, CustomTestStringConvertible {
    var expression: String
    var after: String
    var next: String?
    var testDescription: String { "\(expression) after \(after)" }
}

@Suite struct ScheduleExpressionTests {
    static let cronCases: [CronCase] = [
        CronCase(expression: "cron(0 12 * * ? *)", after: "2026-11-25T13:00:00Z", next: "2026-11-26T12:00:00Z"),
        CronCase(expression: "cron(0 12 * * ? *)", after: "2026-11-25T11:59:59Z", next: "2026-11-25T12:00:00Z"),
        CronCase(expression: "cron(0 12 * * ? *)", after: "2026-11-25T12:00:00Z", next: "2026-11-26T12:00:00Z"),
        CronCase(expression: "cron(0/15 * * * ? *)", after: "2026-11-25T13:07:30Z", next: "2026-11-25T13:15:00Z"),
        CronCase(expression: "cron(5-50/20 * * * ? *)", after: "2026-11-25T13:45:00Z", next: "2026-11-25T14:05:00Z"),
        CronCase(expression: "cron(*/10 22-23 * * ? *)", after: "2026-12-31T23:55:00Z", next: "2027-01-01T22:00:00Z"),
        CronCase(expression: "cron(0 10 ? * MON-FRI *)", after: "2026-11-27T11:00:00Z", next: "2026-11-30T10:00:00Z"),
        CronCase(expression: "cron(0 10 ? * 2-6 *)", after: "2026-11-27T11:00:00Z", next: "2026-11-30T10:00:00Z"),
        CronCase(expression: "cron(0 8 1,15 * ? *)", after: "2026-11-02T00:00:00Z", next: "2026-11-15T08:00:00Z"),
        CronCase(expression: "cron(0 0 1 JAN,JUL ? *)", after: "2026-02-01T00:00:00Z", next: "2026-07-01T00:00:00Z"),
        // L in day-of-month: the month's last day, leap years included.
        CronCase(expression: "cron(0 0 L * ? *)", after: "2026-02-10T00:00:00Z", next: "2026-02-28T00:00:00Z"),
        CronCase(expression: "cron(0 0 L * ? *)", after: "2028-02-10T00:00:00Z", next: "2028-02-29T00:00:00Z"),
        CronCase(expression: "cron(0 0 L 4 ? *)", after: "2026-01-01T00:00:00Z", next: "2026-04-30T00:00:00Z"),
        // W: the weekday nearest the day, never leaving the month.
        CronCase(expression: "cron(0 9 1W * ? *)", after: "2026-07-31T00:00:00Z", next: "2026-08-03T09:00:00Z"),
        CronCase(expression: "cron(0 9 1W * ? *)", after: "2026-10-31T00:00:00Z", next: "2026-11-02T09:00:00Z"),
        CronCase(expression: "cron(0 9 15W * ? *)", after: "2026-11-01T00:00:00Z", next: "2026-11-16T09:00:00Z"),
        CronCase(expression: "cron(0 9 31W * ? *)", after: "2026-10-01T00:00:00Z", next: "2026-10-30T09:00:00Z"),
        CronCase(expression: "cron(0 9 LW * ? *)", after: "2026-05-01T00:00:00Z", next: "2026-05-29T09:00:00Z"),
        CronCase(expression: "cron(0 9 LW * ? *)", after: "2026-11-01T00:00:00Z", next: "2026-11-30T09:00:00Z"),
        // Day-of-week L, nL and #.
        CronCase(expression: "cron(0 0 ? * 6L *)", after: "2026-11-01T00:00:00Z", next: "2026-11-27T00:00:00Z"),
        CronCase(expression: "cron(0 0 ? * FRIL *)", after: "2026-02-01T00:00:00Z", next: "2026-02-27T00:00:00Z"),
        CronCase(expression: "cron(0 0 ? * L *)", after: "2026-11-25T00:00:00Z", next: "2026-11-28T00:00:00Z"),
        CronCase(expression: "cron(0 0 ? * 3#2 *)", after: "2026-12-01T00:00:00Z", next: "2026-12-08T00:00:00Z"),
        CronCase(expression: "cron(0 0 ? * SUN#5 *)", after: "2026-11-01T00:00:00Z", next: "2026-11-29T00:00:00Z"),
        // Years: a past list ends the schedule.
        CronCase(expression: "cron(0 0 1 1 ? 2027)", after: "2026-06-01T00:00:00Z", next: "2027-01-01T00:00:00Z"),
        CronCase(expression: "cron(0 0 1 1 ? 2027)", after: "2027-01-01T00:00:00Z", next: nil),
        CronCase(expression: "cron(0 0 29 2 ? 2026-2030)", after: "2026-01-01T00:00:00Z", next: "2028-02-29T00:00:00Z"),
    ]

    @Test(arguments: cronCases)
    func cronNextFire(_ example: CronCase) throws {
        let schedule = try ScheduleExpression(parsing: example.expression)
        #expect(iso(schedule.nextFire(after: milliseconds(example.after), start: 0)) == example.next)
    }

    @Test func aRateFiresEveryPeriodFromItsStart() throws {
        let schedule = try ScheduleExpression(parsing: "rate(5 minutes)")
        #expect(schedule == .rate(period: 300_000))
        #expect(schedule.nextFire(after: 1_000, start: 1_000) == 301_000)
        #expect(schedule.nextFire(after: 300_999, start: 1_000) == 301_000)
        #expect(schedule.nextFire(after: 301_000, start: 1_000) == 601_000)
        #expect(try ScheduleExpression(parsing: "rate(1 hour)") == .rate(period: 3_600_000))
        #expect(try ScheduleExpression(parsing: " rate(2 days) ") == .rate(period: 172_800_000))
    }

    @Test func afterAGapOnlyTheLatestMissedFireIsDue() throws {
        let rate = try ScheduleExpression(parsing: "rate(1 hour)")
        let hour: Int64 = 3_600_000
        #expect(rate.latestFire(atOrBefore: 10 * hour + hour / 2, after: hour, start: 0) == 10 * hour)
        #expect(rate.latestFire(atOrBefore: hour + 5, after: hour, start: 0) == nil)
        let cron = try ScheduleExpression(parsing: "cron(0 * * * ? *)")
        let latest = cron.latestFire(
            atOrBefore: milliseconds("2026-11-25T05:30:00Z"), after: milliseconds("2026-11-25T01:00:00Z"), start: 0)
        #expect(iso(latest) == "2026-11-25T05:00:00Z")
    }

    @Test(arguments: [
        ("rate(1 minutes)", "unit"), ("rate(5 minute)", "unit"), ("rate(0 minutes)", "positive"), ("rate(5 weeks)", "unit"),
        ("rate(five minutes)", "positive"), ("cron(0 12 * * * *)", "must be '?'"), ("cron(0 12 ? * ? *)", "both"),
        ("cron(60 * * * ? *)", "minutes: '60'"), ("cron(0 12 * *)", "six fields"), ("cron(0 0 ? * 8 *)", "day-of-week: '8'"),
        ("cron(0 0 ? * MON#6 *)", "day-of-week: '6'"), ("every day", "rate(value unit)"), ("cron(0 0 32 * ? *)", "day-of-month: '32'"),
        ("cron(0 0 1 13 ? *)", "month: '13'"), ("cron(0 0 1 * ? 2200)", "year: '2200'"), ("cron(10-5 * * * ? *)", "backwards"),
        ("cron(0/0 * * * ? *)", "step"),
    ])
    func invalidExpressionsSayWhatIsWrong(_ expression: String, _ reason: String) {
        #expect {
            _ = try ScheduleExpression(parsing: expression)
        } throws: { error in
            guard let error = error as? ScheduleExpressionError else { return false }
            return error.reason.contains(reason) && error.message.hasPrefix("Parameter ScheduleExpression is not valid.")
        }
    }
}
