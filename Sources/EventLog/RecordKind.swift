/// What a record means, as an opaque number: the Engine defines the kinds and
/// their payloads; the log stores and checks only the number.
public struct RecordKind: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static func < (lhs: RecordKind, rhs: RecordKind) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "kind \(rawValue)" }
}

/// The record kinds a reader understands, each with a name and the schema
/// versions it can decode.
///
/// Give one to ``EventLog/Configuration/kinds`` and every read and append
/// checks it: a record of an unregistered kind or version is an error that
/// names its sequence number, instead of a payload decoded by the wrong rules.
/// Without it the log accepts any kind (so `verify` can replay anything).
///
/// ```swift
/// var kinds = RecordKinds()
/// kinds.register(RecordKind(1), name: "ExecutionStarted", versions: 1...2)
/// ```
public struct RecordKinds: Sendable {
    /// A registered kind.
    public struct Registration: Sendable, Hashable {
        public let kind: RecordKind
        public let name: String
        public let versions: ClosedRange<UInt16>
    }

    private var registrations: [RecordKind: Registration] = [:]

    public init() {}

    /// Registers `kind` under `name`, decodable in `versions`. Registering a kind again replaces it.
    public mutating func register(_ kind: RecordKind, name: String, versions: ClosedRange<UInt16>) {
        registrations[kind] = Registration(kind: kind, name: name, versions: versions)
    }

    /// The registration of `kind`, if any.
    public subscript(kind: RecordKind) -> Registration? { registrations[kind] }

    /// Every registration, by kind.
    public var all: [Registration] { registrations.values.sorted { $0.kind < $1.kind } }

    /// Throws unless `header` has a registered kind and version; `sequence` names the record in the error.
    func check(_ header: RecordHeader, at sequence: SequenceNumber?) throws(EventLogError) {
        guard let registration = registrations[header.kind] else {
            throw EventLogError(
                .unknownKind,
                sequence: sequence,
                "\(header.kind) is not registered; known kinds: \(all.map { "\($0.kind.rawValue) (\($0.name))" }.joined(separator: ", "))"
            )
        }
        guard registration.versions.contains(header.version) else {
            throw EventLogError(
                .unsupportedVersion,
                sequence: sequence,
                "\(registration.name) (\(header.kind)) version \(header.version) is not supported; this build reads versions \(registration.versions.lowerBound)...\(registration.versions.upperBound)"
            )
        }
    }
}
