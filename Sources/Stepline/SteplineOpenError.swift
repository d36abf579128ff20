/// Stepline could not be opened: names the data directory, service or file and what is wrong.
public struct SteplineOpenError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
