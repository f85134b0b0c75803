import ArgumentParser
import DSCCluster
import DSCDeep
import DSCPipeline
import DSCReport
import Foundation

extension ClusterMethod: ExpressibleByArgument {}
extension KNNWeighting: ExpressibleByArgument {}
extension EigenSolverKind: ExpressibleByArgument {}
extension CoefficientNormalization: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "max": self = .maxAbsolute
        default: self.init(rawValue: argument)
        }
    }
    public static var allValueStrings: [String] { ["l2", "max", "none"] }
    public var defaultValueDescription: String { self == .maxAbsolute ? "max" : rawValue }
    public static var allValueDescriptions: [String: String] {
        [
            "l2": "unit L2 norm per row (as EnSC's reference code)",
            "max": "largest value 1 per row (as SSC's code and UMAP's graph)",
            "none": "the coefficients as coded",
        ]
    }
}

/// Options every command that prints results shares.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object on stdout instead of a table.")
    var json = false

    @Flag(help: "No progress on stderr (progress only ever shows when stderr is a terminal).")
    var quiet = false
}

struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Cluster the samples of an HDF5 file.",
        discussion: """
            Reads the rows of FEATURES (float or integer; [N, D], or images [N, H, W] / [N, C, H, W]), \
            clusters them into K groups and prints the scores against LABELS when the file has them.

            ebsc:     (default) a contrastive encoder (MLP for [N, D], residual CNN with LDFR for images) \
            and an energy network are trained on the file (or loaded with --model, see dsc train); every \
            sample is coded against all N in streamed blocks, keeping --keep sparse coefficients → \
            (|C|+|C|ᵀ)/2 → spectral. Memory O(batch × queue + N × keep), never N × N.

            spectral: exact kNN graph (blocks through sgemm) → symmetric normalised Laplacian → \
            K smallest eigenvectors (LAPACK for N ≤ 500, Lanczos above) → rows normalised → k-means++.
            kmeans:   k-means++ with restarts on the raw features.
            ensc:     elastic-net self-expressive coefficients (active set) → (|C|+|C|ᵀ)/2 → spectral.
            ssc-omp:  orthogonal-matching-pursuit coefficients → (|C|+|C|ᵀ)/2 → spectral.

            Examples:
              dsc cluster digits.h5 --clusters 10
              dsc cluster digits.h5 -k 10 --method spectral
              dsc cluster mnist.h5 -k 10 --features-dataset images --model mnist-model.h5
              dsc cluster mnist.h5 -k 10 --output result.h5 --report mnist-report
              dsc cluster train.h5 -k 10 --model model.h5 --predict test.h5
              dsc cluster data.h5 -k 5 --features-dataset X --labels-dataset y --json
            """
    )

    @Argument(help: ArgumentHelp("HDF5 file whose rows are the samples.", valueName: "input.h5"))
    var input: String

    @Option(name: [.customShort("k"), .long], help: "Number of clusters K (2 ≤ K ≤ N).")
    var clusters: Int

    @Option(help: "Clustering method.")
    var method: ClusterMethod = .ebsc

    @Option(
        help: ArgumentHelp(
            "EBSC: a model trained by dsc train; without it, one is trained first.", valueName: "model.h5"))
    var model: String?

    @Option(help: ArgumentHelp("Dataset holding the samples.", valueName: "name"))
    var featuresDataset = "features"

    @Option(help: ArgumentHelp("Dataset holding the true labels; used for scores when present.", valueName: "name"))
    var labelsDataset: String?

    @Option(help: "Neighbours per sample in the kNN graph (spectral).")
    var neighbors = 10

    @Option(
        help: ArgumentHelp(
            "kNN edge weights: cosine similarity, Gaussian with a self-tuning scale, or 1.", visibility: .hidden))
    var affinity: KNNWeighting = .cosine

    @Flag(help: ArgumentHelp("Keep only mutual kNN edges (spectral).", visibility: .hidden))
    var mutual = false

    @Option(
        help: ArgumentHelp(
            "Spectral step of every method but kmeans: epochs of a UMAP-style force-directed layout of the affinity graph, started from its eigenvectors, then k-means on the layout; 0 runs k-means on the row-normalised eigenvectors (Ng-Jordan-Weiss). Default: 500 for ebsc on images, 0 otherwise.",
            valueName: "n"))
    var layoutEpochs: Int?

    @Option(
        help: ArgumentHelp(
            "EBSC, EnSC, SSC-OMP: how each row of coefficients is scaled before the affinity (|C|+|C|ᵀ)/2.",
            valueName: "l2|max|none", visibility: .hidden))
    var rowNormalization: CoefficientNormalization = .l2

    @Option(
        help: ArgumentHelp("Eigen-solver; auto is dense LAPACK up to 500 samples, Lanczos above.", visibility: .hidden))
    var eigenSolver: EigenSolverKind = .auto

    @Option(help: "EnSC: weight of the l1 term of the elastic net, in (0, 1].")
    var lambda = 0.9

    @Option(help: "EnSC: self-expression weight, relative to the smallest one that gives a non-zero code (> 1).")
    var gamma = 50.0

    @Option(help: "SSC-OMP: atoms per sample.")
    var atoms = 10

    @Option(
        help: ArgumentHelp(
            "k-means restarts; the run with the lowest inertia is kept (default: spectral 100 up to 20,000 samples, fewer above, at least 10; kmeans 10).",
            valueName: "n", visibility: .hidden))
    var restarts: Int?

    @Option(help: "Seed for every random choice; the same seed gives the same labels.")
    var seed: UInt64 = 0

    @Option(
        help: ArgumentHelp(
            "EBSC: after clustering, label the samples of this second file (same datasets and sample shape) out of sample: each is coded against the clustered samples and takes the cluster of its largest coefficients. Scores are printed when it has labels.",
            valueName: "new.h5"))
    var predict: String?

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Write labels, affinity (CSR) and embedding to this HDF5 file (with --predict, also predicted/labels).",
            valueName: "out.h5"))
    var output: String?

    @Option(help: ArgumentHelp("Write report.md, report.html and metrics.json into this folder.", valueName: "dir"))
    var report: String?

    @OptionGroup var deep: DeepOptions

    @OptionGroup var options: OutputOptions

    /// The run these options describe.
    var job: ClusterJob {
        var job = ClusterJob(input: input, clusters: clusters)
        job.method = method
        job.featuresDataset = featuresDataset
        job.labelsDataset = labelsDataset ?? "labels"
        job.labelsRequired = labelsDataset != nil
        job.neighbors = neighbors
        job.weighting = affinity
        job.mutual = mutual
        job.eigenSolver = eigenSolver
        job.layoutEpochs = layoutEpochs
        job.rowNormalization = rowNormalization
        job.restarts = restarts
        job.enscLambda = lambda
        job.enscGamma = gamma
        job.ompAtoms = atoms
        job.seed = seed
        job.deep = deep.configuration(seed: seed)
        job.modelPath = model
        job.predictInput = predict
        return job
    }

    func validate() throws {
        try asUsageError { try job.validateSettings() }
    }

    func run() throws {
        try runReportingErrors {
            try execute(job, output: output, report: report, options: options)
        }
    }
}

/// Runs `job`, writes the requested files and prints the outcome; shared by `cluster` and `demo`.
func execute(
    _ job: ClusterJob, output: String?, report: String?, options: OutputOptions,
    comparison: String? = nil
) throws {
    // Fail on an unwritable destination before the long work, not after it.
    if let output { try checkWritable(output) }
    if let report { try checkWritable(report, isDirectory: true) }
    let progress = ProgressLine(quiet: options.quiet)
    var job = job
    job.trainingProgress = trainingReporter(progress, quiet: options.quiet, perEpoch: false)
    if !options.quiet { job.trainingPlan = { plan in printError(planLine(plan)) } }
    let outcome = try progress.running { try job.run(progress: $0) }
    let peak = ProcessMemory.peakBytes
    if let output { try ResultFile.write(outcome, to: output, peakMemoryBytes: peak) }
    if let report {
        try ReportWriter.write(
            ReportBuilder.input(for: outcome, peakMemoryBytes: peak),
            to: URL(fileURLWithPath: report, isDirectory: true))
    }
    if options.json {
        print(outcomeJSON(outcome).serialized)
    } else {
        print(outcomeSummary(outcome, output: output, report: report, peak: peak))
        if let comparison { print(comparison) }
    }
    if !options.quiet { for w in outcome.warnings { printError("warning: \(w)") } }
}

/// One line on how the training was sized: its epochs, the measured step times and when the run
/// is expected to end.
func planLine(_ plan: TrainingPlan) -> String {
    let phases = plan.energyStepSeconds > 0 ? " per phase" : ""
    let steps =
        plan.energyStepSeconds > 0
        ? String(format: "%.3fs + %.3fs a step", plan.stepSeconds, plan.energyStepSeconds)
        : String(format: "%.3fs a step", plan.stepSeconds)
    var why = plan.limitedByBudget ? "sized to the time budget" : "the most for this input"
    if let e = plan.replannedAfterEpoch { why = "sized again after epoch \(e) from the pace of all its steps" }
    // Training alone (dsc train) has nothing after it.
    let after =
        plan.afterTrainingSeconds > 0
        ? "then about \(formatDuration(plan.afterTrainingSeconds)) to code and cluster; " : ""
    return "training: \(plan.epochs) epochs\(phases) of \(plan.stepsPerEpoch) steps (\(why); \(steps), measured), "
        + after + "expected to end in about \(formatDuration(plan.trainingSeconds + plan.afterTrainingSeconds))"
}
