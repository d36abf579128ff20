import Foundation
import LMDB
import TestSupport
import Testing

@Suite struct StaleReaderTests {
    @Test func readerSlotsOfAKilledProcessAreCleared() throws {
        let directory = TemporaryDirectory()
        // Opened first and kept open, as a server would: otherwise the next
        // opener, alone, resets the reader table and no slot is ever stale.
        let environment = try Environment(path: directory.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SteplineBinary.path)
        process.arguments = ["debug", "hold-reader", "--data-dir", directory.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        #expect(line.hasPrefix("reading"))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        #expect(try environment.clearStaleReaders() == 1)
        #expect(try environment.clearStaleReaders() == 0)
    }
}
