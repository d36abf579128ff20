import Foundation
public import JSON
import Memberwise
public import Runtime

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
    /// It is made in `scope` (`nil`: the default scope) and stored under its storage name.
    public func createConnection(_ definition: ConnectionDefinition, in scope: ResourceScope? = nil) async throws -> JSONValue {
        try Self.validateName(definition.name, member: "name")
        let name = storageName(definition.name, in: scope)
        if try stored(EventKeys.text(name), in: .connections) != nil {
            throw EngineError(.resourceAlreadyExists, "Connection \(definition.name) already exists.")
        }
        try Self.validateAuth(definition.authorizationType, definition.authParameters)
        let time = Int(now())
        var connection: JSONObject = [
            "Name": .string(name),
            "ConnectionArn": .string(uniqueArn("connection", name)),
            "ConnectionState": "AUTHORIZED", "AuthorizationType": .string(definition.authorizationType),
            "AuthParameters": definition.authParameters, "CreationTime": .integer(time),
            "LastModifiedTime": .integer(time), "LastAuthorizedTime": .integer(time),
        ]
        if let description = definition.description { connection["Description"] = .string(description) }
        try await append([(EventsRecordKind.connectionPut, ["connection": .object(connection)])], about: name)
        return Self.withoutSecrets(.object(connection))
    }

    /// The connection as `DescribeConnection` answers: `AuthParameters` without
    /// passwords, key values or client secrets.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`.
    public nonisolated func describeConnection(name: String) throws -> JSONValue {
        Self.withoutSecrets(try storedConnection(name))
    }

    /// Connections of `scope` (`nil`: the default scope) whose name starts with `namePrefix`,
    /// by name, without secrets.
    public nonisolated func listConnections(namePrefix: String?, in scope: ResourceScope? = nil) throws -> [JSONValue] {
        try scoped(.connections, namePrefix: namePrefix, arn: "ConnectionArn", in: scope).map(Self.withoutSecrets)
    }

    /// The resources of `which` of `scope` (`nil`: the default scope) whose name starts with
    /// `namePrefix`, by name: one key range of storage names, less other scopes' resources
    /// (which the default scope's unqualified range holds too), told apart by their ARN.
    package nonisolated func scoped(
        _ which: EventsIndex.DB,
        namePrefix: String?,
        arn member: String,
        in scope: ResourceScope?
    ) throws
        -> [JSONValue]
    {
        let scope = scope ?? context.defaultScope
        return try values(in: which, prefix: EventKeys.text(storageName(namePrefix ?? "", in: scope)))
            .filter { scope.owns($0[member]?.stringValue ?? "") }
    }

    /// Deletes a connection; refused while an API destination uses it.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`, `ValidationException` (in use).
    public func deleteConnection(name: String) async throws -> JSONValue {
        let connection = try storedConnection(name)
        let arn = connection["ConnectionArn"]?.stringValue ?? ""
        if let user = try values(in: .apiDestinations).first(where: { $0["ConnectionArn"]?.stringValue == arn }) {
            throw EngineError(
                .validation,
                "Connection \(scopedName(name).name) is used by API destination \(scopedName(user["Name"]?.stringValue ?? "").name); delete that first."
            )
        }
        try await append([(EventsRecordKind.connectionDeleted, ["name": .string(name), "time": .integer(Int(now()))])], about: name)
        guard case .object(var object) = Self.withoutSecrets(connection) else { return connection }
        object["ConnectionState"] = "DELETING"
        return .object(object)
    }

    package nonisolated func storedConnection(_ name: String) throws -> JSONValue {
        guard let connection = try stored(EventKeys.text(name), in: .connections) else {
            throw EngineError(.resourceNotFound, "Failed to describe the connection(s). Connection '\(scopedName(name).name)' does not exist.")
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
    /// It is made in `scope` (`nil`: the default scope) and stored under its storage name.
    public func createApiDestination(_ definition: ApiDestinationDefinition, in scope: ResourceScope? = nil) async throws -> JSONValue {
        try Self.validateName(definition.name, member: "name")
        let name = storageName(definition.name, in: scope)
        if try stored(EventKeys.text(name), in: .apiDestinations) != nil {
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
        let connection = try storedConnection(storedResourceName(definition.connectionArn, type: "connection", in: scope))
        guard connection["ConnectionArn"]?.stringValue == definition.connectionArn else {
            throw EngineError(.resourceNotFound, "Connection \(definition.connectionArn) does not exist.")
        }
        let time = Int(now())
        var destination: JSONObject = [
            "Name": .string(name),
            "ApiDestinationArn": .string(uniqueArn("api-destination", name)),
            "ApiDestinationState": "ACTIVE", "ConnectionArn": .string(definition.connectionArn),
            "InvocationEndpoint": .string(definition.invocationEndpoint), "HttpMethod": .string(definition.httpMethod),
            "InvocationRateLimitPerSecond": .integer(definition.invocationRateLimitPerSecond ?? 300),
            "CreationTime": .integer(time), "LastModifiedTime": .integer(time),
        ]
        if let description = definition.description { destination["Description"] = .string(description) }
        try await append(
            [(EventsRecordKind.apiDestinationPut, ["destination": .object(destination)])],
            about: name
        )
        return .object(destination)
    }

    /// The API destination as `DescribeApiDestination` answers.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`.
    public nonisolated func describeApiDestination(name: String) throws -> JSONValue {
        guard let destination = try stored(EventKeys.text(name), in: .apiDestinations) else {
            throw EngineError(
                .resourceNotFound,
                "Failed to describe the api-destination(s). An api-destination '\(scopedName(name).name)' does not exist."
            )
        }
        return destination
    }

    /// API destinations of `scope` (`nil`: the default scope) whose name starts with
    /// `namePrefix` (and that use `connectionArn`, when given), by name.
    public nonisolated func listApiDestinations(namePrefix: String?, connectionArn: String?, in scope: ResourceScope? = nil) throws -> [JSONValue] {
        try scoped(.apiDestinations, namePrefix: namePrefix, arn: "ApiDestinationArn", in: scope).filter { destination in
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
        let destination = try describeApiDestination(name: storedResourceName(arn, type: "api-destination"))
        guard destination["ApiDestinationArn"]?.stringValue == arn else {
            throw EngineError(.resourceNotFound, "API destination \(arn) does not exist.")
        }
        let connectionArn = destination["ConnectionArn"]?.stringValue ?? ""
        let connection = try storedConnection(storedResourceName(connectionArn, type: "connection"))
        return (
            destination["InvocationEndpoint"]?.stringValue ?? "", destination["HttpMethod"]?.stringValue ?? "POST",
            Self.headers(of: connection)
        )
    }

    /// The storage name of the resource `arnOrName` names: of an ARN, its `NAME` in the ARN's
    /// scope; of a name, that name in `scope` (`nil`: a storage name already).
    package nonisolated func storedResourceName(_ arnOrName: String, type: String, in scope: ResourceScope? = nil) -> String {
        guard arnOrName.hasPrefix("arn:") else { return scope.map { storageName(arnOrName, in: $0) } ?? arnOrName }
        return storageName(Self.resourceName(arnOrName, type: type), in: context.scope(ofArn: arnOrName))
    }

    /// `NAME` of `arn:aws:events:REGION:ACCOUNT:TYPE/NAME/UUID` (or of a bare name).
    package static func resourceName(_ arnOrName: String, type: String) -> String {
        guard let range = arnOrName.range(of: ":\(type)/") else { return arnOrName }
        return String(arnOrName[range.upperBound...].prefix { $0 != "/" })
    }
}
