import DSCIO
import Foundation
import XCTest

/// Asserts that `body` throws an `HDF5Error` whose one-line message is `message`.
func assertHDF5Error<T>(
    _ body: @autoclosure () throws -> T, _ message: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    do {
        _ = try body()
        XCTFail("expected error: \(message)", file: file, line: line)
    } catch let error as HDF5Error {
        XCTAssertEqual(error.localizedDescription, message, file: file, line: line)
        XCTAssertFalse(error.localizedDescription.contains("\n"), file: file, line: line)
    } catch {
        XCTFail("unexpected error type: \(error)", file: file, line: line)
    }
}

/// Runs `python3 -c script args…`; returns its exit status and combined output.
func runPython(_ script: String, _ arguments: [String] = []) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Skips the calling test unless python3 with h5py and numpy can be run.
func requireH5py() throws {
    let probe = try? runPython("import h5py, numpy")
    guard let probe, probe.status == 0 else {
        throw XCTSkip("python3 with h5py and numpy is not available")
    }
}
