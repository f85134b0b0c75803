import ArgumentParser
import DSCReport
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

/// The report writer behind `--report DIR`.
enum ReportWriterFacade {
    static func write(_ input: ReportInput, to directory: String) throws {
        try ReportWriter.write(input, to: URL(fileURLWithPath: directory, isDirectory: true))
    }
}
