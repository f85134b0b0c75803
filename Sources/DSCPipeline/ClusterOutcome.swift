import DSCCluster
import DSCMetrics

/// What a clustering run produced: labels, the affinity and embedding behind them (spectral),
/// the metrics when true labels were known, and per-stage timings.
public struct ClusterOutcome: Sendable {
    public var input: String
    public var featuresDataset: String
    /// N, the number of samples.
    public var samples: Int
    /// D, features per sample (image dimensions flattened).
    public var dimension: Int
    /// K, the number of clusters asked for.
    public var clusters: Int
    public var method: ClusterMethod
    public var seed: UInt64
    /// The run's settings, in a stable order.
    public var parameters: [(String, String)]
    /// Predicted cluster of each sample, `[N]`, values in 0..<K.
    public var labels: [Int] = []
    /// True labels when the input had them.
    public var truth: [Int]?
    public var metrics: ClusteringMetrics?
    /// The symmetric sparse affinity `W` (spectral).
    public var affinity: SparseMatrix?
    /// Row-normalised spectral embedding, `[N, K]` row-major (spectral).
    public var embedding: [Float]?
    /// Smallest eigenvalues of the normalised Laplacian, ascending (at least K of them).
    public var eigenvalues: [Double]?
    /// Residual ‖L v − λ v‖ of each eigenpair.
    public var eigenResiduals: [Double]?
    /// Which eigen-solver ran (`dense` or `lanczos`).
    public var eigenSolver: String?
    /// Sustained GFLOPS of the kNN graph's sgemm blocks.
    public var graphGFLOPS: Double?
    /// k-means inertia (kmeans method).
    public var inertia: Double?
    public var timings = StageTimings()
    /// Things a user should know (a disconnected graph, …).
    public var warnings: [String] = []
    /// Labels of a second file's samples, out of sample (``ClusterJob/predictInput``).
    public var prediction: Prediction?

    /// The samples of a second file labelled by a fitted clustering, each coded against the N
    /// clustered samples (`EBSCResult.predict(_:count:)`).
    public struct Prediction: Sendable {
        /// Path of the file whose samples were labelled.
        public var input: String
        /// Cluster of each of its samples, `[M]`, values in 0..<K (the clusters of ``ClusterOutcome/labels``).
        public var labels: [Int]
        /// Its true labels, when it had them.
        public var truth: [Int]?
        /// The scores of ``labels`` against ``truth``, when it had them.
        public var metrics: ClusteringMetrics?

        /// Scores the labels against `truth`, when given.
        public init(input: String, labels: [Int], truth: [Int]? = nil) {
            self.input = input
            self.labels = labels
            self.truth = truth
            metrics = truth.map { ClusteringMetrics(truth: $0, predicted: labels) }
        }
    }

    /// Number of samples in each predicted cluster, `[K]`.
    public var clusterSizes: [Int] {
        var sizes = [Int](repeating: 0, count: max(clusters, (labels.max() ?? -1) + 1))
        for l in labels where l >= 0 { sizes[l] += 1 }
        return sizes
    }
}

extension ClusterOutcome {
    /// Copies a method's labels and, when it has a spectral stage, its affinity, embedding and
    /// eigenpairs into the outcome (k-means: its inertia), appends its warnings, and records
    /// every stage of its timings but the total into `timings`.
    mutating func take(_ result: any ClusteringResult, into timings: inout StageTimings) {
        labels = result.labels
        if let spectral = result.spectralResult {
            affinity = spectral.affinity
            embedding = spectral.embedding
            eigenvalues = spectral.eigenvalues
            eigenResiduals = spectral.residuals
            eigenSolver = spectral.eigenSolver.rawValue
            graphGFLOPS = spectral.graphGFLOPS
        }
        if let kmeans = result as? KMeansResult { inertia = kmeans.inertia }
        warnings += result.warnings
        for stage in result.timings.stages where stage.name != "total" {
            timings.record(stage.name, seconds: stage.seconds)
        }
    }
}
