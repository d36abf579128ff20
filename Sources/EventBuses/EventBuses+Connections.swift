import Foundation
public import JSON
import Memberwise
import Runtime

/// What `CreateConnection` / `UpdateConnection` ask for (AWS's member names).
@MemberwiseInit(.public)
public struct ConnectionDefinition: Sendable {
    public var name: String
    public var description: String?
    /// `API_KEY` or `BASIC`.
    public var authorizationType: String
    /// AWS's `AuthParameters` structure, secrets included.
    public var authParameters: JSONValue
}

/// What `CreateApiDestination` asks for.
@MemberwiseInit(.public)
public struct ApiDestinationDefinition: Sendable {
    public var name: String
    public var description: String?
    public var connectionArn: String
    public var invocationEndpoint: String
    /// `POST`, `GET`, `HEAD`, `OPTIONS`, `PUT`, `PATCH` or `DELETE`.
    public var httpMethod: String
    public var invocationRateLimitPerSecond: Int?
}

extension EventBuses {
    // MARK: Connections

    /// Creates a connection: the credentials an API destination sends. Returns
    /// it as `DescribeConnection` shows it (secrets left out).
    ///
    /// The secrets are kept in the log (AWS keeps them in Secrets Manager), so
    /// the data directory must be protected like the credentials themselves.
    /// - Throws: ``EngineError`` `ResourceAlreadyExistsException`, `ValidationException`
    ///   (an authorization type other than `API_KEY` and `BASIC`, missing parameters).
    public func createConnection(_ definition: ConnectionDefinition) async throws -> JSONValue {
        try Self.validateName(definition.name, member: "name")
        if try stored(EventKeys.text(definition.name), in: .connections) != nil {
            throw EngineError(.resourceAlreadyExists, "Connection \(definition.name) already exists.")
        }
        try Self.validateAuth(definition.authorizationType, definition.authParameters)
        let time = Int(now())
        var connection: JSONObject = [
            "Name": .string(definition.name),
            "ConnectionArn": .string(uniqueArn("connection", definition.name)),
            "ConnectionState": "AUTHORIZED", "AuthorizationType": .string(definition.authorizationType),
            "AuthParameters": definition.authParameters, "CreationTime": .integer(time),
            "LastModifiedTime": .integer(time), "LastAuthorizedTime": .integer(time),
        ]
        if let description = definition.description { connection["Description"] = .string(description) }
        try await append([(EventsRecordKind.connectionPut, ["connection": .object(connection)])], about: definition.name)
        return Self.withoutSecrets(.object(connection))
    }

    /// The connection as `DescribeConnection` answers: `AuthParameters` without
    /// passwords, key values or client secrets.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`.
    public nonisolated func describeConnection(name: String) throws -> JSONValue {
        Self.withoutSecrets(try storedConnection(name))
    }

    /// Connections whose name starts with `namePrefix`, by name, without secrets.
    public nonisolated func listConnections(namePrefix: String?) throws -> [JSONValue] {
        try values(in: .connections, prefix: EventKeys.text(namePrefix ?? "")).map(Self.withoutSecrets)
    }

    /// Deletes a connection; refused while an API destination uses it.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`, `ValidationException` (in use).
    public func deleteConnection(name: String) async throws -> JSONValue {
        let connection = try storedConnection(name)
        let arn = connection["ConnectionArn"]?.stringValue ?? ""
        if let user = try values(in: .apiDestinations).first(where: { $0["ConnectionArn"]?.stringValue == arn }) {
            throw EngineError(
                .validation,
                "Connection \(name) is used by API destination \(user["Name"]?.stringValue ?? ""); delete that first."
            )
        }
        try await append([(EventsRecordKind.connectionDeleted, ["name": .string(name), "time": .integer(Int(now()))])], about: name)
        guard case .object(var object) = Self.withoutSecrets(connection) else { return connection }
        object["ConnectionState"] = "DELETING"
        return .object(object)
    }

    package nonisolated func storedConnection(_ name: String) throws -> JSONValue {
        guard let connection = try stored(EventKeys.text(name), in: .connections) else {
            throw EngineError(.resourceNotFound, "Failed to describe the connection(s). Connection '\(name)' does not exist.")
        }
        return connection
    }

    package static func validateAuth(_ type: String, _ parameters: JSONValue) throws {
        func required(_ path: [String]) throws {
            var value: JSONValue? = parameters
            for key in path { value = value?[key] }
            guard let text = value?.stringValue, !text.isEmpty else {
                throw EngineError(.validation, "AuthParameters.\(path.joined(separator: ".")) is required for \(type) connections.")
            }
        }
        switch type {
        case "API_KEY":
            try required(["ApiKeyAuthParameters", "ApiKeyName"])
            try required(["ApiKeyAuthParameters", "ApiKeyValue"])
        case "BASIC":
            try required(["BasicAuthParameters", "Username"])
            try required(["BasicAuthParameters", "Password"])
        case "OAUTH_CLIENT_CREDENTIALS":
            throw EngineError(
                .validation,
                "AuthorizationType OAUTH_CLIENT_CREDENTIALS is not supported by Stepline; use API_KEY or BASIC (or an API key header your token endpoint issued)."
            )
        default:
            throw EngineError(
                .validation,
                "1 validation error detected: Value '\(type)' at 'authorizationType' failed to satisfy constraint: Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]"
            )
        }
    }

    /// A connection as AWS shows it: no `Password`, `ApiKeyValue` or secret header values.
    package static func withoutSecrets(_ connection: JSONValue) -> JSONValue {
        guard case .object(var object) = connection, case .object(var auth)? = object["AuthParameters"] else {
            return connection
        }
        if case .object(var basic)? = auth["BasicAuthParameters"] {
            basic["Password"] = nil
            auth["BasicAuthParameters"] = .object(basic)
        }
        if case .object(var key)? = auth["ApiKeyAuthParameters"] {
            key["ApiKeyValue"] = nil
            auth["ApiKeyAuthParameters"] = .object(key)
        }
        if case .object(var invocation)? = auth["InvocationHttpParameters"], let headers = invocation["HeaderParameters"]?.arrayValue {
            invocation["HeaderParameters"] = .array(
                headers.map { header in
                    guard header["IsValueSecret"] == true, case .object(var object) = header else { return header }
                    object["Value"] = nil
                    return .object(object)
                }
            )
            auth["InvocationHttpParameters"] = .object(invocation)
        }
        object["AuthParameters"] = .object(auth)
        return .object(object)
    }

    /// The headers a request through `connection` carries: its authorization
    /// (`API_KEY`: the key's header; `BASIC`: `Authorization: Basic …`) and its
    /// `InvocationHttpParameters.HeaderParameters`.
    package static func headers(of connection: JSONValue) -> [String: String] {
        var headers: [String: String] = [:]
        let auth = connection["AuthParameters"]
        for header in auth?["InvocationHttpParameters"]?["HeaderParameters"]?.arrayValue ?? [] {
            if let key = header["Key"]?.stringValue, let value = header["Value"]?.stringValue { headers[key] = value }
        }
        switch connection["AuthorizationType"]?.stringValue {
        case "API_KEY":
            if let name = auth?["ApiKeyAuthParameters"]?["ApiKeyName"]?.stringValue,
                let value = auth?["ApiKeyAuthParameters"]?["ApiKeyValue"]?.stringValue
            {
                headers[name] = value
            }
        case "BASIC":
            let user = auth?["BasicAuthParameters"]?["Username"]?.stringValue ?? ""
            let password = auth?["BasicAuthParameters"]?["Password"]?.stringValue ?? ""
            headers["Authorization"] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        default:
            break
        }
        return headers
    }

    // MARK: API destinations

    package static let httpMethods: Set<String> = ["POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]

    /// Creates an API destination: an HTTPS endpoint and method called with a
    /// connection's credentials, usable as a rule target by its ARN.
    /// - Throws: ``EngineError`` `ResourceAlreadyExistsException`,
    ///   `ResourceNotFoundException` (connection), `ValidationException`.
    public func createApiDestination(_ definition: ApiDestinationDefinition) async throws -> JSONValue {
        try Self.validateName(definition.name, member: "name")
        if try stored(EventKeys.text(definition.name), in: .apiDestinations) != nil {
            throw EngineError(.resourceAlreadyExists, "An api-destination '\(definition.name)' already exists.")
        }
        guard Self.httpMethods.contains(definition.httpMethod) else {
            throw EngineError(
                .validation,
                "1 validation error detected: Value '\(definition.httpMethod)' at 'httpMethod' failed to satisfy constraint: Member must satisfy enum value set: [POST, GET, HEAD, OPTIONS, PUT, PATCH, DELETE]"
            )
        }
        guard definition.invocationEndpoint.hasPrefix("https://") || definition.invocationEndpoint.hasPrefix("http://") else {
            throw EngineError(.validation, "InvocationEndpoint must be an http(s) URL, got \(definition.invocationEndpoint).")
        }
        let connectionName = Self.resourceName(definition.connectionArn, type: "connection")
        let connection = try storedConnection(connectionName)
        guard connection["ConnectionArn"]?.stringValue == definition.connectionArn else {
            throw EngineError(.resourceNotFound, "Connection \(definition.connectionArn) does not exist.")
        }
        let time = Int(now())
        var destination: JSONObject = [
            "Name": .string(definition.name),
            "ApiDestinationArn": .string(uniqueArn("api-destination", definition.name)),
            "ApiDestinationState": "ACTIVE", "ConnectionArn": .string(definition.connectionArn),
            "InvocationEndpoint": .string(definition.invocationEndpoint), "HttpMethod": .string(definition.httpMethod),
            "InvocationRateLimitPerSecond": .integer(definition.invocationRateLimitPerSecond ?? 300),
            "CreationTime": .integer(time), "LastModifiedTime": .integer(time),
        ]
        if let description = definition.description { destination["Description"] = .string(description) }
        try await append(
            [(EventsRecordKind.apiDestinationPut, ["destination": .object(destination)])],
            about: definition.name
        )
        return .object(destination)
    }

    /// The API destination as `DescribeApiDestination` answers.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`.
    public nonisolated func describeApiDestination(name: String) throws -> JSONValue {
        guard let destination = try stored(EventKeys.text(name), in: .apiDestinations) else {
            throw EngineError(.resourceNotFound, "Failed to describe the api-destination(s). An api-destination '\(name)' does not exist.")
        }
        return destination
    }

    /// API destinations whose name starts with `namePrefix` (and that use
    /// `connectionArn`, when given), by name.
    public nonisolated func listApiDestinations(namePrefix: String?, connectionArn: String?) throws -> [JSONValue] {
        try values(in: .apiDestinations, prefix: EventKeys.text(namePrefix ?? "")).filter { destination in
            connectionArn == nil || destination["ConnectionArn"]?.stringValue == connectionArn
        }
    }

    /// Deletes an API destination; rules that target it then fail their deliveries.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`.
    public func deleteApiDestination(name: String) async throws {
        _ = try describeApiDestination(name: name)
        try await append(
            [(EventsRecordKind.apiDestinationDeleted, ["name": .string(name), "time": .integer(Int(now()))])],
            about: name
        )
    }

    /// The endpoint, method and headers a delivery to API destination `arn` uses.
    /// - Throws: ``EngineError`` `ResourceNotFoundException` when the destination
    ///   or its connection is gone.
    package nonisolated func apiDestinationRequest(_ arn: String) throws -> (url: String, method: String, headers: [String: String]) {
        let destination = try describeApiDestination(name: Self.resourceName(arn, type: "api-destination"))
        guard destination["ApiDestinationArn"]?.stringValue == arn else {
            throw EngineError(.resourceNotFound, "API destination \(arn) does not exist.")
        }
        let connectionArn = destination["ConnectionArn"]?.stringValue ?? ""
        let connection = try storedConnection(Self.resourceName(connectionArn, type: "connection"))
        return (
            destination["InvocationEndpoint"]?.stringValue ?? "", destination["HttpMethod"]?.stringValue ?? "POST",
            Self.headers(of: connection)
        )
    }

    /// `NAME` of `arn:aws:events:REGION:ACCOUNT:TYPE/NAME/UUID` (or of a bare name).
    package static func resourceName(_ arnOrName: String, type: String) -> String {
        guard let range = arnOrName.range(of: ":\(type)/") else { return arnOrName }
        return String(arnOrName[range.upperBound...].prefix { $0 != "/" })
    }
}
