package import EventLog
import Foundation
import JSON
import LMDB
package import Messaging
import Runtime

extension EventBuses {
    /// Checks `PutRule`'s `EventPattern` and `ScheduleExpression`: at least one,
    /// and a schedule only on the default bus, as EventBridge requires.
    package static func patternOrSchedule(_ definition: RuleDefinition, onDefaultBus: Bool) throws -> (String?, EventPattern?) {
        guard definition.eventPattern != nil || definition.scheduleExpression != nil else {
            throw EngineError(.validation, "Parameter(s) EventPattern or ScheduleExpression must be specified.")
        }
        if let schedule = definition.scheduleExpression {
            guard onDefaultBus else {
                throw EngineError(.validation, "ScheduleExpression is supported only on the default event bus.")
            }
            do { _ = try ScheduleExpression(parsing: schedule) } catch { throw EngineError(.validation, error.message) }
        }
        guard let text = definition.eventPattern else { return (nil, nil) }
        do { return (text, try EventPattern(parsing: text)) } catch {
            throw EngineError(EngineError.Code(rawValue: error.code.rawValue), error.message)
        }
    }

    package nonisolated var archiveIndex: IndexDatabases? { log.databases(ofIndex: EventArchiveIndex().name) }

    /// An enabled rule with a schedule, and where its schedule stands.
    package struct ScheduledRule {
        package var bus: String
        package var name: String
        package var arn: String?
        package var schedule: ScheduleExpression
        /// When the rule got its schedule (fires count from there), and the last fire committed.
        package var start: Int64
        package var last: Int64
    }

    /// The enabled rules whose schedule parses and has a row in ``EventArchiveIndex``.
    package nonisolated func scheduledRules() throws -> [ScheduledRule] {
        guard let index = archiveIndex else { return [] }
        let schedules = index[EventArchiveIndex.DB.schedules.rawValue]
        var found: [ScheduledRule] = []
        for rule in try values(in: .rules) where rule["ScheduleExpression"] != nil && rule["State"] == "ENABLED" {
            guard let bus = rule["EventBusName"]?.stringValue, let name = rule["Name"]?.stringValue,
                let text = rule["ScheduleExpression"]?.stringValue, let schedule = try? ScheduleExpression(parsing: text),
                let row = try log.read({ try $0.jsonValue(forKey: EventArchiveIndex.scheduleKey(bus, name), in: schedules) })
            else { continue }
            found.append(
                ScheduledRule(
                    bus: bus, name: name, arn: rule["Arn"]?.stringValue, schedule: schedule,
                    start: Int64(row["start"]?.integerValue ?? 0), last: Int64(row["last"]?.integerValue ?? 0)))
        }
        return found
    }

    /// Fires every enabled scheduled rule that is due, once each.
    ///
    /// A fire is an ``EventArchiveRecordKind/scheduleFired`` record and the
    /// event it causes, accepted in one transaction and delivered to the rule's
    /// targets only: `source` `aws.events`, `detail-type` `Scheduled Event`,
    /// `resources` the rule's ARN, `time` the scheduled minute, `detail` `{}`.
    /// After a pause (the server was down), the fires missed are not all sent:
    /// only the latest one that is due, then the schedule goes on, as
    /// EventBridge does not queue up missed invocations of a rule.
    /// Returns how many rules fired.
    @discardableResult
    public func fireDueSchedules() async throws -> Int {
        guard let index = archiveIndex else { return 0 }
        let time = now()
        var fired = 0
        for rule in try scheduledRules() {
            let (bus, name, last) = (rule.bus, rule.name, rule.last)
            guard let arn = rule.arn, let due = rule.schedule.latestFire(atOrBefore: time, after: last, start: rule.start) else { continue }
            let key = EventArchiveIndex.scheduleKey(bus, name)
            let scope = scopedName(bus).scope
            let event: JSONValue = [
                "version": "0", "id": .string(UUID().uuidString.lowercased()), "detail-type": "Scheduled Event",
                "source": "aws.events", "account": .string(scope.account), "time": .string(Self.isoTime(due)),
                "region": .string(scope.region), "resources": [.string(arn)], "detail": [:],
            ]
            var records: [(RecordKind, JSONValue)] = [
                (
                    EventArchiveRecordKind.scheduleFired,
                    ["bus": .string(bus), "rule": .string(name), "arn": .string(arn), "scheduled": .integer(Int(due)), "time": .integer(Int(time))]
                )
            ]
            var deliveries: [EventDelivery] = []
            route(event, on: bus, at: time, hops: 0, records: &records, deliveries: &deliveries, ruleNames: [name])
            // The last fire is checked again in the writer's transaction, so two
            // callers that both saw this fire due cannot both commit it.
            let database = index[EventArchiveIndex.DB.schedules.rawValue]
            let batch = records.map { Record(kind: $0.0, timestamp: time * 1000, payload: $0.1.bytes) }
            let committed = try await log.transact(about: arn) { append in
                guard try append.transaction.jsonValue(forKey: key, in: database)?["last"]?.integerValue == Int(last) else { return false }
                for record in batch { try append.append(record) }
                return true
            }
            guard committed else { continue }
            fired += 1
        }
        return fired
    }
}
