import DSCTestSupport
import Foundation
import XCTest

/// Runs the built `dsc` executable as a user would, capturing stdout, stderr and the exit status.
struct CLIRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CLI {
    /// The `dsc` binary built beside the test bundle.
    static var binary: URL {
        let candidates = [
            Bundle.main.bundleURL,
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle(for: Marker.self).bundleURL.deletingLastPathComponent(),
        ]
        for dir in candidates {
            let url = dir.appendingPathComponent("dsc")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates[0].appendingPathComponent("dsc")
    }

    /// Repository root, from this file's location.
    static let root = TestFiles.root
    static func fixture(_ name: String) -> String { TestFiles.fixture(name) }

    /// Runs `dsc args…` in `directory` (default: a fresh temporary folder).
    @discardableResult
    static func run(_ args: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> CLIRun {
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        process.currentDirectoryURL = directory ?? root
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = "80"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let outBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            outBox.data = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let outData = outBox.data
        process.waitUntilExit()
        return CLIRun(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

}

private final class Marker {}

/// Holds the stdout bytes read on another thread (read once, after `group.wait()`).
private final class DataBox: @unchecked Sendable { var data = Data() }
