import EventBuses
import JSON
import Runtime
import Workflows

extension EventBridgeOperations {
    /// `CreateConnection`, `DescribeConnection`, `ListConnections`, `DeleteConnection`,
    /// `CreateApiDestination`, `DescribeApiDestination`, `ListApiDestinations` and
    /// `DeleteApiDestination`, with AWS's member names; times in seconds.
    static func registerConnections(in table: inout AWSOperationTable, buses: EventBuses, tokens: PaginationTokenCodec) {
        table.register("CreateConnection") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let definition = ConnectionDefinition(
                name: try input.requiredString("Name", length: 1...64),
                description: try input.string("Description", length: 0...512),
                authorizationType: try input.requiredString("AuthorizationType"),
                authParameters: input.value("AuthParameters") ?? [:]
            )
            let connection = try await AWSService.events.call { try await buses.createConnection(definition, in: scope) }
            return timesInSeconds(connection, keeping: ["ConnectionArn", "ConnectionState", "CreationTime", "LastModifiedTime"])
        }
        table.register("DescribeConnection") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let name = try input.requiredString("Name", length: 1...64)
            return timesInSeconds(try await AWSService.events.call { try buses.describeConnection(name: buses.storageName(name, in: scope)) })
        }
        table.register("ListConnections") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let prefix = try input.string("NamePrefix", length: 1...64)
            let state = try input.string("ConnectionState")
            let page = try limitPage(input, tokens, scope: "ListConnections \(scope) \(prefix ?? "") \(state ?? "")")
            let all = try await AWSService.events.call { try buses.listConnections(namePrefix: prefix, in: scope) }.filter {
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
        table.register("DeleteConnection") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let name = try input.requiredString("Name", length: 1...64)
            let connection = try await AWSService.events.call { try await buses.deleteConnection(name: buses.storageName(name, in: scope)) }
            return timesInSeconds(
                connection,
                keeping: ["ConnectionArn", "ConnectionState", "CreationTime", "LastModifiedTime", "LastAuthorizedTime"]
            )
        }
        table.register("CreateApiDestination") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let definition = ApiDestinationDefinition(
                name: try input.requiredString("Name", length: 1...64),
                description: try input.string("Description", length: 0...512),
                connectionArn: try input.requiredString("ConnectionArn", length: 1...1600),
                invocationEndpoint: try input.requiredString("InvocationEndpoint", length: 1...2048),
                httpMethod: try input.requiredString("HttpMethod"),
                invocationRateLimitPerSecond: try input.integer("InvocationRateLimitPerSecond", range: 1...300)
            )
            let destination = try await AWSService.events.call { try await buses.createApiDestination(definition, in: scope) }
            return timesInSeconds(
                destination,
                keeping: ["ApiDestinationArn", "ApiDestinationState", "CreationTime", "LastModifiedTime"]
            )
        }
        table.register("DescribeApiDestination") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let name = try input.requiredString("Name", length: 1...64)
            return timesInSeconds(try await AWSService.events.call { try buses.describeApiDestination(name: buses.storageName(name, in: scope)) })
        }
        table.register("ListApiDestinations") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let prefix = try input.string("NamePrefix", length: 1...64)
            let connection = try input.string("ConnectionArn", length: 1...1600)
            let page = try limitPage(input, tokens, scope: "ListApiDestinations \(scope) \(prefix ?? "") \(connection ?? "")")
            let all = try await AWSService.events.call {
                try buses.listApiDestinations(namePrefix: prefix, connectionArn: connection, in: scope)
            }
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
        table.register("DeleteApiDestination") { input, context async throws(AWSError) in
            let scope = try await requestScope(of: context, buses)
            let name = try input.requiredString("Name", length: 1...64)
            try await AWSService.events.call { try await buses.deleteApiDestination(name: buses.storageName(name, in: scope)) }
            return [:]
        }
    }

    /// `value` with its `…Time` members (milliseconds) in seconds, as the API
    /// sends timestamps, its `Name` without the scope it is stored with, and only the
    /// members in `keeping` when given.
    static func timesInSeconds(_ value: JSONValue, keeping: [String]? = nil) -> JSONValue {
        guard case .object(let object) = value else { return value }
        var output = JSONObject()
        for (key, member) in object.entries where keeping?.contains(key) ?? true {
            if key == "Name", let stored = member.stringValue {
                output[key] = .string(ResourceScope.plainName(ofStorageName: stored))
            } else if key.hasSuffix("Time"), let milliseconds = member.integerValue {
                output[key] = .double(Double(milliseconds) / 1000)
            } else {
                output[key] = member
            }
        }
        return .object(output)
    }
}
