import DSCTensor

/// Low-rank deep feature recovery (LDFR): every feature map is completed by its projection onto a
/// low-rank subspace learnt from the most informative maps of the batch.
///
/// From J. Ren, Z. Zhang, J. Fan, H. Zhang, M. Xu, M. Wang, "Robust Low-rank Deep Feature
/// Recovery in CNNs: Toward Low Information Loss and Fast Convergence", IEEE ICDM 2021. Placed
/// after a convolutional block, it restores detail lost to convolution and pooling.
///
/// **Forward, training mode.** Input `X [B, C, H, W]`, seen as `N = B·C` maps `x_n ∈ ℝ^{H·W}`
/// (each channel map flattened row-major):
/// 1. select the `s' = min(s, N)` maps of largest energy `‖x_n‖²` (ties: lower index first);
/// 2. stack them as `M [s', H·W]` and take the thin SVD `M = A Σ Vᵀ` (`LAPACK.svd`, sgesdd);
///    the batch basis is `U = V[:, :r]` (`[H·W, r]`, orthonormal columns), the rank-`r` principal
///    subspace of the selected maps (uncentred: the projection is linear, not affine);
/// 3. output `y_n = x_n + γ · U Uᵀ x_n` for every map (`X + γ·(U Uᵀ X)`), with `γ` a learnable
///    scalar that starts at 0, so a fresh layer is the identity;
/// 4. fuse the batch projection into the running projection `P̄` (see ``Fusion``) and increment
///    ``fusedCount``.
///
/// **Forward, evaluation mode.** The same formula with `U` the fused basis: the top-`r`
/// eigenvectors of `P̄` (`LAPACK.symmetricEigen`, dsyevr), so a sample's output does not depend on
/// the other samples in its batch. Before any training batch (`fusedCount = 0`) the fused basis
/// is zero and the layer is the identity.
///
/// **Gradients.** `∂y/∂X = I + γ U Uᵀ` and `∂y/∂γ = U Uᵀ X`: the basis is a constant of the step
/// (the SVD is not differentiated). The forward is built from primitives (`reshaped`, `matmul`,
/// broadcast `*` and `+`), so autodiff provides both; `γ` multiplies the `[B·C, r]` coefficients
/// `X U`, so its gradient is a sum over `B·C·r` terms, not `B·C·H·W`.
///
/// **State.** Parameter `gamma [1]`. Buffers (saved by checkpoints through `namedBuffers()`):
/// `fusedProjection [H·W, H·W]` (`P̄`), `fusedCount [1]` (batches fused), `fusedBasis [H·W, r]`
/// and `fusedBasisCount [1]` (the value of `fusedCount` when `fusedBasis` was extracted). The
/// basis is re-extracted from `P̄` when the layer switches to evaluation mode, and again by an
/// evaluation forward whenever `fusedBasisCount ≠ fusedCount` (e.g. after a checkpoint was
/// loaded into a model that had trained), so the buffers may be restored in any order. Training
/// steps only accumulate `P̄` and never pay for the eigen-decomposition.
///
/// **Complexity** per forward, `L = H·W`: selection O(N·L + N log N); SVD O(s'·L·min(s', L));
/// projection O(N·L·r) (two sgemm, `U Uᵀ` is never formed for the maps); fusion O(L²·r) (one
/// sgemm into `P̄`). Basis re-extraction O(L³), once per switch to evaluation. Memory O(L²) for
/// `P̄`.
///
/// **Edge cases.** `s > B·C` is clamped to `B·C` (``lastSelectedMaps`` shows the maps used).
/// `r > min(s, L)` is a precondition of `init`; a batch with `B·C < r` maps is a precondition
/// failure of the forward, with the values in the message. If the SVD fails (non-finite input),
/// the batch is not fused (``skippedBatches`` counts it) and the fused basis is used instead.
/// Selected maps of rank below `r` give a basis completed by LAPACK's orthonormal (deterministic)
/// choice of singular vectors for zero singular values. Training-mode forwards mutate the
/// buffers, so one layer must not run forwards on two threads at once.
public final class LDFR: Module, UnaryLayer {
    /// How batch projections are averaged into the fused projection `P̄`.
    public enum Fusion: Equatable, Sendable {
        /// The paper's fusion: the average over every batch projection seen,
        /// `P̄_n = P̄_{n−1} + (P_n − P̄_{n−1}) / n`.
        case cumulativeAverage
        /// An exponential moving average, `P̄_n = (1 − m) P̄_{n−1} + m P_n` (`P̄_1 = P_1`), which
        /// follows a subspace that drifts during training. Precondition: `0 < m ≤ 1`.
        case exponential(momentum: Float)
    }

    /// Rank `r` of the subspace.
    public let rank: Int
    /// Maps `s` selected per batch (clamped to `B·C` by the forward).
    public let selected: Int
    /// Length `H·W` of one flattened feature map.
    public let spatialSize: Int
    /// How batch subspaces are fused.
    public let fusion: Fusion

    /// Learnable recovery scale `γ`, shape `[1]`, initialised to 0.
    public let gamma: Tensor
    /// Fused projection `P̄`, `[H·W, H·W]`, symmetric (buffer).
    public let fusedProjection: Tensor
    /// Number of batch projections fused into `P̄`, `[1]` (buffer; exact up to 2²⁴).
    public let fusedCount: Tensor
    /// Top-`r` eigenvectors of `P̄` as columns, `[H·W, r]`, leading first, each with its
    /// largest-magnitude entry positive; zeros before any batch (buffer).
    public let fusedBasis: Tensor
    /// The value of ``fusedCount`` when ``fusedBasis`` was extracted, `[1]` (buffer).
    public let fusedBasisCount: Tensor

    /// Indices (into the `B·C` maps, `b·C + c`) of the maps selected by the last training forward.
    public private(set) var lastSelectedMaps: [Int] = []
    /// The basis `U [H·W, r]` computed by the last training forward (nil before one).
    public private(set) var lastBatchBasis: Tensor?
    /// Training batches whose SVD failed and that were therefore not fused.
    public private(set) var skippedBatches = 0

    /// An LDFR layer for maps of `spatialSize = H·W` pixels.
    ///
    /// - Parameters:
    ///   - r: rank of the recovered subspace, `1 ≤ r ≤ min(s, H·W)`.
    ///   - s: maps selected per batch, `s ≥ 1` (clamped to `B·C` at run time).
    ///   - spatialSize: `H·W` of the inputs, `≥ 1`.
    ///   - fusion: ``Fusion/cumulativeAverage`` (the paper's) by default.
    /// - Precondition: the ranges above, stated with the values when violated.
    public init(rank r: Int, selected s: Int, spatialSize: Int, fusion: Fusion = .cumulativeAverage) {
        if let problem = LDFR.configurationError(rank: r, selected: s, spatialSize: spatialSize, fusion: fusion) {
            preconditionFailure(problem)
        }
        self.rank = r
        self.selected = s
        self.spatialSize = spatialSize
        self.fusion = fusion
        gamma = Tensor.zeros([1], requiresGrad: true)
        fusedProjection = Tensor.zeros([spatialSize, spatialSize])
        fusedCount = Tensor.zeros([1])
        fusedBasis = Tensor.zeros([spatialSize, r])
        fusedBasisCount = Tensor.zeros([1])
        super.init()
    }

    /// The message `init` fails with for these arguments, or nil when they are valid.
    public static func configurationError(
        rank r: Int, selected s: Int, spatialSize: Int,
        fusion: Fusion = .cumulativeAverage
    ) -> String? {
        if spatialSize < 1 { return "LDFR: spatialSize=\(spatialSize) must be >= 1" }
        if s < 1 { return "LDFR: selected s=\(s) must be >= 1" }
        if r < 1 { return "LDFR: rank r=\(r) must be >= 1" }
        if r > min(s, spatialSize) {
            return
                "LDFR: rank r=\(r) must be <= min(selected s=\(s), spatialSize H*W=\(spatialSize))=\(min(s, spatialSize))"
        }
        if case .exponential(let m) = fusion, !(m > 0 && m <= 1) {
            return "LDFR: momentum=\(m) must be in (0, 1]"
        }
        return nil
    }

    public override func ownParameters() -> [(String, Tensor)] { [("gamma", gamma)] }

    public override func ownBuffers() -> [(String, Tensor)] {
        [
            ("fusedProjection", fusedProjection), ("fusedCount", fusedCount),
            ("fusedBasis", fusedBasis), ("fusedBasisCount", fusedBasisCount),
        ]
    }

    /// Switching to evaluation mode extracts the fused basis if batches were fused since.
    public override func didChangeMode() {
        if !training { refreshFusedBasisIfStale() }
    }

    /// `X + γ · (U Uᵀ X)` per map; `U` from this batch (training) or fused (evaluation).
    ///
    /// - Precondition: `x` is `[B, C, H, W]` with `H·W = spatialSize`; in training mode
    ///   `B·C ≥ rank`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 4 && x.shape[2] * x.shape[3] == spatialSize,
            "LDFR: input shape \(x.shape) is not [B, C, H, W] with H*W=spatialSize=\(spatialSize)")
        let maps = x.shape[0] * x.shape[1]
        let basis: Tensor
        if training {
            precondition(
                maps >= rank,
                "LDFR: batch has B*C=\(maps) maps (shape \(x.shape)), fewer than rank r=\(rank)")
            basis = trainingBasis(x.data, maps: maps)
        } else {
            refreshFusedBasisIfStale()
            basis = fusedBasis.detached()
        }
        // γ scales the r coefficients Uᵀx_n rather than the L-long projections: the same value,
        // with one [B·C, r] product instead of a full-size one, forward and backward.
        let flat = x.reshaped([maps, spatialSize])
        let recovered = (flat.matmul(basis) * gamma).matmul(basis, transposeB: true).reshaped(x.shape)
        return x + recovered
    }

    /// `U Uᵀ x_n` for every map of `x [B, C, H, W]` (or any shape whose last axes hold `H·W`
    /// values per map): `((X_flat · U) · Uᵀ)` reshaped to `x.shape`, differentiable in `x`
    /// (and in `basis` if it requires a gradient). Idempotent when `U` has orthonormal columns.
    ///
    /// - Precondition: `basis` is `[L, r]` and `x.count` is a multiple of `L`.
    public static func project(_ x: Tensor, onto basis: Tensor) -> Tensor {
        precondition(
            basis.rank == 2 && basis.shape[0] > 0 && x.count % basis.shape[0] == 0,
            "LDFR.project: basis \(basis.shape) does not divide input \(x.shape) into maps")
        let length = basis.shape[0]
        let flat = x.reshaped([x.count / length, length])
        return flat.matmul(basis).matmul(basis, transposeB: true).reshaped(x.shape)
    }

    /// Steps 1, 2 and 4 of the training forward; returns `U [L, r]` (a constant).
    private func trainingBasis(_ values: [Float], maps: Int) -> Tensor {
        let chosen = LDFR.mostEnergeticMaps(values, maps: maps, length: spatialSize, count: min(selected, maps))
        lastSelectedMaps = chosen
        guard let u = LDFR.principalBasis(values, rows: chosen, length: spatialSize, rank: rank) else {
            skippedBatches += 1
            refreshFusedBasisIfStale()
            return fusedBasis.detached()
        }
        fuse(u)
        let basis = Tensor(u, shape: [spatialSize, rank])
        lastBatchBasis = basis
        return basis
    }
}
