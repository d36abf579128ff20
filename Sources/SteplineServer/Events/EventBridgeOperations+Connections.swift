import EventBuses
import JSON
import Workflows

extension EventBridgeOperations {
    /// `CreateConnection`, `DescribeConnection`, `ListConnections`, `DeleteConnection`,
    /// `CreateApiDestination`, `DescribeApiDestination`, `ListApiDestinations` and
    /// `DeleteApiDestination`, with AWS's member names; times in seconds.
    static func registerConnections(in table: inout AWSOperationTable, buses: EventBuses, tokens: PaginationTokenCodec) {
        table.register("CreateConnection") { input, _ async throws(AWSError) in
            let definition = ConnectionDefinition(
                name: try input.requiredString("Name", length: 1...64),
                description: try input.string("Description", length: 0...512),
                authorizationType: try input.requiredString("AuthorizationType"),
                authParameters: input.value("AuthParameters") ?? [:]
            )
            let connection = try await AWSService.events.call { try await buses.createConnection(definition) }
            return timesInSeconds(connection, keeping: ["ConnectionArn", "ConnectionState", "CreationTime", "LastModifiedTime"])
        }
        table.register("DescribeConnection") { input, _ async throws(AWSError) in
            let name = try input.requiredString("Name", length: 1...64)
            return timesInSeconds(try await AWSService.events.call { try buses.describeConnection(name: name) })
        }
        table.register("ListConnections") { input, _ async throws(AWSError) in
            let prefix = try input.string("NamePrefix", length: 1...64)
            let state = try input.string("ConnectionState")
            let page = try limitPage(input, tokens, scope: "ListConnections \(prefix ?? "") \(state ?? "")")
            let all = try await AWSService.events.call { try buses.listConnections(namePrefix: prefix) }.filter {
                state == nil || $0["ConnectionState"]?.stringValue == state
            }
            let listed = all.map {
                timesInSeconds(
                    $0,
                    keeping: [
                        "ConnectionArn", "Name", "ConnectionState", "AuthorizationType", "CreationTime", "LastModifiedTime",
                        "LastAuthorizedTime",
                    ]
                )
            }
            return paged(listed, key: "Connections", by: "Name", page)
        }
        table.register("DeleteConnection") { input, _ async throws(AWSError) in
            let name = try input.requiredString("Name", length: 1...64)
            let connection = try await AWSService.events.call { try await buses.deleteConnection(name: name) }
            return timesInSeconds(
                connection,
                keeping: ["ConnectionArn", "ConnectionState", "CreationTime", "LastModifiedTime", "LastAuthorizedTime"]
            )
        }
        table.register("CreateApiDestination") { input, _ async throws(AWSError) in
            let definition = ApiDestinationDefinition(
                name: try input.requiredString("Name", length: 1...64),
                description: try input.string("Description", length: 0...512),
                connectionArn: try input.requiredString("ConnectionArn", length: 1...1600),
                invocationEndpoint: try input.requiredString("InvocationEndpoint", length: 1...2048),
                httpMethod: try input.requiredString("HttpMethod"),
                invocationRateLimitPerSecond: try input.integer("InvocationRateLimitPerSecond", range: 1...300)
            )
            let destination = try await AWSService.events.call { try await buses.createApiDestination(definition) }
            return timesInSeconds(
                destination,
                keeping: ["ApiDestinationArn", "ApiDestinationState", "CreationTime", "LastModifiedTime"]
            )
        }
        table.register("DescribeApiDestination") { input, _ async throws(AWSError) in
            let name = try input.requiredString("Name", length: 1...64)
            return timesInSeconds(try await AWSService.events.call { try buses.describeApiDestination(name: name) })
        }
        table.register("ListApiDestinations") { input, _ async throws(AWSError) in
            let prefix = try input.string("NamePrefix", length: 1...64)
            let connection = try input.string("ConnectionArn", length: 1...1600)
            let page = try limitPage(input, tokens, scope: "ListApiDestinations \(prefix ?? "") \(connection ?? "")")
            let all = try await AWSService.events.call { try buses.listApiDestinations(namePrefix: prefix, connectionArn: connection) }
            let listed = all.map {
                timesInSeconds(
                    $0,
                    keeping: [
                        "ApiDestinationArn", "Name", "ApiDestinationState", "ConnectionArn", "InvocationEndpoint", "HttpMethod",
                        "InvocationRateLimitPerSecond", "CreationTime", "LastModifiedTime",
                    ]
                )
            }
            return paged(listed, key: "ApiDestinations", by: "Name", page)
        }
        table.register("DeleteApiDestination") { input, _ async throws(AWSError) in
            let name = try input.requiredString("Name", length: 1...64)
            try await AWSService.events.call { try await buses.deleteApiDestination(name: name) }
            return [:]
        }
    }

    /// `value` with its `…Time` members (milliseconds) in seconds, as the API
    /// sends timestamps, and only the members in `keeping` when given.
    static func timesInSeconds(_ value: JSONValue, keeping: [String]? = nil) -> JSONValue {
        guard case .object(let object) = value else { return value }
        var output = JSONObject()
        for (key, member) in object.entries where keeping?.contains(key) ?? true {
            if key.hasSuffix("Time"), let milliseconds = member.integerValue {
                output[key] = .double(Double(milliseconds) / 1000)
            } else {
                output[key] = member
            }
        }
        return .object(output)
    }
}
