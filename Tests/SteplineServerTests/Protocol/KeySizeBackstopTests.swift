import HTTPTypes
import Testing

@testable import SteplineServer

@Suite("A key LMDB refuses is the client's error")
struct KeySizeBackstopTests {
    /// What a handler's catch-all makes of LMDB's `MDB_BAD_VALSIZE` wrapped by a service's storage error.
    static let storageFailure = AWSError(
        .internalFailure,
        "the log could not commit the queue change: mdb_get failed: MDB_BAD_VALSIZE: Unsupported size of key/DB name/data, or wrong DUPFIXED size (-30781)",
        status: .internalServerError
    )

    @Test(
        "an empty or oversized key becomes each service's validation error with status 400",
        arguments: [
            (AWSService.sqs.targetPrefix, "InvalidParameterValue"),
            (AWSService.sns.targetPrefix, "InvalidParameter"),
            (AWSService.stepFunctions.targetPrefix, "ValidationException"),
            (AWSService.events.targetPrefix, "ValidationException"),
        ]
    )
    func mapped(prefix: String, code: String) {
        let mapped = Self.storageFailure.replacingKeySizeFailure(service: prefix)
        #expect(mapped.status == .badRequest)
        #expect(mapped.code.rawValue == code)
        #expect(!mapped.message.contains("MDB_"))
    }

    @Test("other server failures stay server failures")
    func othersUnchanged() {
        let failure = AWSError(.internalFailure, "mdb_txn_commit failed: No space left on device (28)", status: .internalServerError)
        #expect(failure.replacingKeySizeFailure(service: AWSService.sqs.targetPrefix) == failure)
    }
}
