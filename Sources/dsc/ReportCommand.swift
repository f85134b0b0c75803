import ArgumentParser
import DSCIO
import DSCPipeline
import DSCReport
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.md, report.html and metrics.json for a result file.",
        discussion: """
            RESULT.h5 is a file written by `dsc cluster --output`. The true labels come from --truth, \
            or from the copy the result file keeps when its input had labels. report.html is one \
            self-contained page: scores, the confusion matrix in Hungarian order, cluster sizes, the \
            Laplacian's eigenvalues with the eigengap marked, timings and settings.

            Example:
              dsc report result.h5 --truth digits.h5:labels --output report/
            """
    )

    @Argument(help: ArgumentHelp("Result file written by dsc cluster.", valueName: "result.h5"))
    var result: String

    @Option(
        help: ArgumentHelp("True labels, FILE[:DATASET] (dataset defaults to \"labels\").", valueName: "file[:dataset]")
    )
    var truth: String?

    @Option(
        name: [.short, .long], help: ArgumentHelp("Folder for the report files (created if missing).", valueName: "dir")
    )
    var output: String

    func run() throws {
        try runReportingErrors {
            try checkWritable(output, isDirectory: true)
            var (outcome, peak) = try ResultFile.read(result)
            if let truth {
                let ref = try DatasetReference(parsing: truth, defaultDataset: "labels")
                let labels = try HDF5Reader(path: ref.file).readLabels(ref.dataset)
                guard labels.count == outcome.labels.count else {
                    throw HDF5Error.countMismatch(
                        file: ref.file, dataset: ref.dataset, count: labels.count,
                        other: "\(result):labels", rows: outcome.labels.count)
                }
                outcome.truth = labels
            }
            try ReportWriter.write(
                ReportBuilder.input(for: outcome, peakMemoryBytes: peak),
                to: URL(fileURLWithPath: output, isDirectory: true))
            print("wrote \(output)/report.html, report.md, metrics.json")
        }
    }
}
