/// 2-D convolution (cross-correlation, as in PyTorch's `conv2d`) by im2col + sgemm.
///
/// For input `x [B, C, H, W]`, weight `w [O, C, kh, kw]` and optional bias `[O]`:
/// `y[b, o, p, q] = bias[o] + Σ_{c,i,j} w[o, c, i, j] · x[b, c, p·s − pad + i, q·s − pad + j]`
/// with zeros outside the image; `y` is `[B, O, Ho, Wo]`, `Ho = (H + 2·pad − kh) / s + 1`.
///
/// Per image, im2col lays the receptive fields out as `col [C·kh·kw, Ho·Wo]`, so that
/// `y_b = w[O, C·kh·kw] · col` is one sgemm. Backward per image: `∂w += g_b · colᵀ` (sgemm, col
/// rebuilt rather than stored), `∂col = wᵀ · g_b` (sgemm) scattered back by col2im into `∂x_b`,
/// `∂bias[o] += Σ g_b[o, ·]`. Images are split over the cores, each worker with its own column
/// buffers and its own partial `∂w`, which are summed at the end. A 1×1 convolution with stride 1
/// and no padding uses the image itself as its column matrix.
struct ConvGeometry {
    let batch, channels, height, width: Int
    let outChannels, kernelH, kernelW, stride, padding: Int
    var outH: Int { (height + 2 * padding - kernelH) / stride + 1 }
    var outW: Int { (width + 2 * padding - kernelW) / stride + 1 }
    /// Rows of the column matrix, `C · kh · kw`.
    var patch: Int { channels * kernelH * kernelW }
    /// Columns of the column matrix, `Ho · Wo`.
    var positions: Int { outH * outW }
    var imageSize: Int { channels * height * width }
    var isPointwise: Bool { kernelH == 1 && kernelW == 1 && stride == 1 && padding == 0 }

    /// Valid output columns `q` for kernel column `j`: those with `0 ≤ q·s − pad + j < width`.
    @inline(__always) func validRange(kernelOffset j: Int, inputExtent: Int, outputExtent: Int) -> Range<Int> {
        let shift = padding - j
        let lo = shift > 0 ? (shift + stride - 1) / stride : 0
        let hi = min(outputExtent, (inputExtent - 1 + shift) / stride + 1)
        return lo..<max(lo, hi)
    }

    /// Number of parts ``overImages(_:)`` splits the batch into: a few per core, so that a core
    /// slowed by other work takes fewer parts (dispatch hands parts to whichever thread is free).
    var parts: Int { Parallel.workers <= 1 ? 1 : Swift.min(4 * Parallel.workers, batch) }

    /// Runs `body(part, images)` on an even split of the batch into ``parts`` parts, concurrently,
    /// with OpenBLAS held to one thread inside (each part calls sgemm itself). A single image runs
    /// inline with OpenBLAS threading as configured.
    func overImages(_ body: (_ part: Int, _ images: Range<Int>) -> Void) {
        if parts <= 1 {
            if batch > 0 { body(0, 0..<batch) }
            return
        }
        BLAS.withThreads(1) { Parallel.split(batch, parts: parts, body) }
    }

    /// Whether output rows are as wide as input rows at stride 1 (e.g. 3×3 with padding 1): then
    /// the receptive-field row of kernel offset `(i, j)` for all output positions is one
    /// contiguous run of the input channel, shifted by `j − padding`, with a few columns at the
    /// left/right edges that fall outside the image.
    var isSameWidth: Bool { stride == 1 && outW == width }

    /// Fills `col [patch, positions]` from one image `x [C, H, W]`.
    func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
        let ho = outH, wo = outW, np = positions
        for c in 0..<channels {
            for i in 0..<kernelH {
                let rows = validRange(kernelOffset: i, inputExtent: height, outputExtent: ho)
                for j in 0..<kernelW {
                    let dst = col + ((c * kernelH + i) * kernelW + j) * np
                    let cols = validRange(kernelOffset: j, inputExtent: width, outputExtent: wo)
                    if rows.isEmpty || cols.isEmpty { dst.update(repeating: 0, count: np); continue }
                    if rows.lowerBound > 0 { dst.update(repeating: 0, count: rows.lowerBound * wo) }
                    if rows.upperBound < ho {
                        (dst + rows.upperBound * wo).update(repeating: 0, count: (ho - rows.upperBound) * wo)
                    }
                    let firstRow = x + (c * height + rows.lowerBound * stride - padding + i) * width - padding + j
                    if isSameWidth {
                        // One copy of the whole run, then the out-of-image edge columns zeroed.
                        let shift = j - padding, n = rows.count * wo
                        let d = dst + rows.lowerBound * wo
                        let lo = Swift.max(0, -shift), hi = n - Swift.max(0, shift)
                        if hi > lo { (d + lo).update(from: firstRow + lo, count: hi - lo) }
                        if cols.count < wo { zeroEdges(d, rows: rows.count, cols: cols) }
                        continue
                    }
                    for (r, p) in rows.enumerated() {
                        let d = dst + p * wo
                        let src = firstRow + r * stride * width
                        if cols.lowerBound > 0 { d.update(repeating: 0, count: cols.lowerBound) }
                        if stride == 1 {
                            (d + cols.lowerBound).update(from: src + cols.lowerBound, count: cols.count)
                        } else {
                            for q in cols { d[q] = src[q * stride] }
                        }
                        if cols.upperBound < wo { (d + cols.upperBound).update(repeating: 0, count: wo - cols.upperBound) }
                    }
                }
            }
        }
    }

    /// Zeroes the columns outside `cols` in `rows` consecutive output rows starting at `d`.
    @inline(__always) private func zeroEdges(_ d: UnsafeMutablePointer<Float>, rows: Int, cols: Range<Int>) {
        let wo = outW
        for p in 0..<rows {
            let r = d + p * wo
            for q in 0..<cols.lowerBound { r[q] = 0 }
            for q in cols.upperBound..<wo { r[q] = 0 }
        }
    }

    /// Adds the columns `col [patch, positions]` back into one image gradient `dx [C, H, W]`.
    /// `col` is scratch: its out-of-image entries may be overwritten with zeros.
    func col2im(_ col: UnsafeMutablePointer<Float>, _ dx: UnsafeMutablePointer<Float>) {
        let ho = outH, wo = outW, np = positions
        for c in 0..<channels {
            for i in 0..<kernelH {
                let rows = validRange(kernelOffset: i, inputExtent: height, outputExtent: ho)
                for j in 0..<kernelW {
                    let src = col + ((c * kernelH + i) * kernelW + j) * np
                    let cols = validRange(kernelOffset: j, inputExtent: width, outputExtent: wo)
                    if cols.isEmpty || rows.isEmpty { continue }
                    let firstRow = dx + (c * height + rows.lowerBound * stride - padding + i) * width - padding + j
                    if isSameWidth {
                        // Zero the edge entries (they belong to no input pixel), then one contiguous add.
                        let shift = j - padding, n = rows.count * wo
                        let s = src + rows.lowerBound * wo
                        if cols.count < wo { zeroEdges(s, rows: rows.count, cols: cols) }
                        let lo = Swift.max(0, -shift), hi = n - Swift.max(0, shift)
                        var k = lo
                        while k < hi { firstRow[k] += s[k]; k += 1 }
                        continue
                    }
                    for (r, p) in rows.enumerated() {
                        let s = src + p * wo
                        let d = firstRow + r * stride * width
                        if stride == 1 {
                            for q in cols { d[q] += s[q] }
                        } else {
                            for q in cols { d[q * stride] += s[q] }
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// 2-D convolution of `self [B, C, H, W]` with `weight [O, C, kh, kw]` plus `bias [O]`.
    ///
    /// - Returns: `[B, O, Ho, Wo]` with `Ho = (H + 2·padding − kh) / stride + 1` (floor), likewise `Wo`.
    /// - Precondition: matching channel counts, `stride ≥ 1`, `padding ≥ 0`, and a kernel that fits
    ///   the padded input.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
        precondition(rank == 4 && weight.rank == 4,
                     "conv2d: input \(shape) and weight \(weight.shape) must both be rank 4")
        precondition(weight.shape[1] == shape[1],
                     "conv2d: input has \(shape[1]) channels, weight \(weight.shape) expects \(weight.shape[1])")
        precondition(stride >= 1 && padding >= 0, "conv2d: stride=\(stride) padding=\(padding)")
        precondition(shape[2] + 2 * padding >= weight.shape[2] && shape[3] + 2 * padding >= weight.shape[3],
                     "conv2d: kernel \(weight.shape[2])×\(weight.shape[3]) larger than padded input \(shape)")
        if let bias { precondition(bias.shape == [weight.shape[0]], "conv2d: bias \(bias.shape) for \(weight.shape[0]) filters") }
        let geo = ConvGeometry(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
                               outChannels: weight.shape[0], kernelH: weight.shape[2], kernelW: weight.shape[3],
                               stride: stride, padding: padding)
        let x = self
        let out = Tensor.build(shape: [geo.batch, geo.outChannels, geo.outH, geo.outW]) { y in
            Tensor.convForward(geo, x.data, weight.data, bias?.data, y.baseAddress!)
        }
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        return out.recorded("conv2d", inputs) { g in
            let xv = x.data, wv = weight.data
            if let bias, bias.requiresGrad {
                bias.accumulateGrad { gb in
                    for b in 0..<geo.batch { for o in 0..<geo.outChannels {
                        let s = g.baseAddress! + (b * geo.outChannels + o) * geo.positions
                        var acc: Float = 0
                        for q in 0..<geo.positions { acc += s[q] }
                        gb[o] += acc
                    } }
                }
            }
            if weight.requiresGrad {
                weight.accumulateGrad { gw in Tensor.convWeightGrad(geo, xv, g, gw.baseAddress!) }
            }
            if x.requiresGrad {
                if geo.hasTransposedCorrelation {
                    // A fresh gradient is written by sgemm directly (no zero fill, no read).
                    if x.grad == nil {
                        x.grad = Tensor.build(shape: x.shape) { gx in
                            Tensor.convInputGradByCorrelation(geo, wv, g, gx.baseAddress!, beta: 0)
                        }
                    } else {
                        x.accumulateGrad { gx in Tensor.convInputGradByCorrelation(geo, wv, g, gx.baseAddress!, beta: 1) }
                    }
                } else {
                    x.accumulateGrad { gx in Tensor.convInputGrad(geo, wv, g, gx.baseAddress!) }
                }
            }
        }
    }

    /// `y = w · im2col(x_b) + bias` for every image, images split over the cores.
    static func convForward(_ geo: ConvGeometry, _ xv: [Float], _ wv: [Float], _ biasv: [Float]?,
                            _ y: UnsafeMutablePointer<Float>) {
        let outSize = geo.outChannels * geo.positions
        xv.withUnsafeBufferPointer { px in
            wv.withUnsafeBufferPointer { pw in
                geo.overImages { _, images in
                    var col = [Float](repeating: 0, count: geo.isPointwise ? 0 : geo.patch * geo.positions)
                    col.withUnsafeMutableBufferPointer { pc in
                        for b in images {
                            let xb = px.baseAddress! + b * geo.imageSize
                            let yb = y + b * outSize
                            var colPtr = UnsafePointer(xb)
                            if !geo.isPointwise { geo.im2col(xb, pc.baseAddress!); colPtr = UnsafePointer(pc.baseAddress!) }
                            BLAS.sgemm(m: geo.outChannels, n: geo.positions, k: geo.patch,
                                       a: pw.baseAddress!, lda: geo.patch, b: colPtr, ldb: geo.positions,
                                       c: yb, ldc: geo.positions)
                            if let biasv {
                                for o in 0..<geo.outChannels {
                                    let v = biasv[o], row = yb + o * geo.positions
                                    for q in 0..<geo.positions { row[q] += v }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `∂w += Σ_b g_b · im2col(x_b)ᵀ`, with one partial sum per part.
    static func convWeightGrad(_ geo: ConvGeometry, _ xv: [Float], _ g: UnsafeBufferPointer<Float>,
                               _ gw: UnsafeMutablePointer<Float>) {
        let outSize = geo.outChannels * geo.positions, wSize = geo.outChannels * geo.patch
        let workers = geo.parts
        var partial = [Float](repeating: 0, count: workers > 1 ? (workers - 1) * wSize : 0)
        xv.withUnsafeBufferPointer { px in
            partial.withUnsafeMutableBufferPointer { pp in
                geo.overImages { k, images in
                    // The first part adds straight into gw; the others into their own partial.
                    let dst = k == 0 ? gw : pp.baseAddress! + (k - 1) * wSize
                    var col = [Float](repeating: 0, count: geo.isPointwise ? 0 : geo.patch * geo.positions)
                    col.withUnsafeMutableBufferPointer { pc in
                        for b in images {
                            let xb = px.baseAddress! + b * geo.imageSize
                            var colPtr = UnsafePointer(xb)
                            if !geo.isPointwise { geo.im2col(xb, pc.baseAddress!); colPtr = UnsafePointer(pc.baseAddress!) }
                            BLAS.sgemm(transposeB: true, m: geo.outChannels, n: geo.patch, k: geo.positions,
                                       a: g.baseAddress! + b * outSize, lda: geo.positions,
                                       b: colPtr, ldb: geo.positions, beta: 1, c: dst, ldc: geo.patch)
                        }
                    }
                }
            }
        }
        // Summed with plain loops: a multi-threaded saxpy here would wake OpenBLAS's threads, which
        // then spin (sched_yield) for a while and take a core from the next kernel.
        partial.withUnsafeBufferPointer { pp in
            for k in 0..<Swift.max(0, workers - 1) {
                let src = pp.baseAddress! + k * wSize
                for i in 0..<wSize { gw[i] += src[i] }
            }
        }
    }

    /// `∂x_b += col2im(wᵀ · g_b)` for every image (disjoint outputs, so images run in parallel).
    static func convInputGrad(_ geo: ConvGeometry, _ wv: [Float], _ g: UnsafeBufferPointer<Float>,
                              _ gx: UnsafeMutablePointer<Float>) {
        let outSize = geo.outChannels * geo.positions
        wv.withUnsafeBufferPointer { pw in
            geo.overImages { _, images in
                var col = [Float](repeating: 0, count: geo.isPointwise ? 0 : geo.patch * geo.positions)
                col.withUnsafeMutableBufferPointer { pc in
                    for b in images {
                        let gxb = gx + b * geo.imageSize
                        // Pointwise: ∂x_b is itself the column gradient, accumulated by sgemm.
                        let dst = geo.isPointwise ? gxb : pc.baseAddress!
                        BLAS.sgemm(transposeA: true, m: geo.patch, n: geo.positions, k: geo.outChannels,
                                   a: pw.baseAddress!, lda: geo.patch, b: g.baseAddress! + b * outSize,
                                   ldb: geo.positions, beta: geo.isPointwise ? 1 : 0, c: dst, ldc: geo.positions)
                        if !geo.isPointwise { geo.col2im(pc.baseAddress!, gxb) }
                    }
                }
            }
        }
    }
}

// MARK: - Input gradient as a correlation

extension ConvGeometry {
    /// Whether `∂x` can be computed as a stride-1 correlation of `∂y` with the flipped, transposed
    /// kernel: stride 1, a square kernel, `padding ≤ kernel − 1`, and not pointwise (which has its
    /// own path).
    var hasTransposedCorrelation: Bool {
        stride == 1 && kernelH == kernelW && padding <= kernelH - 1 && !isPointwise
    }

    /// The geometry of that correlation: input `∂y [B, O, Ho, Wo]`, kernel `[C, O, kh, kw]`,
    /// padding `kh − 1 − padding`; its output is `[B, C, H, W]`, the shape of `x`.
    var transposedCorrelation: ConvGeometry {
        ConvGeometry(batch: batch, channels: outChannels, height: outH, width: outW, outChannels: channels,
                     kernelH: kernelH, kernelW: kernelW, stride: 1, padding: kernelH - 1 - padding)
    }
}

extension Tensor {
    /// `∂x_b = w̃ · im2col(∂y_b) + beta · ∂x_b` for every image, where `w̃[c, o, i, j] =
    /// w[o, c, kh−1−i, kw−1−j]`: for stride 1, `∂x[c, h, w'] = Σ_{o,i,j} w[o,c,i,j] ·
    /// ∂y[o, h + pad − i, w' + pad − j]`, a correlation of `∂y` with the flipped kernel and padding
    /// `kh − 1 − pad`. One sgemm per image writes straight into `∂x` (no col2im scatter); with
    /// `beta = 0` the output need not be initialised.
    static func convInputGradByCorrelation(_ geo: ConvGeometry, _ wv: [Float], _ g: UnsafeBufferPointer<Float>,
                                           _ gx: UnsafeMutablePointer<Float>, beta: Float) {
        let back = geo.transposedCorrelation
        let (o, c, kh, kw) = (geo.outChannels, geo.channels, geo.kernelH, geo.kernelW)
        var flipped = [Float](repeating: 0, count: wv.count)
        for oo in 0..<o { for cc in 0..<c { for i in 0..<kh { for j in 0..<kw {
            flipped[((cc * o + oo) * kh + i) * kw + j] = wv[((oo * c + cc) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)]
        } } } }
        let inSize = o * geo.positions, outSize = geo.imageSize
        flipped.withUnsafeBufferPointer { pw in
            geo.overImages { _, images in
                var col = [Float](repeating: 0, count: back.patch * back.positions)
                col.withUnsafeMutableBufferPointer { pc in
                    for b in images {
                        back.im2col(g.baseAddress! + b * inSize, pc.baseAddress!)
                        BLAS.sgemm(m: c, n: back.positions, k: back.patch, a: pw.baseAddress!, lda: back.patch,
                                   b: pc.baseAddress!, ldb: back.positions, beta: beta, c: gx + b * outSize,
                                   ldc: back.positions)
                    }
                }
            }
        }
    }
}
