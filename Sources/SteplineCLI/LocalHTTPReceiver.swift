import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback HTTP/1.1 endpoint for `stepline bench lateness`: it answers 200 to
/// every request (keep-alive) and notes when each body arrived.
///
/// Blocking sockets on threads of their own, not the server stack: the bench
/// must see the moment a request reaches the socket, without an event loop or
/// the cooperative pool (which the engine under test keeps busy) in between.
///
/// `@unchecked Sendable`: the file descriptor is written once in `init` and only
/// read after; the arrivals are behind a `Mutex`; each connection is owned by
/// the one thread that serves it.
final class LocalHTTPReceiver: @unchecked Sendable {
    /// An arrived request: its body and the wall time it arrived, in microseconds since the epoch.
    struct Arrival: Sendable {
        var body: [UInt8]
        var microseconds: Int64
    }

    /// The port it listens on (127.0.0.1).
    let port: Int
    private let listener: Int32
    private let arrived = Mutex<[Arrival]>([])

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw CommandFailure("bench: cannot open a socket (errno \(errno))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(listener, socketAddress, length) == 0 && listen(listener, 128) == 0
                    && getsockname(listener, socketAddress, &length) == 0
            }
        }
        guard bound else { throw CommandFailure("bench: cannot listen on 127.0.0.1 (errno \(errno))") }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptConnections() }
    }

    /// Every request that arrived so far.
    var arrivals: [Arrival] { arrived.withLock { $0 } }

    /// Stops accepting connections.
    func close() { shutdown(listener, Int32(SHUT_RDWR)) }

    static func nowMicroseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }

    private func acceptConnections() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        defer { closeDescriptor(connection) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n".utf8)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            buffer += chunk[0..<count]
            while let (body, consumed) = Self.request(in: buffer) {
                let at = Self.nowMicroseconds()
                arrived.withLock { $0.append(Arrival(body: body, microseconds: at)) }
                buffer.removeFirst(consumed)
                let written = response.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                guard written == response.count else { return }
            }
        }
    }

    /// The body of the first complete request in `buffer` and how many bytes it took.
    static func request(in buffer: [UInt8]) -> (body: [UInt8], consumed: Int)? {
        let end: [UInt8] = [13, 10, 13, 10]
        guard buffer.count >= 4, let headerEnd = (0...(buffer.count - 4)).first(where: { buffer[$0..<($0 + 4)].elementsEqual(end) }) else {
            return nil
        }
        let head = String(decoding: buffer[0..<headerEnd], as: UTF8.self).lowercased()
        var length = 0
        for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        let bodyStart = headerEnd + 4
        guard buffer.count >= bodyStart + length else { return nil }
        return (Array(buffer[bodyStart..<(bodyStart + length)]), bodyStart + length)
    }
}

/// The C `close`, which the receiver's own `close()` hides inside the type.
private func closeDescriptor(_ descriptor: Int32) { _ = close(descriptor) }
