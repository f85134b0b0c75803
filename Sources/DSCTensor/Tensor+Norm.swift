/// Batch normalisation as one primitive (Ioffe & Szegedy, 2015), for `[B, C]` and `[B, C, H, W]`.
///
/// Per channel `c`, over the `n = B·H·W` values of that channel:
/// `y = γ_c · (x − μ_c) / √(σ²_c + ε) + β_c`.
/// - `.batch`: `μ`, `σ²` are the batch mean and biased variance (`Σ(x − μ)²/n`), returned so that a
///   layer can update its running statistics (PyTorch keeps the unbiased `σ²·n/(n−1)` there;
///   ``BatchNormResult/unbiasedVariance``). Backward, with `x̂` the normalised input and `g = ∂y`:
///   `∂x = γ/(n·√(σ²+ε)) · (n·g − Σg − x̂·Σ(g·x̂))`, `∂γ = Σ g·x̂`, `∂β = Σ g`.
/// - `.running(mean:variance:)`: the given statistics are constants;
///   `∂x = g · γ/√(σ²+ε)`, same `∂γ`, `∂β`.
///
/// Optionally fused with what usually follows it in a CNN, as one pass each way:
/// `relu(y + residual)` (a residual block's end) or `relu(y)`; the gradient reaching `y` is then
/// `g · [output > 0]` and the residual receives the same. Channels are independent, so they are
/// split over the cores; sums use Double accumulators across feature maps.
public enum BatchNormStatistics {
    /// Training: statistics of this batch.
    case batch
    /// Evaluation: fixed per-channel mean and (biased) variance, e.g. a layer's running averages.
    case running(mean: [Float], variance: [Float])
}

/// What ``Tensor/batchNorm(gamma:beta:statistics:epsilon:residual:relu:)`` returns.
public struct BatchNormResult {
    /// The normalised, scaled and shifted input (same shape), with the residual added and the
    /// ReLU applied when asked for.
    public let output: Tensor
    /// Per-channel mean used (the batch's, or the running one given).
    public let mean: [Float]
    /// Per-channel biased variance used.
    public let variance: [Float]
    /// Values per channel, `B·H·W`.
    public let count: Int
    /// `variance · n/(n − 1)` (equal to `variance` when `n = 1`), for running-variance updates.
    public var unbiasedVariance: [Float] {
        count > 1 ? variance.map { $0 * Float(count) / Float(count - 1) } : variance
    }
}

extension Tensor {
    /// Batch normalisation of `self` (`[B, C]` or `[B, C, H, W]`); see ``BatchNormStatistics``.
    ///
    /// - Parameters:
    ///   - gamma: scale `[C]`, or nil for 1.
    ///   - beta: shift `[C]`, or nil for 0.
    ///   - epsilon: added to the variance, default `1e-5` (PyTorch's).
    ///   - residual: added to the normalised output (same shape as `self`), or nil.
    ///   - relu: apply `max(·, 0)` last.
    /// - Returns: `relu?(γ·x̂ + β + residual)` and the statistics used.
    /// - Precondition: rank 2 or 4; parameter and statistic lengths equal `C`; the residual has
    ///   the input's shape.
    public func batchNorm(
        gamma: Tensor? = nil, beta: Tensor? = nil, statistics: BatchNormStatistics = .batch,
        epsilon: Float = 1e-5, residual: Tensor? = nil, relu: Bool = false
    ) -> BatchNormResult {
        precondition(rank == 2 || rank == 4, "batchNorm: input \(shape) must be [B, C] or [B, C, H, W]")
        let (batch, channels) = (shape[0], shape[1])
        let spatial = rank == 4 ? shape[2] * shape[3] : 1
        for (name, p) in [("gamma", gamma), ("beta", beta)] {
            if let p { precondition(p.shape == [channels], "batchNorm: \(name) \(p.shape) for \(channels) channels") }
        }
        if let residual {
            precondition(residual.shape == shape, "batchNorm: residual \(residual.shape) for input \(shape)")
        }
        let x = self
        var mean: [Float]
        var variance: [Float]
        var isBatch = false
        switch statistics {
        case .batch:
            if let m = x.recordedMoments, m.mean.count == channels {
                (mean, variance) = (m.mean, m.variance)  // taken by the producer (a convolution)
            } else {
                (mean, variance) = x.channelMoments(batch: batch, channels: channels, spatial: spatial)
            }
            isBatch = true
        case .running(let m, let v):
            precondition(
                m.count == channels && v.count == channels,
                "batchNorm: running statistics of length \(m.count), \(v.count) for \(channels) channels")
            (mean, variance) = (m, v)
        }
        let plan = BatchNormPlan(
            layout: ChannelLayout(batch: batch, channels: channels, spatial: spatial),
            mean: mean, invStd: variance.map { 1 / ($0 + epsilon).squareRoot() },
            gamma: gamma?.data ?? [Float](repeating: 1, count: channels),
            beta: beta?.data ?? [Float](repeating: 0, count: channels), isBatch: isBatch)
        let out = Tensor.build(shape: shape) { y in plan.forward(x.data, residual?.data, relu: relu, y) }
        let inputs = [x] + [gamma, beta, residual].compactMap { $0 }
        // Without a residual the ReLU's mask is `x·scale + shift > 0`, recomputed from x in the
        // backward loops (no masked copy of g, no saved output).
        let maskFromInput = relu && residual == nil
        let recorded = out.recorded("batchNorm", inputs) { [yv = relu && !maskFromInput ? out.data : []] g in
            if maskFromInput {
                plan.backward(g, x: x, gamma: gamma, beta: beta, reluMasked: true)
                return
            }
            // The gradient reaching the normalisation: g, or g masked by the ReLU.
            let masked = relu ? Tensor.reluMasked(g, yv) : []
            masked.withUnsafeBufferPointer { pm in
                let ge = relu ? pm : g
                if let residual, residual.requiresGrad {
                    if residual.grad == nil {
                        residual.grad = Tensor(relu ? masked : Array(g), shape: residual.shape)
                    } else {
                        residual.accumulateGrad(adding: ge)
                    }
                }
                plan.backward(ge, x: x, gamma: gamma, beta: beta)
            }
        }
        return BatchNormResult(output: recorded, mean: mean, variance: variance, count: batch * spatial)
    }

    /// `g[i]` where `y[i] > 0`, else 0 (ReLU's derivative, 0 at 0), split over the cores.
    static func reluMasked(_ g: UnsafeBufferPointer<Float>, _ y: [Float]) -> [Float] {
        [Float](unsafeUninitializedCapacity: y.count) { out, initialised in
            y.withUnsafeBufferPointer { py in
                let (o, gp, yp) = (out.baseAddress!, g.baseAddress!, py.baseAddress!)
                Parallel.chunks(y.count, grain: Parallel.elementwiseGrain) { r in
                    // Eight lanes with a select, not a branch (signs of activations are random).
                    var i = r.lowerBound
                    let (ro, rg, ry) = (UnsafeMutableRawPointer(o), UnsafeRawPointer(gp), UnsafeRawPointer(yp))
                    while i + 8 <= r.upperBound {
                        let yv = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                        let gv = rg.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                        ro.storeBytes(
                            of: SIMD8<Float>().replacing(with: gv, where: yv .> 0), toByteOffset: i * 4,
                            as: SIMD8<Float>.self)
                        i += 8
                    }
                    while i < r.upperBound {
                        o[i] = yp[i] > 0 ? gp[i] : 0
                        i += 1
                    }
                }
            }
            initialised = y.count
        }
    }

    /// Per-channel mean and biased variance of `[B, C, spatial]` data in one pass: sums of
    /// `x − K` and `(x − K)²` with the shift `K` the channel's first value (so that the sums stay
    /// of the order of the spread, not of the mean), in Float lanes within a feature map and
    /// Double across maps; then `μ = K + S₁/n`, `σ² = S₂/n − (S₁/n)²`.
    func channelMoments(batch: Int, channels: Int, spatial: Int) -> (mean: [Float], variance: [Float]) {
        var mean = [Float](repeating: 0, count: channels)
        var variance = mean
        let layout = ChannelLayout(batch: batch, channels: channels, spatial: spatial)
        let n = Double(batch * spatial)
        guard n > 0 else { return (mean, variance) }
        data.withUnsafeBufferPointer { px in
            mean.withUnsafeMutableBufferPointer { pm in
                variance.withUnsafeMutableBufferPointer { pv in
                    layout.forEachChannel { c, rows in
                        let shift = px[c * spatial]
                        var s1 = 0.0
                        var s2 = 0.0
                        for o in rows {
                            let (a, b) = runCentredSums(px.baseAddress! + o, shift, spatial)
                            s1 += a
                            s2 += b
                        }
                        let d = s1 / n
                        pm[c] = Float(Double(shift) + d)
                        pv[c] = Float(Swift.max(0, s2 / n - d * d))
                    }
                }
            }
        }
        return (mean, variance)
    }
}

/// `(Σ (x − m), Σ (x − m)²)` over `x[0..<n]`, eight Float lanes, returned in Double.
@inline(__always)
func runCentredSums(_ x: UnsafePointer<Float>, _ m: Float, _ n: Int) -> (Double, Double) {
    var a = SIMD8<Float>()
    var b = SIMD8<Float>()
    var i = 0
    let raw = UnsafeRawPointer(x)
    let mv = SIMD8<Float>(repeating: m)
    while i + 8 <= n {
        let d = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - mv
        a += d
        b += d * d
        i += 8
    }
    var s1 = Double(a.sum())
    var s2 = Double(b.sum())
    while i < n {
        let d = Double(x[i] - m)
        s1 += d
        s2 += d * d
        i += 1
    }
    return (s1, s2)
}

/// `(Σ g, Σ g·(x − m))` over `[0..<n]`, eight Float lanes, returned in Double.
@inline(__always)
func runSums(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ m: Float, _ n: Int) -> (Double, Double) {
    var a = SIMD8<Float>()
    var b = SIMD8<Float>()
    var i = 0
    let rg = UnsafeRawPointer(g)
    let rx = UnsafeRawPointer(x)
    let mv = SIMD8<Float>(repeating: m)
    while i + 8 <= n {
        let gv = rg.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        a += gv
        b += gv * (rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - mv)
        i += 8
    }
    var s1 = Double(a.sum())
    var s2 = Double(b.sum())
    while i < n {
        s1 += Double(g[i])
        s2 += Double(g[i]) * Double(x[i] - m)
        i += 1
    }
    return (s1, s2)
}

/// `(Σ g', Σ g'·(x − m))` over `[0..<n]` with `g' = g` where `x·scale + shift > 0`, else 0 (the
/// ReLU mask of a fused batch norm, computed as its forward loop does), eight Float lanes.
@inline(__always)
func runSumsMasked(
    _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ m: Float, scale: Float, shift: Float,
    _ n: Int
) -> (Double, Double) {
    var a = SIMD8<Float>()
    var b = SIMD8<Float>()
    var i = 0
    let rg = UnsafeRawPointer(g)
    let rx = UnsafeRawPointer(x)
    let mv = SIMD8<Float>(repeating: m)
    let sv = SIMD8<Float>(repeating: scale)
    let hv = SIMD8<Float>(repeating: shift)
    while i + 8 <= n {
        let xv = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        let gv = SIMD8<Float>().replacing(
            with: rg.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
            where: xv * sv + hv .> 0)
        a += gv
        b += gv * (xv - mv)
        i += 8
    }
    var s1 = Double(a.sum())
    var s2 = Double(b.sum())
    while i < n {
        if x[i] * scale + shift > 0 {
            s1 += Double(g[i])
            s2 += Double(g[i]) * Double(x[i] - m)
        }
        i += 1
    }
    return (s1, s2)
}

/// `dx[i] (+)= k·g'[i] + b·x[i] + a` over `[0..<n]` with `g' = g` where `x·k + shift > 0`, else 0
/// (the fused ReLU's mask, as in ``runSumsMasked(_:_:_:scale:shift:_:)``), eight Float lanes.
@inline(__always)
func maskedGradientRun(
    _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
    _ n: Int, k: Float, shift: Float, b: Float, a: Float, add: Bool
) {
    let rg = UnsafeRawPointer(g)
    let rx = UnsafeRawPointer(x)
    let rd = UnsafeMutableRawPointer(dx)
    let kv = SIMD8<Float>(repeating: k)
    let hv = SIMD8<Float>(repeating: shift)
    let bv = SIMD8<Float>(repeating: b)
    let av = SIMD8<Float>(repeating: a)
    var i = 0
    while i + 8 <= n {
        let xv = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        let gv = SIMD8<Float>().replacing(
            with: rg.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
            where: xv * kv + hv .> 0)
        var v = kv * gv + bv * xv + av
        if add { v += rd.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) }
        rd.storeBytes(of: v, toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    while i < n {
        let v = k * (x[i] * k + shift > 0 ? g[i] : 0) + b * x[i] + a
        dx[i] = add ? dx[i] + v : v
        i += 1
    }
}

/// `[B, C, spatial]` data seen channel by channel: channel `c` is the `B` runs of `spatial`
/// elements starting at `(b·C + c)·spatial`.
struct ChannelLayout {
    let batch, channels, spatial: Int

    /// Calls `body(c, runStarts)` for every channel, channels split over the cores when the
    /// tensor is big; each call owns channel `c` alone.
    func forEachChannel(_ body: (_ channel: Int, _ runStarts: StrideTo<Int>) -> Void) {
        let perChannel = Swift.max(1, batch * spatial)
        Parallel.chunks(channels, grain: Swift.max(1, Parallel.elementwiseGrain / perChannel)) { cs in
            for c in cs {
                body(c, stride(from: c * spatial, to: batch * channels * spatial, by: channels * spatial))
            }
        }
    }
}

/// The per-channel constants of one batch-norm call and its forward and backward loops.
/// Core: shapes are checked by ``Tensor/batchNorm(gamma:beta:statistics:epsilon:residual:relu:)``.
struct BatchNormPlan {
    let layout: ChannelLayout
    let mean, invStd, gamma, beta: [Float]
    let isBatch: Bool
    var count: Int { layout.batch * layout.spatial }

    /// `y = relu?(x·scale + shift + residual)` per channel.
    func forward(_ xv: [Float], _ rv: [Float]?, relu: Bool, _ y: UnsafeMutableBufferPointer<Float>) {
        let spatial = layout.spatial
        xv.withUnsafeBufferPointer { px in
            (rv ?? []).withUnsafeBufferPointer { pr in
                layout.forEachChannel { c, rows in
                    let scale = gamma[c] * invStd[c]
                    let shift = beta[c] - mean[c] * scale
                    for o in rows {
                        switch (rv != nil, relu) {
                        case (false, false): for s in o..<o + spatial { y[s] = px[s] * scale + shift }
                        case (false, true): for s in o..<o + spatial { y[s] = Swift.max(px[s] * scale + shift, 0) }
                        case (true, false): for s in o..<o + spatial { y[s] = px[s] * scale + shift + pr[s] }
                        case (true, true):
                            for s in o..<o + spatial { y[s] = Swift.max(px[s] * scale + shift + pr[s], 0) }
                        }
                    }
                }
            }
        }
    }

    /// Adds `∂γ`, `∂β` and `∂x` for the gradient `g` reaching the normalised output, or, with
    /// `reluMasked`, for the gradient `g` of `relu(output)` (masked here by `x·scale + shift > 0`).
    func backward(
        _ g: UnsafeBufferPointer<Float>, x: Tensor, gamma gammaT: Tensor?, beta betaT: Tensor?,
        reluMasked: Bool = false
    ) {
        let (channels, spatial) = (layout.channels, layout.spatial)
        // Per channel: Σg and Σ g·x̂.
        var sumG = [Double](repeating: 0, count: channels)
        var sumGX = sumG
        x.data.withUnsafeBufferPointer { px in
            sumG.withUnsafeMutableBufferPointer { sg in
                sumGX.withUnsafeMutableBufferPointer { sgx in
                    layout.forEachChannel { c, rows in
                        var a = 0.0
                        var ax = 0.0
                        let scale = gamma[c] * invStd[c]
                        let shift = beta[c] - mean[c] * scale
                        for o in rows {
                            let (s1, s2) =
                                reluMasked
                                ? runSumsMasked(
                                    g.baseAddress! + o, px.baseAddress! + o, mean[c], scale: scale, shift: shift,
                                    spatial)
                                : runSums(g.baseAddress! + o, px.baseAddress! + o, mean[c], spatial)
                            a += s1
                            ax += s2
                        }
                        sg[c] = a
                        sgx[c] = ax * Double(invStd[c])
                    }
                }
            }
        }
        if let gammaT, gammaT.requiresGrad {
            gammaT.accumulateGrad { for c in 0..<channels { $0[c] += Float(sumGX[c]) } }
        }
        if let betaT, betaT.requiresGrad { betaT.accumulateGrad { for c in 0..<channels { $0[c] += Float(sumG[c]) } } }
        guard x.requiresGrad else { return }
        // A fresh gradient is written (`=`) into an uninitialised buffer; otherwise added to.
        let fresh = x.grad == nil
        let n = Double(count)
        let write: (UnsafeMutableBufferPointer<Float>) -> Void = { gx in
            x.data.withUnsafeBufferPointer { px in
                layout.forEachChannel { c, rows in
                    // Batch mode: ∂x = k·(g − Σg/n − x̂·Σ(g·x̂)/n); running mode: ∂x = k·g.
                    // Written as ∂x += k·g + b·x + a with per-channel constants.
                    let k = gamma[c] * invStd[c]
                    let mg = isBatch ? Float(sumG[c] / n) : 0
                    let mgx = isBatch ? Float(sumGX[c] / n) : 0
                    let b = -k * invStd[c] * mgx
                    let a = k * (mean[c] * invStd[c] * mgx - mg)
                    if reluMasked {
                        // The forward's scale and shift (k is γ/σ, the same product).
                        let shift = beta[c] - mean[c] * k
                        for o in rows {
                            maskedGradientRun(
                                g.baseAddress! + o, px.baseAddress! + o, gx.baseAddress! + o, spatial,
                                k: k, shift: shift, b: b, a: a, add: !fresh)
                        }
                    } else if fresh {
                        for o in rows { for s in o..<o + spatial { gx[s] = k * g[s] + b * px[s] + a } }
                    } else {
                        for o in rows { for s in o..<o + spatial { gx[s] += k * g[s] + b * px[s] + a } }
                    }
                }
            }
        }
        if fresh { x.grad = Tensor.build(shape: x.shape, write) } else { x.accumulateGrad(write) }
    }
}
