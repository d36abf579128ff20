/// `MessageGroupId` and `MessageDeduplicationId`, as SQS and SNS FIFO accept them: 1 to
/// 128 characters, each a letter, a digit or ASCII punctuation (`!"#$%&'()*+,-./:;<=>?@[\]^_{|}~` and the backtick).
public enum FifoIdentifier {
    /// Why `value` is not a valid identifier, in SQS's words, or `nil` when it is.
    public static func problem(with value: String) -> String? {
        let valid =
            (1...128).contains(value.unicodeScalars.count)
            && value.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || (0x21...0x7E).contains(scalar.value))
            }
        return valid ? nil : "can only include alphanumeric and punctuation characters. 1 to 128 in length."
    }
}
