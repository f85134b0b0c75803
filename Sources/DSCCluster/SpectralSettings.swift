/// The settings of the spectral stage every graph-based method ends with (kNN spectral
/// clustering, EnSC, SSC-OMP, EBSC): the eigenvectors of the K smallest eigenvalues of the
/// normalised Laplacian of the affinity, then k-means on their rows (or on a layout of the graph
/// started from them).
public struct SpectralSettings: Equatable, Sendable {
    /// Dense LAPACK for small N, Lanczos for large N (`auto`), or either.
    public var eigenSolver: EigenSolverKind = .auto
    /// k-means restarts (n_init) on the embedding; the lowest-inertia run is kept, `>= 1`.
    public var kmeansRestarts: Int = 10
    /// Epochs of a force-directed layout (``GraphLayout``, UMAP's) of the graph before k-means,
    /// `>= 0`; 0 clusters the row-normalised eigenvectors as Ng, Jordan & Weiss do. With `n > 0`,
    /// eigenvectors 2…K+1 (the first is the trivial one) scaled to ±10 start the layout, and
    /// k-means runs on the `[N, K]` layout, which the result's embedding then holds.
    public var layoutEpochs: Int = 0
    /// Eigenvalues computed beyond the K used, for the eigengap, `>= 0`.
    public var extraEigenvalues: Int = 1
    /// Residual tolerance (`> 0`) and cycle limit (`>= 1`) of the Lanczos solver.
    public var eigenTolerance: Double = 1e-6
    public var eigenMaxIterations: Int = 1000

    public init(eigenSolver: EigenSolverKind = .auto, kmeansRestarts: Int = 10, layoutEpochs: Int = 0) {
        self.eigenSolver = eigenSolver
        self.kmeansRestarts = kmeansRestarts
        self.layoutEpochs = layoutEpochs
    }

    /// Throws ``ClusterError/invalidParameter(name:value:requirement:)`` for a setting out of range.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ requirement: String) throws {
            if !ok { throw ClusterError.invalidParameter(name: name, value: "\(value)", requirement: requirement) }
        }
        try check(kmeansRestarts >= 1, "kmeansRestarts", kmeansRestarts, ">= 1")
        try check(extraEigenvalues >= 0, "extraEigenvalues", extraEigenvalues, ">= 0")
        try check(eigenTolerance > 0, "eigenTolerance", eigenTolerance, "> 0")
        try check(layoutEpochs >= 0, "layoutEpochs", layoutEpochs, ">= 0")
        try check(eigenMaxIterations >= 1, "eigenMaxIterations", eigenMaxIterations, ">= 1")
    }
}
