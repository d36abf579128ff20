import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether `serve` could listen on an address, asked before it opens the data directory.
///
/// `serve` opens the log (and deploys `--workflows`, which writes records) before the HTTP
/// server binds, because the server's routes are built on the open services. A port that
/// is taken would then fail the start only after those records were written. Binding a
/// throw-away socket first (with `SO_REUSEADDR`, as the server's own socket is bound, so a
/// port in `TIME_WAIT` is not refused) turns the usual mistake — a second server on the
/// same port — into an error before anything is written. Another process could still take
/// the port in the instant between the check and the real bind; that rare case fails as
/// before, after opening.
enum PortCheck {
    /// Why an address cannot be listened on: the text of the failing call's errno.
    struct Unavailable: Error {
        let reason: String
        let inUse: Bool
    }

    /// Binds and closes a socket on `host:port`; throws ``Unavailable`` if the bind fails.
    static func check(host: String, port: Int) throws(Unavailable) {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &results)
        guard resolved == 0, let first = results else {
            throw Unavailable(reason: "cannot resolve '\(host)' (\(String(cString: gai_strerror(resolved))))", inUse: false)
        }
        defer { freeaddrinfo(results) }
        let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard descriptor >= 0 else { throw Unavailable(reason: String(cString: strerror(errno)), inUse: false) }
        defer { close(descriptor) }
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let code = errno
            throw Unavailable(reason: String(cString: strerror(code)), inUse: code == EADDRINUSE)
        }
    }
}
