/// Composite operations built only from primitives, so they need no backward of their own:
/// their gradients are exactly those of the primitives they are made of.
extension Tensor {
    /// The row maxima along `axis` (kept), as a constant: gradients do not flow through it.
    /// Non-finite maxima (a row of `−inf`) become 0 so that `x − m` stays finite.
    func stabilizingShift(axis: Int) -> Tensor {
        let m = Tensor.withNoGrad { max(axes: [axis], keepDims: true) }
        m.data.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count where !p[i].isFinite { p[i] = 0 }
        }
        return m
    }

    /// `log Σ exp(x)` along `axis`, computed as `m + log Σ exp(x − m)` with `m` the maximum, so
    /// it neither overflows for large `x` nor underflows to `−inf` for very negative `x`.
    /// The gradient is `softmax(x)` (the shift `m` cancels and is held constant).
    public func logsumexp(axis: Int = -1, keepDims: Bool = false) -> Tensor {
        let m = stabilizingShift(axis: axis)
        let lse = (self - m).exp().sum(axes: [axis], keepDims: true).log() + m
        return keepDims ? lse : lse.reshaped(reductionShapes([axis], keepDims: false).final)
    }

    /// `exp(x) / Σ exp(x)` along `axis`, with the maximum subtracted first (exact, since softmax
    /// is shift-invariant). Every slice along `axis` sums to 1.
    public func softmax(axis: Int = -1) -> Tensor {
        let e = (self - stabilizingShift(axis: axis)).exp()
        return e / e.sum(axes: [axis], keepDims: true)
    }

    /// `x − logsumexp(x)` along `axis`: the log of ``softmax(axis:)`` without its underflow.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        self - logsumexp(axis: axis, keepDims: true)
    }

    /// `x / √(Σ x² + ε)` along `axis`: unit Euclidean norm for every slice whose norm is well
    /// above `√ε`, and a finite (near-zero) result and gradient for an all-zero slice.
    /// Default `ε = 1e-12` (on the squared norm).
    public func l2Normalized(axis: Int = -1, epsilon: Float = 1e-12) -> Tensor {
        self / ((self * self).sum(axes: [axis], keepDims: true) + epsilon).sqrt()
    }
}

/// Loss functions, composites of primitives; each returns a scalar `[]` tensor (a mean over the
/// batch), ready for ``Tensor/backward(seed:)``.
public enum Loss {
    /// Mean cross-entropy of `logits [N, K]` against class indices `targets` (`N` values in `0..<K`):
    /// `−(1/N) Σ_i log softmax(logits_i)[targets_i]`. Stable for large logits (log-softmax).
    /// - Precondition: `targets.count == N` and every target in `0..<K`.
    public static func crossEntropy(logits: Tensor, targets: [Int]) -> Tensor {
        precondition(
            logits.rank == 2 && logits.shape[0] == targets.count,
            "crossEntropy: logits \(logits.shape) for \(targets.count) targets (need [N, K] with N = targets)")
        let (n, k) = (logits.shape[0], logits.shape[1])
        for t in targets { precondition(t >= 0 && t < k, "crossEntropy: target \(t) outside 0..<\(k)") }
        let picked = logits.logSoftmax(axis: 1).reshaped([n * k, 1])
            .gathered(rows: targets.enumerated().map { $0.offset * k + $0.element })
        return -picked.mean()
    }

    /// Mean squared error `(1/count) Σ (prediction − target)²`; `target` broadcasts.
    public static func mse(_ prediction: Tensor, _ target: Tensor) -> Tensor {
        let d = prediction - target
        return (d * d).mean()
    }

    /// NT-Xent, SimCLR's normalised temperature-scaled cross-entropy (Chen et al., 2020).
    ///
    /// `z1`, `z2` are `[N, d]` embeddings of two views, row `i` of each from the same sample. The
    /// `2N` rows are L2-normalised; with `s_ij = z_iᵀ z_j / τ`, each row's positive is its other
    /// view and its negatives are the other `2N − 2` rows (itself excluded):
    /// `L = (1/2N) Σ_i −log( exp(s_{i,p(i)}) / Σ_{j≠i} exp(s_ij) )`.
    /// - Precondition: equal shapes `[N, d]` with `N ≥ 1`; `temperature > 0`.
    public static func ntXent(_ z1: Tensor, _ z2: Tensor, temperature: Float = 0.5) -> Tensor {
        precondition(
            z1.rank == 2 && z1.shape == z2.shape && z1.shape[0] >= 1,
            "ntXent: views \(z1.shape) and \(z2.shape) must both be [N, d]")
        precondition(temperature > 0, "ntXent: temperature=\(temperature) must be > 0")
        let n = z1.shape[0]
        let z = Tensor.concat([z1, z2], axis: 0).l2Normalized(axis: 1)
        let logits = z.matmul(z, transposeB: true) / temperature
        var mask = [Float](repeating: 0, count: 4 * n * n)
        for i in 0..<(2 * n) { mask[i * 2 * n + i] = -1e9 }  // a sample is not its own negative
        let targets = (0..<(2 * n)).map { $0 < n ? $0 + n : $0 - n }
        return crossEntropy(logits: logits + Tensor(mask, shape: [2 * n, 2 * n]), targets: targets)
    }

    /// InfoNCE as in MoCo (He et al., 2020): queries `q [N, d]`, their positive keys `k [N, d]`
    /// and a dictionary of negatives `queue [K, d]`. `q` and `k` are L2-normalised here; the queue
    /// is used as given (MoCo stores normalised keys). With logits `[qᵢᵀkᵢ, qᵢᵀ queue_j …] / τ`
    /// and target 0: `L = (1/N) Σ_i −log( exp(qᵢᵀkᵢ/τ) / (exp(qᵢᵀkᵢ/τ) + Σ_j exp(qᵢᵀ queue_j/τ)) )`.
    /// Gradients flow to whichever of `q`, `k`, `queue` require them (MoCo detaches `k` and `queue`).
    /// - Precondition: `q`, `k` of equal shape `[N, d]`; `queue` `[K, d]`; `temperature > 0`.
    public static func infoNCE(query: Tensor, key: Tensor, queue: Tensor, temperature: Float = 0.07) -> Tensor {
        precondition(
            query.rank == 2 && query.shape == key.shape && queue.rank == 2 && queue.shape[1] == query.shape[1],
            "infoNCE: query \(query.shape), key \(key.shape), queue \(queue.shape) (need [N, d], [N, d], [K, d])")
        precondition(temperature > 0, "infoNCE: temperature=\(temperature) must be > 0")
        let q = query.l2Normalized(axis: 1)
        let k = key.l2Normalized(axis: 1)
        let positive = (q * k).sum(axes: [1], keepDims: true)  // [N, 1]
        let negative = q.matmul(queue, transposeB: true)  // [N, K]
        let logits = Tensor.concat([positive, negative], axis: 1) / temperature
        return crossEntropy(logits: logits, targets: [Int](repeating: 0, count: query.shape[0]))
    }
}
