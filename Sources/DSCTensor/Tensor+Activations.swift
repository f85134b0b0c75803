import Foundation

/// Elementwise unary primitives (activations and math functions), each forward followed by its
/// derivative. At points where a function is not differentiable the derivative used is stated.

extension Tensor {
    /// `f` applied to every element, split over the cores for big tensors.
    @inline(__always)
    func mapped(_ f: (Float) -> Float) -> Tensor {
        let x = self
        return Tensor.build(shape: shape) { y in
            x.data.withUnsafeBufferPointer { px in
                let src = px.baseAddress!
                let dst = y.baseAddress!
                Parallel.chunks(x.count, grain: Parallel.elementwiseGrain) { r in
                    for i in r { dst[i] = f(src[i]) }
                }
            }
        }
    }

    /// `grad[i] += term(g[i], saved[i])` for every element, split over the cores for big tensors.
    @inline(__always)
    func accumulateGrad(_ g: UnsafeBufferPointer<Float>, _ saved: [Float], _ term: (Float, Float) -> Float) {
        accumulateGrad { dst in
            saved.withUnsafeBufferPointer { ps in
                let d = dst.baseAddress!
                let s = ps.baseAddress!
                let gp = g.baseAddress!
                Parallel.chunks(dst.count, grain: Parallel.elementwiseGrain) { r in
                    for i in r { d[i] += term(gp[i], s[i]) }
                }
            }
        }
    }

    /// `max(x, 0)`; derivative 1 for `x > 0`, else 0 (0 at `x = 0`).
    public func relu() -> Tensor {
        let x = self
        return mapped { Swift.max($0, 0) }.recorded("relu", [x]) { g in
            x.accumulateGrad(g, x.data) { gi, xi in xi > 0 ? gi : 0 }
        }
    }

    /// `x` for `x > 0`, else `slope · x`; derivative at 0 is `slope`.
    public func leakyRelu(slope: Float = 0.01) -> Tensor {
        let x = self
        return mapped { $0 > 0 ? $0 : slope * $0 }.recorded("leakyRelu", [x]) { g in
            x.accumulateGrad(g, x.data) { gi, xi in xi > 0 ? gi : slope * gi }
        }
    }

    /// Exact GELU, `x · Φ(x) = x/2 · (1 + Foundation.erf(x/√2))` (PyTorch's default `approximate='none'`,
    /// not the tanh approximation); derivative `Φ(x) + x · φ(x)`.
    public func gelu() -> Tensor {
        let x = self
        let invSqrt2: Float = 0.707_106_781_186_547_5
        let invSqrt2Pi: Float = 0.398_942_280_401_432_7
        return mapped { $0 * 0.5 * (1 + Foundation.erf($0 * invSqrt2)) }.recorded("gelu", [x]) { g in
            x.accumulateGrad(g, x.data) { gi, xi in
                gi * (0.5 * (1 + Foundation.erf(xi * invSqrt2)) + xi * invSqrt2Pi * Foundation.exp(-0.5 * xi * xi))
            }
        }
    }

    /// Hyperbolic tangent; derivative `1 − y²`.
    public func tanh() -> Tensor {
        let x = self
        let y = mapped { Foundation.tanh($0) }
        return y.recorded("tanh", [x]) { [yv = y.data] g in
            x.accumulateGrad(g, yv) { gi, yi in gi * (1 - yi * yi) }
        }
    }

    /// Logistic `1 / (1 + e^{−x})`, computed without overflow for large `|x|`; derivative `y(1 − y)`.
    public func sigmoid() -> Tensor {
        let x = self
        let y = mapped { v in
            if v >= 0 { return 1 / (1 + Foundation.exp(-v)) }
            let e = Foundation.exp(v)
            return e / (1 + e)
        }
        return y.recorded("sigmoid", [x]) { [yv = y.data] g in
            x.accumulateGrad(g, yv) { gi, yi in gi * yi * (1 - yi) }
        }
    }

    /// `e^x`; derivative `y`.
    public func exp() -> Tensor {
        let x = self
        let y = mapped { Foundation.exp($0) }
        return y.recorded("exp", [x]) { [yv = y.data] g in
            x.accumulateGrad(g, yv) { gi, yi in gi * yi }
        }
    }

    /// Natural logarithm (`−inf` at 0, NaN below); derivative `1/x`.
    public func log() -> Tensor {
        let x = self
        return mapped { Foundation.log($0) }.recorded("log", [x]) { g in
            x.accumulateGrad(g, x.data) { gi, xi in gi / xi }
        }
    }

    /// Square root (NaN below 0); derivative `1/(2y)` (infinite at 0).
    public func sqrt() -> Tensor {
        let x = self
        let y = mapped { $0.squareRoot() }
        return y.recorded("sqrt", [x]) { [yv = y.data] g in
            x.accumulateGrad(g, yv) { gi, yi in gi / (2 * yi) }
        }
    }

    /// `|x|`; derivative `sign(x)`, 0 at 0.
    public func abs() -> Tensor {
        let x = self
        return mapped { Swift.abs($0) }.recorded("abs", [x]) { g in
            x.accumulateGrad(g, x.data) { gi, xi in xi > 0 ? gi : (xi < 0 ? -gi : 0) }
        }
    }

    /// `x^p` for a constant exponent (NaN for negative `x` with non-integer `p`); derivative `p · x^{p−1}`.
    public func pow(_ p: Float) -> Tensor {
        let x = self
        let y: Tensor
        if p == 2 { y = mapped { $0 * $0 } } else { y = mapped { Foundation.pow($0, p) } }
        return y.recorded("pow", [x]) { g in
            if p == 2 {
                x.accumulateGrad(g, x.data) { gi, xi in 2 * gi * xi }
            } else {
                x.accumulateGrad(g, x.data) { gi, xi in gi * p * Foundation.pow(xi, p - 1) }
            }
        }
    }

    /// Inverted dropout: each element is kept with probability `1 − p` and scaled by `1/(1 − p)`,
    /// or zeroed; the mask is drawn from `generator` in row-major order, so one seed reproduces it.
    /// The gradient passes through the same mask. `p = 0` returns `self` unchanged.
    /// - Precondition: `0 ≤ p < 1`.
    public func dropout(_ p: Float, generator: inout SeededGenerator) -> Tensor {
        precondition(p >= 0 && p < 1, "dropout: probability p=\(p) outside [0, 1)")
        if p == 0 { return self }
        let scale = 1 / (1 - p)
        var mask = [Float](repeating: 0, count: count)
        for i in 0..<count where generator.nextUniform() >= Double(p) { mask[i] = scale }
        let x = self
        let out = Tensor.build(shape: shape) { y in
            x.data.withUnsafeBufferPointer { px in
                for i in 0..<y.count { y[i] = px[i] * mask[i] }
            }
        }
        return out.recorded("dropout", [x]) { g in
            x.accumulateGrad(g, mask) { gi, mi in gi * mi }
        }
    }
}
