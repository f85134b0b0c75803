/// Counters of one coding run (``SSCOMP`` or ``ElasticNetSubspaceClustering``).
public struct SelfExpressiveCodingStats: Sendable, Equatable, Codable {
    /// Wall-clock seconds of the coding stage.
    public var seconds: Double = 0
    /// Seconds inside sgemm, summed over the worker threads (CPU seconds, not wall-clock).
    public var gemmSeconds: Double = 0
    /// Floating-point operations of the sgemm calls, `Σ 2·m·N·D`.
    public var gemmFlops: Double = 0
    /// sgemm calls (one per chunk and round).
    public var gemmCalls: Int = 0
    /// Samples per chunk of the lock-step rounds.
    public var blockSize: Int = 0
    /// Per-sample iterations summed over the samples: atoms chosen (OMP) or active-set
    /// elastic-net solves (EnSC).
    public var iterations: Int = 0
    /// Inner iterations summed over the samples: coordinate-descent sweeps (EnSC), 0 for OMP.
    public var innerIterations: Int = 0
    /// Samples whose coder stopped at its iteration limit before its stopping rule held
    /// (EnSC: active-set iterations; always 0 for OMP, whose atom limit is a stopping rule).
    public var notConverged: Int = 0
    /// Stored coefficients, `nnz(C)`.
    public var nonzeros: Int = 0

    public init() {}

    /// Achieved sgemm speed per thread, `gemmFlops / gemmSeconds`, GFLOP/s.
    public var gflops: Double { gemmSeconds > 0 ? gemmFlops / gemmSeconds / 1e9 : 0 }
}

/// A coefficient matrix and how it was computed.
public struct SelfExpressiveCoefficients: Sendable {
    /// `C` `[N, N]` in CSR, sorted indices, empty diagonal: row `j` codes sample `j`.
    public var matrix: SparseMatrix
    public var stats: SelfExpressiveCodingStats
}

/// The outcome of a self-expressive clustering (``SSCOMP``, ``ElasticNetSubspaceClustering``, or
/// ``SelfExpressiveClustering`` on given coefficients).
public struct SelfExpressiveClusteringResult: Sendable {
    /// The coefficient matrix `C` `[N, N]` (before any row normalisation).
    public var coefficients: SparseMatrix
    /// Spectral clustering of the affinity: labels, affinity, embedding, eigenvalues, warnings.
    public var spectral: SpectralClusteringResult
    /// Counters of the coding stage (zeros when the coefficients were given).
    public var coding: SelfExpressiveCodingStats
    /// Seconds per stage: coefficients (when coded here), affinity, eigen, kmeans, total.
    public var timings: StageTimings
    /// The coder's warnings (e.g. samples left unconverged) followed by the spectral stage's.
    public var warnings: [String]

    /// Cluster of every sample, `[N]`, in `0..<clusters`.
    public var labels: [Int] { spectral.labels }
    /// The symmetric affinity `W = (|C̃| + |C̃|ᵀ)/2` `[N, N]` that was clustered.
    public var affinity: SparseMatrix { spectral.affinity }
    /// The row-normalised spectral embedding `[N, K]` row-major.
    public var embedding: [Float] { spectral.embedding }
    /// The smallest eigenvalues of `L_sym`, ascending.
    public var eigenvalues: [Double] { spectral.eigenvalues }
    /// `λ_K − λ_{K−1}`, when a (K+1)-th eigenvalue was computed.
    public var eigengap: Double? { spectral.eigengap }
    /// Connected components of the affinity graph.
    public var components: Int { spectral.components }
    /// Number of clusters K.
    public var clusters: Int { spectral.clusters }
}
