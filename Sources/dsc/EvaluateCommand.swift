import ArgumentParser
import DSCIO
import DSCMetrics
import DSCPipeline
import DSCReport

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score predicted labels against true labels (ACC, NMI, ARI, AMI).",
        discussion: """
            Both arguments are FILE or FILE:DATASET; the dataset defaults to "labels". ACC uses the \
            best one-to-one matching of clusters to classes (Hungarian method), also when their numbers \
            differ; NMI is the arithmetic-mean normalisation (as scikit-learn ≥ 0.22), with the \
            geometric one beside it.

            Example:
              dsc evaluate --truth digits.h5:labels --pred result.h5:labels --json
            """
    )

    @Option(help: ArgumentHelp("True labels, FILE[:DATASET].", valueName: "file[:dataset]"))
    var truth: String

    @Option(help: ArgumentHelp("Predicted labels, FILE[:DATASET].", valueName: "file[:dataset]"))
    var pred: String

    @Option(help: "NMI normalisation (the mean of the two entropies it divides by).")
    var average: Metrics.Averaging = .arithmetic

    @Flag(help: "Print the metrics as one JSON object.")
    var json = false

    func run() throws {
        try runReportingErrors {
            let t = try DatasetReference(parsing: truth, defaultDataset: "labels")
            let p = try DatasetReference(parsing: pred, defaultDataset: "labels")
            let truthLabels = try HDF5Reader(path: t.file).readLabels(t.dataset)
            let predLabels = try HDF5Reader(path: p.file).readLabels(p.dataset)
            guard truthLabels.count == predLabels.count else {
                throw HDF5Error.countMismatch(
                    file: p.file, dataset: p.dataset, count: predLabels.count,
                    other: "\(t.file):\(t.dataset)", rows: truthLabels.count)
            }
            let table = ContingencyTable(truth: truthLabels, predicted: predLabels)
            let m = ClusteringMetrics(table)
            let nmi =
                average == .arithmetic
                ? m.nmi
                : Metrics.normalizedMutualInformation(truth: truthLabels, predicted: predLabels, averaging: average)
            if json {
                var fields: [(String, JSONValue)] = [
                    ("acc", .number(m.acc)), ("nmi", .number(nmi)),
                    ("nmi_geometric", .number(m.nmiGeometric)), ("ari", .number(m.ari)), ("ami", .number(m.ami)),
                ]
                fields.append(("n", .integer(truthLabels.count)))
                print(JSONValue.object(fields).serialized)
            } else {
                print("\(truthLabels.count) samples, \(table.classes.count) classes, \(table.clusters.count) clusters")
                print(
                    String(
                        format: "  ACC %.4f  NMI(%@) %.4f  ARI %.4f  AMI %.4f  (NMI geometric %.4f)",
                        m.acc, average.rawValue, nmi, m.ari, m.ami, m.nmiGeometric))
            }
        }
    }
}

extension Metrics.Averaging: ExpressibleByArgument {}
