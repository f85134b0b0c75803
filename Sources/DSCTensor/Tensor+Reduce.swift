/// Reductions along axes: sum, mean and max.
///
/// `axes` may be negative (from the end) and in any order; an empty list means all axes. With
/// `keepDims` the reduced axes stay as extent 1 (so the result broadcasts against the input),
/// otherwise they are removed (reducing every axis gives a scalar `[]`). Internally the input is
/// walked with `Broadcast(input, keptShape)`, whose second operand is the output.
extension Tensor {
    /// The kept shape (reduced axes set to 1) and the final shape for `axes`.
    func reductionShapes(_ axes: [Int], keepDims: Bool) -> (kept: [Int], final: [Int]) {
        let set = Set(axes.isEmpty ? Array(0..<rank) : axes.map { normalizedAxis($0) })
        let kept = shape.enumerated().map { set.contains($0.offset) ? 1 : $0.element }
        let final = keepDims ? kept : shape.enumerated().filter { !set.contains($0.offset) }.map(\.element)
        return (kept, final)
    }

    /// `Σ` over `axes` (all when empty). Backward: every input element receives its output's gradient.
    public func sum(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        reduceLinear("sum", axes: axes, keepDims: keepDims, scale: 1)
    }

    /// `Σ / n` over `axes` (all when empty), `n` the number of elements reduced into each output
    /// (NaN when `n = 0`, as in NumPy). Backward: every input element receives `1/n` of its
    /// output's gradient.
    public func mean(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        let (kept, _) = reductionShapes(axes, keepDims: keepDims)
        let n = zip(shape, kept).reduce(1) { $0 * ($1.0 == $1.1 ? 1 : $1.0) }
        return reduceLinear("mean", axes: axes, keepDims: keepDims, scale: 1 / Float(n))
    }

    /// Sum or mean: `out = scale · Σ x`, `∂x += scale · g`.
    private func reduceLinear(_ name: String, axes: [Int], keepDims: Bool, scale: Float) -> Tensor {
        let (kept, final) = reductionShapes(axes, keepDims: keepDims)
        let plan = Broadcast(shape, kept)
        let x = self
        let out = Tensor.zeros(final)
        out.data.withUnsafeMutableBufferPointer { po in
            x.data.withUnsafeBufferPointer { px in
                let o = po.baseAddress!
                let src = px.baseAddress!
                plan.forEachSpan(0..<count) { xo, _, oo, n, _, so in
                    spanAccumulate(o + oo, so, n) { src[xo + $0] }
                }
                if scale != 1 { for i in 0..<po.count { o[i] *= scale } }
            }
        }
        return out.recorded(name, [x]) { g in
            x.accumulateGrad { gx in
                let d = gx.baseAddress!
                let gp = g.baseAddress!
                plan.forEachSpan(0..<x.count) { xo, _, oo, n, _, so in
                    if so == 0 {
                        let v = scale * gp[oo]
                        for i in 0..<n { d[xo + i] += v }
                    } else {
                        for i in 0..<n { d[xo + i] += scale * gp[oo + i] }
                    }
                }
            }
        }
    }

    /// Maximum over `axes` (all when empty). Backward: the gradient goes to the first position
    /// (in row-major order) holding the maximum; NaNs are skipped. Reducing an empty axis gives `−inf`.
    public func max(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        let (kept, final) = reductionShapes(axes, keepDims: keepDims)
        let plan = Broadcast(shape, kept)
        let x = self
        let outCount = final.reduce(1, *)
        var argmax = [Int](repeating: -1, count: outCount)
        let out = Tensor.full(final, value: -.infinity)
        out.data.withUnsafeMutableBufferPointer { po in
            x.data.withUnsafeBufferPointer { px in
                argmax.withUnsafeMutableBufferPointer { pa in
                    let o = po.baseAddress!
                    let src = px.baseAddress!
                    let arg = pa.baseAddress!
                    plan.forEachSpan(0..<count) { xo, _, oo, n, _, so in
                        for i in 0..<n where src[xo + i] > o[oo + i * so] {
                            o[oo + i * so] = src[xo + i]
                            arg[oo + i * so] = xo + i
                        }
                    }
                }
            }
        }
        return out.recorded("max", [x]) { g in
            x.accumulateGrad { gx in
                for (j, i) in argmax.enumerated() where i >= 0 { gx[i] += g[j] }
            }
        }
    }
}
