import JSON
import Queues
import Runtime

extension PipeService {
    /// Ensures every bus source's internal queue and rule exist as the pipes declare
    /// them; returns how many resources it created or changed.
    ///
    /// The rule (`pipe-NAME` on the source bus, the pipe's pattern) has one target,
    /// the internal queue, which EventBuses fills in the transaction that accepts an
    /// event, so the queue holds each matching event exactly once and the pipe's
    /// receive, retry and delete work as for any queue. It goes through
    /// ``EventResources/apply(to:queues:source:)``, so an unchanged pipe writes
    /// nothing on restart.
    /// - Throws: ``EventResourcesError`` naming `source`, the rule or queue and what
    ///   was refused (a bus that does not exist, no buses given).
    @discardableResult
    public func deploySources(source: String) async throws -> Int {
        var resources = EventResources()
        for pipe in pipes {
            guard case .bus(let bus, let pattern) = pipe.source else { continue }
            let queue = pipe.sourceQueue
            resources.queues.append(EventResources.QueueDeclaration(name: queue, attributes: [:]))
            resources.rules.append(
                EventResources.RuleDeclaration(
                    definition: EventResources.RuleFields(
                        name: "pipe-\(pipe.name)", bus: bus, eventPattern: pattern, scheduleExpression: nil,
                        state: "ENABLED", description: "Source of pipe \(pipe.name)"),
                    targets: [["Id": "pipe-source", "Arn": .string(queues.arn(ofQueue: queue))]]))
        }
        guard !resources.rules.isEmpty else { return 0 }
        guard let buses else {
            throw EventResourcesError("\(source): pipes with bus sources need the event buses")
        }
        return try await resources.apply(to: buses, queues: queues, source: source)
    }
}
