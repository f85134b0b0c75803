import DSCDeep
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    /// Report `fraction` ∈ [0, 1] of `stage`; redraws at most ten times a second. `detail`
    /// (e.g. the loss) is shown after the bar; `eta` replaces the estimate from the fraction.
    func update(_ stage: String, _ fraction: Double, detail: String? = nil, eta given: Double? = nil) {
        guard enabled else { return }
        let now = Date()
        if stage != self.stage {
            self.stage = stage
            stageStart = now
        }
        guard now.timeIntervalSince(lastDraw) >= 0.1 || fraction >= 1 else { return }
        lastDraw = now
        let f = min(max(fraction, 0), 1)
        let elapsed = now.timeIntervalSince(stageStart)
        let eta = given ?? (f > 0.01 ? elapsed * (1 - f) / f : nil)
        let width = 24
        let filled = Int(f * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var line =
            "\(stage.padding(toLength: 8, withPad: " ", startingAt: 0)) \(bar) \(String(format: "%3.0f%%", f * 100))"
        line += "  \(formatDuration(elapsed))"
        if let eta, f < 1 { line += "  ETA \(formatDuration(eta))" }
        if let detail { line += "  \(detail)" }
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

    /// Runs `body` with this line's handler and ends the line afterwards, also when it throws.
    func running<T>(_ body: (@escaping (String, Double) -> Void) throws -> T) rethrows -> T {
        defer { finish() }
        return try body(handler)
    }

    /// Whether the line is drawn (stderr is a terminal and not quiet).
    var isEnabled: Bool { enabled }

    private var loggedEpoch = -1

    /// For logs (stderr not a terminal): one line when an epoch has ended.
    func logEpochIfDone(_ p: TrainingProgress) {
        let stepsPerEpoch = max(1, p.totalSteps / max(1, p.totalEpochs))
        guard p.step % stepsPerEpoch == 0 || p.step == p.totalSteps, p.epoch != loggedEpoch else { return }
        loggedEpoch = p.epoch
        var line = String(
            format:
                "epoch %d/%d (%@)  step %d/%d  loss %.4f  contrastive %.4f  self-expression %.4f  threshold %.4f  %@",
            p.epoch + 1, p.totalEpochs, p.phase, p.step, p.totalSteps, p.loss, p.contrastiveLoss,
            p.selfExpressionLoss, Double(p.threshold), formatDuration(p.seconds))
        if let eta = p.eta, p.step < p.totalSteps { line += "  ETA \(formatDuration(eta))" }
        printError(line)
    }
}

/// `1.2s`, `3m05s`, `1h02m`.
func formatDuration(_ seconds: Double) -> String {
    if seconds < 60 { return String(format: "%.1fs", seconds) }
    let s = Int(seconds.rounded())
    if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
}
