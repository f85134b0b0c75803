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

    /// Fills `col [patch, positions]` from one image `x [C, H, W]`.
    func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
        let ho = outH, wo = outW, np = positions
        for c in 0..<channels {
            for i in 0..<kernelH {
                let rows = validRange(kernelOffset: i, inputExtent: height, outputExtent: ho)
                for j in 0..<kernelW {
                    let dst = col + ((c * kernelH + i) * kernelW + j) * np
                    let cols = validRange(kernelOffset: j, inputExtent: width, outputExtent: wo)
                    for p in 0..<ho {
                        let d = dst + p * wo
                        guard rows.contains(p), !cols.isEmpty else { d.update(repeating: 0, count: wo); continue }
                        let src = x + (c * height + p * stride - padding + i) * width - padding + j
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

    /// Adds the columns `col [patch, positions]` back into one image gradient `dx [C, H, W]`.
    func col2im(_ col: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>) {
        let ho = outH, wo = outW, np = positions
        for c in 0..<channels {
            for i in 0..<kernelH {
                let rows = validRange(kernelOffset: i, inputExtent: height, outputExtent: ho)
                for j in 0..<kernelW {
                    let src = col + ((c * kernelH + i) * kernelW + j) * np
                    let cols = validRange(kernelOffset: j, inputExtent: width, outputExtent: wo)
                    if cols.isEmpty { continue }
                    for p in rows {
                        let s = src + p * wo
                        let d = dx + (c * height + p * stride - padding + i) * width - padding + j
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
                x.accumulateGrad { gx in Tensor.convInputGrad(geo, wv, g, gx.baseAddress!) }
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
        for k in 0..<Swift.max(0, workers - 1) {
            partial.withUnsafeBufferPointer { BLAS.saxpy(wSize, 1, $0.baseAddress! + k * wSize, gw) }
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
