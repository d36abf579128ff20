internal import HTTPTypes

/// A console request that cannot be served as asked.
enum ConsoleError: Error, CustomStringConvertible {
    case badRequest(String)
    case notFound(String)

    var status: HTTPResponse.Status {
        switch self {
        case .badRequest: .badRequest
        case .notFound: .notFound
        }
    }

    var description: String {
        switch self {
        case .badRequest(let message), .notFound(let message): message
        }
    }
}
