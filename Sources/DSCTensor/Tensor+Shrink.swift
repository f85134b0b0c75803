/// Soft thresholding, the proximal operator of `λ‖x‖₁`:
/// `shrink(x, λ) = sign(x) · max(|x| − λ, 0)`.
///
/// Used for sparse self-expressive coefficients with a learnable threshold. `λ` broadcasts to the
/// shape of `x` (a scalar, one threshold per row `[n, 1]`, per column `[d]`, …) and is meant to be
/// non-negative. Derivatives, where `|x| > λ`: `∂/∂x = 1`, `∂/∂λ = −sign(x)`; elsewhere both are 0
/// (including at `|x| = λ`).
extension Tensor {
    /// Soft threshold with a tensor `lambda` that broadcasts to `self.shape`; gradients flow to
    /// both `self` and `lambda`.
    /// - Precondition: broadcasting `lambda` does not enlarge `self`.
    public func shrink(_ lambda: Tensor) -> Tensor {
        let plan = Broadcast(shape, lambda.shape)
        precondition(plan.shape == shape, "shrink: threshold shape \(lambda.shape) does not broadcast to \(shape)")
        let x = self
        let out = Tensor.build(shape: shape) { y in
            x.data.withUnsafeBufferPointer { px in
                lambda.data.withUnsafeBufferPointer { pl in
                    let src = px.baseAddress!
                    let lam = pl.baseAddress!
                    let dst = y.baseAddress!
                    Parallel.chunks(count, grain: Parallel.elementwiseGrain) { range in
                        plan.forEachSpan(range) { o, _, lo, n, _, sl in
                            for i in 0..<n {
                                let v = src[o + i]
                                let t = lam[lo + i * sl]
                                dst[o + i] = v > t ? v - t : (v < -t ? v + t : 0)
                            }
                        }
                    }
                }
            }
        }
        return out.recorded("shrink", [x, lambda]) { g in
            let xv = x.data
            let lv = lambda.data
            let gp = g.baseAddress!
            xv.withUnsafeBufferPointer { px in
                lv.withUnsafeBufferPointer { pl in
                    let src = px.baseAddress!
                    let lam = pl.baseAddress!
                    if x.requiresGrad {
                        x.accumulateGrad { gx in
                            let d = gx.baseAddress!
                            plan.forEachSpan(0..<x.count) { o, _, lo, n, _, sl in
                                for i in 0..<n where Swift.abs(src[o + i]) > lam[lo + i * sl] { d[o + i] += gp[o + i] }
                            }
                        }
                    }
                    if lambda.requiresGrad {
                        lambda.accumulateGrad { gl in
                            plan.forEachSpan(0..<x.count) { o, _, lo, n, _, sl in
                                spanAccumulate(gl.baseAddress! + lo, sl, n) { i in
                                    let v = src[o + i]
                                    let t = lam[lo + i * sl]
                                    return v > t ? -gp[o + i] : (v < -t ? gp[o + i] : 0)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Soft threshold with a constant `lambda` (no gradient for it).
    public func shrink(_ lambda: Float) -> Tensor { shrink(Tensor(scalar: lambda)) }
}
