import DSCTensor
import Foundation

/// Sparse subspace clustering by orthogonal matching pursuit (SSC-OMP; You, Robinson & Vidal,
/// "Scalable Sparse Subspace Clustering by Orthogonal Matching Pursuit", CVPR 2016).
///
/// ```swift
/// let omp = SSCOMP(clusters: 10, maxAtoms: 10, seed: 0)
/// let result = try omp.fit(ArraySamples(values: x, shape: [n, d]))
/// result.coefficients   // C [N, N], at most maxAtoms entries per row, empty diagonal
/// result.labels         // [N]
/// ```
///
/// Every sample `x_j` (rows scaled to unit L2 norm first, ``normalizeSamples``) is coded by OMP
/// over the dictionary of all *other* samples — `x_j` never codes itself:
///
///     r ← x_j, S ← ∅
///     repeat: a = argmax_{k ≠ j, k ∉ S} |x_kᵀ r|   (ties: the smaller k)
///             S ← S ∪ {a};  c_S = argmin ‖x_j − X_Sᵀ c‖₂  (least squares on S)
///             r ← x_j − X_Sᵀ c_S
///     until |S| = maxAtoms or ‖r‖₂ ≤ residualTolerance · ‖x_j‖₂
///
/// OMP also stops early when no atom correlates with the residual or the best one is (to 1e-10
/// relative) a combination of those already chosen. The least squares use a Cholesky factor of
/// `X_S X_Sᵀ` grown by one row per atom (O(|S|²) per step, in Double). The correlations
/// `X · r` of all samples in a block are one sgemm per round (``SelfExpressiveBlocks``):
/// O(maxAtoms · N² · D) flops in all, O(blockSize · N) memory per worker.
///
/// Then `W = (|C̃| + |C̃|ᵀ)/2` with rows of `C` scaled by ``normalization`` (unit L2, as the
/// reference toolbox) and spectral clustering (``SelfExpressiveClustering``). OMP itself makes no
/// random choice; ``seed`` drives the spectral stage, so the same seed gives the same labels.
public struct SSCOMP: Sendable, SelfExpressiveCoder {
    /// Number of clusters K, `2 <= K <= N`.
    public var clusters: Int
    /// Largest number of atoms per sample `k_max`, `>= 1` (capped by N − 1 in effect).
    public var maxAtoms: Int
    /// OMP stops once `‖r‖₂ ≤ residualTolerance · ‖x_j‖₂`, `>= 0`.
    public var residualTolerance: Double
    /// Scale every sample to unit L2 norm before coding (the method assumes it).
    public var normalizeSamples: Bool = true
    /// Samples per sgemm block, `>= 1`.
    public var blockSize: Int = 256
    /// Row scaling of `C` before the affinity.
    public var normalization: CoefficientNormalization = .l2
    /// The eigenvectors, the layout and k-means.
    public var spectral = SpectralSettings()
    public var seed: UInt64

    public init(clusters: Int, maxAtoms: Int = 10, residualTolerance: Double = 1e-6, seed: UInt64 = 0) {
        self.clusters = clusters
        self.maxAtoms = maxAtoms
        self.residualTolerance = residualTolerance
        self.seed = seed
    }

    /// The clustering of the coefficients these settings describe.
    public var coefficientClustering: SelfExpressiveClustering {
        var sec = SelfExpressiveClustering(
            clusters: clusters, normalization: normalization, spectral: spectral, seed: seed)
        sec.connectivityHint = "try more atoms per sample"
        return sec
    }

    /// Throws ``ClusterError`` unless the coding parameters suit `samples` rows of `features` values.
    public func validateCoding(samples: Int, features: Int) throws {
        if samples < 1 || features < 1 { throw ClusterError.emptyInput(samples: samples, features: features) }
        if samples < 2 {
            throw ClusterError.invalidParameter(
                name: "n_samples", value: "\(samples)",
                requirement: ">= 2 (a sample never codes itself)")
        }
        if maxAtoms < 1 {
            throw ClusterError.invalidParameter(name: "maxAtoms", value: "\(maxAtoms)", requirement: ">= 1")
        }
        if !(residualTolerance >= 0) || !residualTolerance.isFinite {
            throw ClusterError.invalidParameter(
                name: "residualTolerance", value: "\(residualTolerance)",
                requirement: "finite and >= 0")
        }
        if blockSize < 1 {
            throw ClusterError.invalidParameter(name: "blockSize", value: "\(blockSize)", requirement: ">= 1")
        }
    }

    /// The coefficient matrix `C` of `samples` (no clustering). Throws ``ClusterError`` for bad
    /// parameters or a non-finite sample, and whatever the source throws. `progress` receives
    /// `("coefficients", fraction)` after each block, from the worker threads but never two calls
    /// at once.
    public func coefficients(
        _ samples: any SampleSource, progress: ProgressHandler? = nil
    ) throws
        -> SelfExpressiveCoefficients
    {
        try codeSamples(samples, progress: progress)
    }

    /// Codes `samples` and clusters the affinity. Throws as ``coefficients(_:progress:)`` and
    /// ``SelfExpressiveClustering/fit(coefficients:progress:)``.
    public func fit(
        _ samples: any SampleSource, progress: ProgressHandler? = nil
    ) throws -> SelfExpressiveClusteringResult {
        try fitSamples(samples, progress: progress)
    }
}
