/// Cost allocation tags on a queue, checked as SQS checks them.
///
/// A queue has at most 50 tags; a key is 1 to 128 characters, a value at most 256.
/// Keys are case-sensitive, and tagging with an existing key replaces its value.
public enum QueueTags {
    public static let maximumCount = 50

    /// `current` with `added` set, refused as SQS refuses it.
    /// - Throws: ``QueueError`` `InvalidParameterValue` for a key or value out of
    ///   range, or when the queue would have more than 50 tags.
    public static func merging(_ added: [String: String], into current: [String: String], queueName: String) throws(QueueError) -> [String: String] {
        for (key, value) in added.sorted(by: { $0.key < $1.key }) {
            guard (1...128).contains(key.count) else {
                throw QueueError(.invalidParameterValue, "Tag keys must be between 1 and 128 characters in length.")
            }
            guard value.count <= 256 else {
                throw QueueError(.invalidParameterValue, "Tag values may only be up to 256 characters in length.")
            }
        }
        let merged = current.merging(added) { _, new in new }
        guard merged.count <= maximumCount else {
            throw QueueError(.invalidParameterValue, "Too many tags added for queue \(queueName).")
        }
        return merged
    }
}
