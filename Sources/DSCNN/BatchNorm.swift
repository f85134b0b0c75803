import DSCTensor

/// Batch normalisation (Ioffe & Szegedy, 2015) over `[B, C]` or `[B, C, H, W]`, per channel.
///
/// Training mode: normalises with the batch mean and biased variance and updates the running
/// estimates, `running ← (1 − momentum) · running + momentum · batch`, with the **unbiased**
/// batch variance `σ²·n/(n−1)` for `runningVar` (PyTorch's convention; `n = B·H·W`).
/// Evaluation mode: normalises with `runningMean`/`runningVar` and leaves them unchanged.
/// `y = weight · (x − μ) / √(σ² + epsilon) + bias`.
///
/// - Parameters: `weight` (γ, ones) and `bias` (β, zeros), `[C]`, trainable unless `affine: false`.
/// - Buffers (state, not trainable, saved in checkpoints): `runningMean` (zeros) and
///   `runningVar` (ones), `[C]`.
/// - Defaults `momentum = 0.1`, `epsilon = 1e-5`, as in PyTorch and MLX.
/// - With `relu: true` the layer outputs `max(y, 0)`, fused into the same pass (forward and
///   backward) instead of a separate ``ReLU`` layer; ``callAsFunction(_:adding:)`` also adds a
///   residual before the ReLU — the end of a residual block in one pass.
public final class BatchNorm: Module, UnaryLayer {
    public let features: Int
    public let momentum: Float
    public let epsilon: Float
    /// Whether a ReLU is applied to the output (after the residual, if any).
    public let relu: Bool
    /// γ `[features]`, or nil without `affine`.
    public let weight: Tensor?
    /// β `[features]`, or nil without `affine`.
    public let bias: Tensor?
    /// Running mean `[features]` (a buffer).
    public let runningMean: Tensor
    /// Running unbiased variance `[features]` (a buffer).
    public let runningVar: Tensor

    /// - Precondition: `features ≥ 1`, `0 ≤ momentum ≤ 1`, `epsilon > 0`.
    public init(features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, affine: Bool = true, relu: Bool = false) {
        precondition(features >= 1, "BatchNorm: features=\(features) must be >= 1")
        precondition(
            (0...1).contains(momentum) && epsilon > 0,
            "BatchNorm: momentum=\(momentum) must be in [0, 1], epsilon=\(epsilon) > 0")
        self.features = features
        self.momentum = momentum
        self.epsilon = epsilon
        self.relu = relu
        weight = affine ? Tensor.ones([features], requiresGrad: true) : nil
        bias = affine ? Tensor.zeros([features], requiresGrad: true) : nil
        runningMean = Tensor.zeros([features])
        runningVar = Tensor.ones([features])
        super.init()
    }

    public override func ownParameters() -> [(String, Tensor)] {
        [("weight", weight), ("bias", bias)].compactMap { name, t in t.map { (name, $0) } }
    }

    public override func ownBuffers() -> [(String, Tensor)] {
        [("runningMean", runningMean), ("runningVar", runningVar)]
    }

    /// - Precondition: `x` is `[B, features]` or `[B, features, H, W]`.
    public func callAsFunction(_ x: Tensor) -> Tensor { normalize(x, residual: nil) }

    /// `relu?(bn(x) + residual)`, fused.
    /// - Precondition: as ``callAsFunction(_:)``; `residual` has the shape of `x`.
    public func callAsFunction(_ x: Tensor, adding residual: Tensor) -> Tensor { normalize(x, residual: residual) }

    private func normalize(_ x: Tensor, residual: Tensor?) -> Tensor {
        precondition(
            (x.rank == 2 || x.rank == 4) && x.shape[1] == features,
            "BatchNorm(\(features)): input \(x.shape) must be [B, \(features)] or [B, \(features), H, W]")
        guard training else {
            return x.batchNorm(
                gamma: weight, beta: bias,
                statistics: .running(mean: runningMean.data, variance: runningVar.data),
                epsilon: epsilon, residual: residual, relu: relu
            ).output
        }
        let result = x.batchNorm(
            gamma: weight, beta: bias, statistics: .batch, epsilon: epsilon,
            residual: residual, relu: relu)
        let unbiased = result.unbiasedVariance
        let m = momentum
        runningMean.data.withUnsafeMutableBufferPointer { r in
            for c in 0..<features { r[c] = (1 - m) * r[c] + m * result.mean[c] }
        }
        runningVar.data.withUnsafeMutableBufferPointer { r in
            for c in 0..<features { r[c] = (1 - m) * r[c] + m * unbiased[c] }
        }
        return result.output
    }
}
