package import JSON
package import Runtime
package import StatesLanguage

/// History events in the Engine's records (schema version 1 of
/// ``EngineRecordKind/executionStep``): the core's own encoding,
/// ``HistoryEvent/json``, with decoding failures as record errors.
extension HistoryEvent {
    /// The event as stored in a record.
    package var recordJSON: JSONValue { json }

    /// Decodes an event written by ``recordJSON``.
    /// - Throws: ``RecordDecodingError`` naming the missing or malformed field.
    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        do { try self.init(json: json) } catch { throw RecordDecodingError(error.message) }
    }
}
