import DSCTensor
import Foundation

/// How ``ElasticNetSubspaceClustering/gamma`` sets the weight `γ` of the data term.
public enum ElasticNetGammaScale: String, Sendable, CaseIterable, Codable {
    /// `γ_j = gamma · γ₀_j` per sample, with `γ₀_j = λ / max_{k≠j} |x_kᵀ x_j|` the largest `γ` for
    /// which `c_j = 0` is optimal (You et al. 2016, Proposition 1; `gamma_nz=True` in the reference
    /// toolbox). `gamma` must then exceed 1; 5 to 500 is the useful range, 50 the default.
    case relative
    /// `γ = gamma` for every sample, `> 0`.
    case absolute
}

/// Elastic-net subspace clustering (EnSC; You, Li, Robinson & Vidal, "Oracle Based Active Set
/// Algorithm for Scalable Elastic Net Subspace Clustering", CVPR 2016).
///
/// ```swift
/// let ensc = ElasticNetSubspaceClustering(clusters: 10, lambda: 0.9, gamma: 50, seed: 0)
/// let result = try ensc.fit(ArraySamples(values: x, shape: [n, d]))
/// result.coefficients   // C [N, N], empty diagonal
/// result.labels         // [N]
/// ```
///
/// Every sample `x_j` (rows scaled to unit L2 norm first, ``normalizeSamples``) is coded by
///
///     c_j = argmin_c  λ‖c‖₁ + (1−λ)/2 ‖c‖₂² + γ/2 ‖x_j − Σ_k c_k x_k‖₂²   subject to c_j = 0
///
/// with ``lambda`` `λ ∈ (0, 1]` (λ = 1: SSC's lasso; smaller λ: denser, better connected codes) and
/// `γ` from ``gamma`` and ``gammaScale`` (default: 50 times the smallest `γ` giving a non-zero code,
/// as the reference toolbox). The problem is solved by the oracle-guided active-set method (ORGEN)
/// of the paper: with the oracle point `δ = γ(x_j − X_Tᵀ c_T)` of the solution on an active set
/// `T`, that solution is optimal for all N atoms iff `|x_kᵀ δ| ≤ λ` for every `k ∉ T`. So:
///
/// 1. `T` ← the ``supportSize`` atoms most correlated with `x_j` among those that violate the
///    zero solution (`γ|x_kᵀ x_j| > λ`); none: `c_j = 0`.
/// 2. Solve the elastic net on `T` (``ElasticNetSolver``: coordinate descent and an exact step on
///    the support, in Double).
/// 3. `δ ← γ(x_j − X_Tᵀ c_T)`; the correlations `X δ` of all samples of a block are one sgemm.
/// 4. Violators `k ∉ T` with `|x_kᵀ δ| > λ(1 + 1e-6)` (confirmed in Double): none → done.
///    Otherwise `T` ← the support of `c_T` plus the strongest violators, up to
///    `max(supportSize − |support|, supportSize/4, 1)` of them; back to 2. At most
///    ``maxIterations`` solves; a sample still violated then counts in
///    ``SelfExpressiveCodingStats/notConverged`` and the result carries a warning.
///
/// Then only the ``maxNonzeros`` largest `|c_k|` of a row are kept (nil: all), `W = (|C̃| + |C̃|ᵀ)/2`
/// with rows scaled by ``normalization`` (unit L2, as the reference toolbox) and spectral clustering
/// (``SelfExpressiveClustering``). The coder makes no random choice; ``seed`` drives the spectral
/// stage. Memory: the samples `[N, D]`, `C`, and per running block `blockSize·N` correlations plus
/// each running sample's active-set Gram matrix (`|T|²` doubles, `|T|` about ``supportSize``).
/// Time per round and sample: O(N·D) for the correlations (sgemm), O(|T_new|·|T|·D) for the Gram
/// rows of the atoms new to `T` (those of kept atoms are reused), and the elastic-net solve.
public struct ElasticNetSubspaceClustering: Sendable, SelfExpressiveCoder {
    /// Number of clusters K, `2 <= K <= N`.
    public var clusters: Int
    /// The l1 share `λ` of the penalty, `0 < λ <= 1` (default 0.9).
    public var lambda: Double
    /// The data-term weight, read through ``gammaScale`` (default 50, relative).
    public var gamma: Double
    public var gammaScale: ElasticNetGammaScale = .relative
    /// Atoms in the first active set, and the size an active set may grow to before it is capped
    /// (an active set holds the support plus the new violators), `>= 1`.
    public var supportSize: Int = 100
    /// Active-set solves per sample, `>= 1` (the reference's `maxiter`).
    public var maxIterations: Int = 40
    /// Keep only this many largest `|c_k|` per row (the reference's `n_nonzero`, 50); nil keeps all.
    public var maxNonzeros: Int? = 50
    /// Relative step tolerance of the coordinate descent on an active set, `> 0`.
    public var tolerance: Double = 1e-8
    /// Coordinate-descent sweeps per active-set solve, `>= 1`.
    public var maxSweeps: Int = 10_000
    /// Scale every sample to unit L2 norm before coding (the method assumes it).
    public var normalizeSamples: Bool = true
    /// Samples per sgemm block, `>= 1`.
    public var blockSize: Int = 256
    /// Row scaling of `C` before the affinity.
    public var normalization: CoefficientNormalization = .l2
    /// The eigenvectors, the layout and k-means.
    public var spectral = SpectralSettings()
    public var seed: UInt64

    public init(clusters: Int, lambda: Double = 0.9, gamma: Double = 50, seed: UInt64 = 0) {
        self.clusters = clusters
        self.lambda = lambda
        self.gamma = gamma
        self.seed = seed
    }

    /// The clustering of the coefficients these settings describe.
    public var coefficientClustering: SelfExpressiveClustering {
        var sec = SelfExpressiveClustering(
            clusters: clusters, normalization: normalization, spectral: spectral, seed: seed)
        sec.connectivityHint = "try a smaller lambda, whose codes are denser"
        return sec
    }

    /// Throws ``ClusterError`` unless the coding parameters suit `samples` rows of `features` values.
    public func validateCoding(samples: Int, features: Int) throws {
        func bad(_ name: String, _ value: Any, _ requirement: String) -> ClusterError {
            ClusterError.invalidParameter(name: name, value: "\(value)", requirement: requirement)
        }
        if samples < 1 || features < 1 { throw ClusterError.emptyInput(samples: samples, features: features) }
        if samples < 2 { throw bad("n_samples", samples, ">= 2 (a sample never codes itself)") }
        if !(lambda > 0 && lambda <= 1) { throw bad("lambda", lambda, "in (0, 1]") }
        switch gammaScale {
        case .relative where !(gamma > 1 && gamma.isFinite):
            throw bad("gamma", gamma, "finite and > 1 with gammaScale=relative (gamma <= 1 gives C = 0)")
        case .absolute where !(gamma > 0 && gamma.isFinite):
            throw bad("gamma", gamma, "finite and > 0")
        default: break
        }
        if supportSize < 1 { throw bad("supportSize", supportSize, ">= 1") }
        if maxIterations < 1 { throw bad("maxIterations", maxIterations, ">= 1") }
        if let k = maxNonzeros, k < 1 { throw bad("maxNonzeros", k, ">= 1 or nil") }
        if !(tolerance > 0 && tolerance.isFinite) { throw bad("tolerance", tolerance, "finite and > 0") }
        if maxSweeps < 1 { throw bad("maxSweeps", maxSweeps, ">= 1") }
        if blockSize < 1 { throw bad("blockSize", blockSize, ">= 1") }
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

    func warnings(for stats: SelfExpressiveCodingStats, samples: Int) -> [String] {
        guard stats.notConverged > 0 else { return [] }
        return [
            "EnSC: \(stats.notConverged) of \(samples) samples still violated the "
                + "optimality conditions after maxIterations=\(maxIterations) active-set iterations"
        ]
    }
}
