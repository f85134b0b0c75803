import ArgumentParser
import DSCPipeline
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Cluster the bundled digits (UCI optical digits, 1797 × 64, 10 classes) and print the scores.",
        discussion: """
            Uses $DSC_DIGITS when set, else datasets/digits.h5 in the current folder or in the \
            package the executable was built in. For reference, scikit-learn's kNN SpectralClustering reaches ACC 0.809 \
            and NMI 0.856 on this set, k-means ACC 0.794 and NMI 0.741.
            """
    )

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 0

    @Option(
        help: ArgumentHelp("Also write report.md, report.html and metrics.json into this folder.", valueName: "dir"))
    var report: String?

    @OptionGroup var options: OutputOptions

    func run() throws {
        try runReportingErrors {
            guard let path = Self.locateDigits() else {
                throw DemoError.digitsNotFound
            }
            var job = ClusterJob(input: path, clusters: 10, method: .spectral)
            job.seed = seed
            try execute(
                job, output: nil, report: report, options: options,
                comparison: "  for reference, scikit-learn kNN SpectralClustering: ACC 0.809  NMI 0.856")
        }
    }

    /// The bundled digits file: `$DSC_DIGITS`, `./datasets/digits.h5`, or the package's copy found
    /// from the executable's location (`.build/<config>/dsc` → `datasets/digits.h5`).
    static func locateDigits() -> String? {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["DSC_DIGITS"] { candidates.append(env) }
        candidates.append("datasets/digits.h5")
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent("datasets/digits.h5").path)
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}

enum DemoError: Error, LocalizedError {
    case digitsNotFound
    var errorDescription: String? {
        "datasets/digits.h5: not found; run from the project folder, or set DSC_DIGITS (rebuild it with python3 datasets/make_digits.py)"
    }
}
