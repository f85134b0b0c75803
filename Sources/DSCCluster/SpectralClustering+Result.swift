import DSCNeighbors

/// The outcome of ``SpectralClustering``.
public struct SpectralClusteringResult: Sendable {
    /// Cluster of every sample, `[N]`, in `0..<clusters`.
    public var labels: [Int]
    /// The symmetric affinity `W` `[N, N]` that was clustered.
    public var affinity: SparseMatrix
    /// The spectral embedding `[N, K]` row-major (K = clusters): the eigenvectors of the K smallest
    /// eigenvalues of `L_sym`, each row scaled to unit length (a zero row stays zero).
    public var embedding: [Float]
    /// The smallest eigenvalues of `L_sym`, ascending: K plus ``SpectralClustering/extraEigenvalues``
    /// (capped at N), so that `eigenvalues[K] − eigenvalues[K−1]` is the eigengap.
    public var eigenvalues: [Double]
    /// `‖L_sym v − λ v‖₂` for each eigenpair.
    public var residuals: [Double]
    /// The eigensolver that ran (`.dense` or `.lanczos`).
    public var eigenSolver: EigenSolverKind
    /// Lanczos cycles (0 for the dense solver).
    public var eigenIterations: Int
    /// Seconds per stage: graph (when built from samples), eigen, kmeans, total.
    public var timings: StageTimings
    /// Connected components of the affinity graph (1 for a connected graph).
    public var components: Int
    /// Conditions a person should know about (a disconnected graph, fewer distinct clusters than asked).
    public var warnings: [String]
    /// Achieved sgemm speed of the kNN graph build, GFLOP/s; nil when the affinity was given.
    public var graphGFLOPS: Double?
    /// Statistics of the kNN graph build; nil when the affinity was given.
    public var graphStats: SearchStats?
    /// k-means inertia of the embedding.
    public var inertia: Double
    /// Number of clusters K (columns of ``embedding``).
    public var clusters: Int

    /// The gap `λ_K − λ_{K−1}` after the K-th smallest eigenvalue, when a (K+1)-th was computed.
    public var eigengap: Double? {
        eigenvalues.count > clusters ? eigenvalues[clusters] - eigenvalues[clusters - 1] : nil
    }
}
