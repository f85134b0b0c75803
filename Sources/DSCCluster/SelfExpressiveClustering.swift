import DSCTensor
import Foundation

/// Spectral clustering of a self-expressive coefficient matrix: the last two steps shared by
/// SSC-OMP, EnSC and the energy-based coefficients.
///
/// ```swift
/// let sec = SelfExpressiveClustering(clusters: 10, normalization: .l2, seed: 0)
/// let result = try sec.fit(coefficients: c)   // c: SparseMatrix [N, N], row j codes sample j
/// ```
///
/// 1. Rows of `C` scaled by ``normalization`` (unit L2 by default, as You et al.'s toolbox),
///    stored zeros and the diagonal dropped;
/// 2. `W = (|C̃| + |C̃|ᵀ)/2` (``SparseMatrix/selfExpressiveAffinity(normalization:)``);
/// 3. ``SpectralClustering/fit(affinity:progress:)`` with ``clusters``, ``spectral`` and ``seed``.
///
/// Memory O(nnz(C)) beyond the spectral stage; nothing N×N.
public struct SelfExpressiveClustering: Sendable {
    /// Number of clusters K, `2 <= K <= N`.
    public var clusters: Int
    /// Row scaling of `C` before the affinity.
    public var normalization: CoefficientNormalization
    /// The eigenvectors, the layout and k-means.
    public var spectral: SpectralSettings
    /// Drives the eigensolver's start vector and every k-means choice.
    public var seed: UInt64
    /// What the warning about a disconnected affinity suggests (``SpectralClustering/connectivityHint``):
    /// the coding setting that gives more coefficients per sample.
    public var connectivityHint = "more coefficients per sample connect the graph"

    public init(
        clusters: Int, normalization: CoefficientNormalization = .l2, spectral: SpectralSettings = SpectralSettings(),
        seed: UInt64 = 0
    ) {
        self.clusters = clusters
        self.normalization = normalization
        self.spectral = spectral
        self.seed = seed
    }

    /// The spectral clustering of the affinity these settings describe.
    public var spectralClustering: SpectralClustering {
        var sc = SpectralClustering(clusters: clusters, spectral: spectral, seed: seed)
        sc.connectivityHint = connectivityHint
        return sc
    }

    /// Throws ``ClusterError`` unless the settings suit `samples` samples.
    public func validate(samples: Int) throws {
        try ClusterError.checkClusters(clusters, samples: samples)
        try spectral.validate()
    }

    /// Clusters a given coefficient matrix `C` `[N, N]` (finite values; row `j` codes sample `j`).
    ///
    /// Throws ``ClusterError`` for a non-square or empty matrix, a non-finite coefficient or bad
    /// settings, and ``EigensolverError`` when the eigensolver fails. `progress` receives the
    /// stages "eigen" and "kmeans".
    public func fit(
        coefficients: SparseMatrix, progress: ProgressHandler? = nil
    ) throws -> SelfExpressiveClusteringResult {
        if coefficients.rows != coefficients.columns {
            throw ClusterError.notSquare(rows: coefficients.rows, columns: coefficients.columns)
        }
        if coefficients.rows < 1 { throw ClusterError.emptyInput(samples: 0, features: 0) }
        if let p = coefficients.values.firstIndex(where: { !$0.isFinite }) {
            let row = coefficients.indptr.lastIndex { $0 <= p }!
            throw ClusterError.invalidParameter(
                name: "coefficients[\(row), \(coefficients.indices[p])]",
                value: "\(coefficients.values[p])", requirement: "finite")
        }
        try validate(samples: coefficients.rows)
        let coded = SelfExpressiveCoefficients(matrix: coefficients, stats: SelfExpressiveCodingStats())
        return try cluster(coded, timings: StageTimings(), warnings: [], start: .now, progress: progress)
    }

    /// Steps 1–3 on validated settings; `timings` already holds the coding stage, if any, and
    /// `start` is when the whole fit began (for the "total" stage).
    func cluster(
        _ coded: SelfExpressiveCoefficients, timings: StageTimings, warnings: [String],
        start: ContinuousClock.Instant, progress: ProgressHandler?
    ) throws -> SelfExpressiveClusteringResult {
        var timings = timings
        let w = timings.measure("affinity") { coded.matrix.selfExpressiveAffinity(normalization: normalization) }
        let spectral = try spectralClustering.fit(affinity: w, progress: progress)
        for stage in spectral.timings.stages where stage.name != "total" {
            timings.record(stage.name, seconds: stage.seconds)
        }
        timings.record("total", seconds: StageTimings.seconds(since: start))
        return SelfExpressiveClusteringResult(
            coefficients: coded.matrix, spectral: spectral, coding: coded.stats,
            timings: timings, warnings: warnings + spectral.warnings)
    }
}
