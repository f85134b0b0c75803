#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a line to stderr.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A progress line on stderr — stage, percentage, elapsed time and ETA — redrawn in place.
///
/// Silent unless stderr is a terminal and `--quiet` is off, so logs and pipes stay clean.
final class ProgressLine {
    private let enabled: Bool
    private var stage = ""
    private var stageStart = Date()
    private var lastDraw = Date.distantPast
    private var drewSomething = false

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Report `fraction` ∈ [0, 1] of `stage`; redraws at most ten times a second.
    func update(_ stage: String, _ fraction: Double) {
        guard enabled else { return }
        let now = Date()
        if stage != self.stage { self.stage = stage; stageStart = now }
        guard now.timeIntervalSince(lastDraw) >= 0.1 || fraction >= 1 else { return }
        lastDraw = now
        let f = min(max(fraction, 0), 1)
        let elapsed = now.timeIntervalSince(stageStart)
        let eta = f > 0.01 ? elapsed * (1 - f) / f : nil
        let width = 24
        let filled = Int(f * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var line = "\(stage.padding(toLength: 8, withPad: " ", startingAt: 0)) \(bar) \(String(format: "%3.0f%%", f * 100))"
        line += "  \(formatDuration(elapsed))"
        if let eta, f < 1 { line += "  ETA \(formatDuration(eta))" }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
        drewSomething = true
    }

    /// Ends the progress line (call before printing results).
    func finish() {
        guard enabled, drewSomething else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        drewSomething = false
    }

    var handler: (String, Double) -> Void { { [weak self] s, f in self?.update(s, f) } }
}

/// `1.2s`, `3m05s`, `1h02m`.
func formatDuration(_ seconds: Double) -> String {
    if seconds < 60 { return String(format: "%.1fs", seconds) }
    let s = Int(seconds.rounded())
    if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
}
