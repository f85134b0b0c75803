import DSCTensor

/// Scales all gradients together so that their joint Euclidean norm is at most `maxNorm`, as
/// PyTorch's `clip_grad_norm_`: with `total = √(Σ_p ‖∂p‖²)` (summed in Double over every
/// parameter that has a gradient), each gradient is multiplied by `maxNorm / (total + 1e-6)` when
/// that factor is below 1, and left alone otherwise.
///
/// - Returns: `total`, the norm before clipping (`0` when no parameter has a gradient; NaN or
///   infinity when some gradient is, and then nothing is scaled).
/// - Precondition: `maxNorm > 0`.
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    precondition(maxNorm > 0, "clipGradNorm: maxNorm=\(maxNorm) must be > 0")
    var sum = 0.0
    for p in parameters {
        guard let g = p.grad else { continue }
        g.data.withUnsafeBufferPointer { b in for x in b { sum += Double(x) * Double(x) } }
    }
    let total = Float(sum.squareRoot())
    guard total.isFinite else { return total }
    let factor = maxNorm / (total + 1e-6)
    if factor < 1 {
        for p in parameters {
            p.grad?.data.withUnsafeMutableBufferPointer { b in for i in 0..<b.count { b[i] *= factor } }
        }
    }
    return total
}
