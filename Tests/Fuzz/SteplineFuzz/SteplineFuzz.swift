internal import FuzzTargets

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The libFuzzer binary: every ``FuzzTarget`` in one executable, the one to run named
/// by `STEPLINE_FUZZ_TARGET` (tools/fuzz sets it). Built only with `-sanitize=fuzzer`,
/// which links libFuzzer (its driver is started from `SteplineFuzz_main` below).

/// The target chosen at start, read once from the environment.
///
/// `nonisolated(unsafe)`: written once in `LLVMFuzzerInitialize`, before libFuzzer
/// calls `LLVMFuzzerTestOneInput` from that same thread; only read after.
nonisolated(unsafe) private var selected: FuzzTarget?

/// libFuzzer calls this once before the first input.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let name = getenv("STEPLINE_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        // write(2) rather than fputs(stderr): `stderr` is a C global Swift 6 refuses to touch.
        let message = Array("SteplineFuzz: set STEPLINE_FUZZ_TARGET to one of: \(known) (got '\(name)')\n".utf8)
        _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(2)
    }
    selected = target
    return 0
}

/// libFuzzer calls this with each input; returning 0 means "keep going".
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected?.run(bytes)
    return 0
}

/// libFuzzer's driver, which its own `main` calls (`FuzzerInterface.h`).
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The entry point SwiftPM links as `main` on Linux (it renames every executable's
/// entry to `<module>_main` so tests can link the module): hand over to libFuzzer's
/// driver, exactly what libFuzzer's own `main` would do.
@_cdecl("SteplineFuzz_main")
public func steplineFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return runDriver(&argc, &argv, fuzzerTestOneInput)
}
