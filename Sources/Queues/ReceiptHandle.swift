import Foundation
import Memberwise
package import Messaging
import Runtime

/// The receipt handle of one receive of one message.
///
/// It names the message's place in its queue (the record that put it there and
/// its position in that record), the receive count it was handed out with, and
/// 64 random bits chosen at that receive and written into the receive record.
/// The random part is why a handle cannot be made up from a message id or a
/// location: a handle is honoured only when it equals the one the message's
/// latest receive stored. An earlier receive's handle is stale: `DeleteMessage`
/// with it succeeds without deleting (SQS: "if you don't provide the most
/// recently received receipt handle for the message, the request will still
/// succeed, but the message might not be deleted"), and
/// `ChangeMessageVisibility` refuses it.
@MemberwiseInit(.package)
package struct ReceiptHandle: Hashable {
    package var sequence: Int
    package var position: Int
    package var count: Int
    package var nonce: UInt64

    package static let version: UInt8 = 1

    /// URL-safe base64 of `version, sequence, position, count, nonce`, big-endian.
    package var text: String {
        var bytes: [UInt8] = [Self.version]
        bytes += Keys.bigEndian(UInt64(sequence)) + Keys.bigEndian(UInt64(position))
        bytes += withUnsafeBytes(of: UInt32(clamping: count).bigEndian, Array.init)
        bytes += Keys.bigEndian(nonce)
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a handle's text.
    /// - Throws: ``QueueError`` `ReceiptHandleIsInvalid` when it is not one Stepline made.
    package init(parsing handle: String) throws(QueueError) {
        let invalid = QueueError(.receiptHandleIsInvalid, "The input receipt handle \"\(handle)\" is not a valid receipt handle.")
        var base64 = handle.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), data.count == 29, data.first == Self.version else { throw invalid }
        let bytes = Array(data)
        func integer(_ range: Range<Int>) -> UInt64 { bytes[range].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        let sequence = integer(1..<9), position = integer(9..<17)
        guard sequence <= UInt64(Int.max), position <= UInt64(Int.max) else { throw invalid }
        self.init(sequence: Int(sequence), position: Int(position), count: Int(integer(17..<21)), nonce: integer(21..<29))
    }
}
