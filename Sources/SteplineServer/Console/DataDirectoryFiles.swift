import Foundation
internal import JSON

/// The images under the data directory that the console may show, and nothing else.
///
/// Payloads name files (a thumbnail a workflow made, a frame to review); the review
/// queue shows them. A path from a payload or a URL is untrusted: it is resolved
/// (symbolic links included) and served only if the result is a regular image file
/// inside the data directory, so `..`, absolute paths elsewhere and links that lead
/// out are refused.
struct DataDirectoryFiles: Sendable {
    /// Content types by extension: the only files served.
    static let imageTypes: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
    ]
    /// Larger files are refused (a thumbnail is far smaller).
    static let maximumBytes = 20 << 20

    /// The data directory with symbolic links resolved, ending without a slash.
    let root: String

    init(dataDirectory: String) {
        root = Self.resolve(dataDirectory)
    }

    /// A file the console may serve.
    struct Image: Sendable, Hashable {
        /// The path relative to the data directory (what `/console/files?path=` takes).
        var relativePath: String
        var absolutePath: String
        var contentType: String
    }

    /// Why a path is refused.
    enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case notAnImage(String)
        case outsideDataDirectory(String)
        case notFound(String)
        case tooLarge(String)

        var description: String {
            switch self {
            case .notAnImage(let path): "'\(path)' is not a .png, .jpg, .jpeg, .gif or .webp file"
            case .outsideDataDirectory(let path): "'\(path)' is outside the data directory"
            case .notFound(let path): "'\(path)' is not a regular file"
            case .tooLarge(let path): "'\(path)' is larger than \(DataDirectoryFiles.maximumBytes >> 20) MB"
            }
        }
    }

    /// The image `path` names (absolute, or relative to the data directory), if it may be served.
    func image(at path: String) throws(Refusal) -> Image {
        let lowered = path.lowercased()
        guard let dot = lowered.lastIndex(of: "."), let type = Self.imageTypes[String(lowered[lowered.index(after: dot)...])] else {
            throw .notAnImage(path)
        }
        guard !path.contains("\u{0}") else { throw .outsideDataDirectory(path) }
        let joined = path.hasPrefix("/") ? path : root + "/" + path
        let resolved = Self.resolve(joined)
        guard resolved.hasPrefix(root + "/") else { throw .outsideDataDirectory(path) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw .notFound(path)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: resolved)[.size] as? Int) ?? 0
        guard size <= Self.maximumBytes else { throw .tooLarge(path) }
        return Image(relativePath: String(resolved.dropFirst(root.count + 1)), absolutePath: resolved, contentType: type)
    }

    /// The bytes of `image`, read from a descriptor opened without following any link.
    ///
    /// ``image(at:)`` checks a path; between that check and a plain `open` a link could be
    /// swapped in for the file or for a directory on its way, and the open would follow it
    /// out of the data directory. So the file is reached again from the data directory
    /// itself, one component at a time with `openat(O_NOFOLLOW)` (a link anywhere fails
    /// with `ELOOP` or `ENOTDIR`), and what is served is checked and read from that
    /// descriptor: a regular file, no larger than ``maximumBytes``.
    func contents(of image: Image) throws(Refusal) -> [UInt8] {
        let components = image.relativePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !components.isEmpty, !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
            throw .outsideDataDirectory(image.relativePath)
        }
        var directory = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw .notFound(image.relativePath) }
        for component in components.dropLast() {
            let next = openat(directory, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            close(directory)
            guard next >= 0 else { throw .outsideDataDirectory(image.relativePath) }
            directory = next
        }
        // The last component: O_NONBLOCK so a FIFO swapped in cannot hang the open.
        let file = openat(directory, components[components.count - 1], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        close(directory)
        guard file >= 0 else { throw errno == ELOOP ? .outsideDataDirectory(image.relativePath) : .notFound(image.relativePath) }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { throw .notFound(image.relativePath) }
        guard status.st_size <= Self.maximumBytes else { throw .tooLarge(image.relativePath) }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while filled < bytes.count {
            // Force-unwrap proven: the buffer is non-empty inside this loop, so it has a base address.
            let count = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            filled += count
        }
        return Array(bytes.prefix(filled))
    }

    /// The images a payload names anywhere in its strings, in order, each once.
    func images(in payload: JSONValue) -> [Image] {
        var found: [Image] = []
        func visit(_ value: JSONValue) {
            switch value {
            case .string(let text):
                if let image = try? image(at: text), !found.contains(image) { found.append(image) }
            case .array(let items): items.forEach(visit)
            case .object(let object): object.values.forEach(visit)
            default: break
            }
        }
        visit(payload)
        return found
    }

    /// `path` made absolute and standardized, with every symbolic link resolved.
    static func resolve(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var resolved = URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
        while resolved.count > 1 && resolved.hasSuffix("/") { resolved.removeLast() }
        return resolved
    }
}
