import ArgumentParser
import Foundation

/// Runs `body`; any thrown error becomes one line on stderr and exit status 1 — never a trace.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        let message = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
        printError("dsc: error: \(message.replacingOccurrences(of: "\n", with: " "))")
        throw ExitCode(1)
    }
}

/// Runs the library's check `body`; a setting it refuses becomes a usage error (the message,
/// then the usage, exit status 64), as ArgumentParser reports its own.
func asUsageError(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as LocalizedError {
        throw ValidationError((error.errorDescription ?? "\(error)") + ".")
    }
}
