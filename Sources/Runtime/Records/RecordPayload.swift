package import EventLog
package import JSON

/// A record payload (or index value) whose shape is declared once, as a
/// `Codable` type: ``JSONValueEncoder`` writes it and ``JSONValueDecoder`` reads
/// it, so nobody writes its fields twice.
///
/// Declaring one:
///
/// - The stored properties, or a `CodingKeys` enum when a member's JSON name
///   differs from the property (`busName` is `"bus"`), are the members. The
///   order of the `CodingKeys` cases is the order of the bytes, and the bytes
///   are frozen once shipped: `stepline verify` compares index values rebuilt
///   from the log with the stored ones. Keep the order when adding a case, and
///   add a new member at the end.
/// - A `nil` optional is left out; an absent or `null` member decodes as `nil`.
///   A member that is never written when it is empty (an empty array, say)
///   needs its own `encode(to:)`.
/// - Changing the meaning of a member is a new version of the record kind, with
///   a decoder for the old one (`ExecutionStep.OpenTask`).
///
/// The kind is not part of the type: one payload type can be written under
/// several kinds (a state machine is created and updated with the same
/// payload); ``record(_:version:timestamp:stream:)`` names it where it is written.
/// An index applier on a hot path may still read single members in place with
/// `RawJSONObject`; the type's doc comment says so.
package protocol RecordPayload: Codable {
    /// What the payload is called in decoding errors (`event delivery`).
    static var recordName: String { get }
}

/// A list of payloads is a payload: an index value that holds several (a
/// resource's tags), written as a JSON array.
extension Array: RecordPayload where Element: RecordPayload {
    package static var recordName: String { "list of \(Element.recordName)s" }
}

extension RecordPayload {
    /// The payload as JSON.
    package var recordJSON: JSONValue {
        do { return try JSONValueEncoder().encode(self) } catch {
            // Only an unsigned integer beyond `Int.max` fails: a programming
            // error, which the hand-written encoders trapped on as well.
            preconditionFailure("\(Self.recordName) cannot be encoded: \(error)")
        }
    }

    /// Decodes a payload written by ``recordJSON``.
    /// - Throws: ``RecordDecodingError`` naming the member that is missing or malformed.
    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        do { self = try JSONValueDecoder().decode(Self.self, from: json) } catch {
            throw RecordDecodingError("\(Self.recordName) \(JSONValueDecoder.describe(error))")
        }
    }

    /// Decodes a payload from its bytes.
    package init(recordBytes bytes: some Collection<UInt8>) throws(RecordDecodingError) {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes: bytes) } catch {
            throw RecordDecodingError("\(Self.recordName) is not valid JSON: \(error)")
        }
        try self.init(recordJSON: json)
    }

    /// The compact JSON bytes: a record's payload or an index value.
    package var recordBytes: [UInt8] { recordJSON.bytes }

    /// The payload as a record of `kind`, in schema `version`, at `timestamp`
    /// (microseconds since the epoch) on `stream`.
    package func record(_ kind: RecordKind, version: UInt16 = 1, timestamp: Int64, stream: StreamID = .none) -> Record {
        Record(kind: kind, version: version, timestamp: timestamp, stream: stream, payload: recordBytes)
    }
}
