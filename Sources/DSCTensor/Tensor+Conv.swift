/// 2-D convolution (cross-correlation, as in PyTorch's `conv2d`) by im2col + sgemm.
///
/// For input `x [B, C, H, W]`, weight `w [O, C, kh, kw]` and optional bias `[O]`:
/// `y[b, o, p, q] = bias[o] + Σ_{c,i,j} w[o, c, i, j] · x[b, c, p·s − pad + i, q·s − pad + j]`
/// with zeros outside the image; `y` is `[B, O, Ho, Wo]`, `Ho = (H + 2·pad − kh) / s + 1`.
///
/// im2col lays receptive fields out as columns, `col [C·kh·kw, positions]`, so that
/// `y = w[O, C·kh·kw] · col` is one sgemm. The work is cut into tiles (``ConvTile``): for large
/// maps a block of output rows of one image (up to 1 MB of columns), for small maps several
/// whole images side by side (so that one sgemm has enough columns and packs `w` once for all
/// of them). Backward for stride 1: `∂x` as a correlation of `g` with the flipped kernel (sgemm
/// straight into `∂x`), and `∂w` from the same columns of `g` against `x` itself; otherwise
/// `∂w += g · colᵀ` (col rebuilt, not stored) and `∂col = wᵀ · g` scattered back by col2im.
/// `∂bias[o] += Σ g[·, o, ·]`. Images are split over the cores, each worker with its own buffers
/// and its own partial `∂w`, summed at the end. A 1×1 convolution with stride 1 and no padding uses the image itself as its columns.
#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif

/// `n` zeros from `p` (memset; `update(repeating:)` compiles to a scalar loop here).
@inline(__always) func zero(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
    if n > 0 { memset(p, 0, n * MemoryLayout<Float>.stride) }
}

/// A scratch buffer of `n` floats whose contents are not initialised (every kernel using one
/// writes before it reads).
@inline(__always) func scratch(_ n: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: n) { _, initialised in initialised = n }
}

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

    /// Output rows per tile when tiles are row blocks of one image: a block's columns
    /// (`patch × rows·Wo` floats) stay within 1 MB, so a 28×28 map with 32 channels is one tile.
    /// Fewer, wider sgemm calls beat columns that fit the core's L2 (256 KB blocks, 8 rows of
    /// that map, ran the train step 4% slower over seven interleaved pairs: sgemm blocks for its
    /// caches itself, and packs `w` once per call).
    var rowsPerBlock: Int {
        isPointwise ? outH : Swift.max(1, Swift.min(outH, ConvGeometry.blockFloats / Swift.max(1, patch * outW)))
    }

    /// Floats of columns a row block may take (1 MB).
    static let blockFloats = 1 << 18

    /// Images per tile when maps are small: enough for ~784 columns (one 28×28 map), so that
    /// sgemm packs `w` once for several images and runs on a wide matrix.
    var imagesPerTile: Int {
        isPointwise || positions >= 512 ? 1 : Swift.max(1, 784 / Swift.max(1, positions))
    }

    /// Floats of column buffer the largest tile needs.
    var columnCapacity: Int { patch * Swift.max(imagesPerTile * positions, rowsPerBlock * outW) }

    /// Calls `body` for tiles covering `images` (all output rows of each).
    func forEachTile(_ images: Range<Int>, _ body: (ConvTile) -> Void) {
        let k = imagesPerTile
        if k > 1 {
            for first in Swift.stride(from: images.lowerBound, to: images.upperBound, by: k) {
                body(
                    ConvTile(first: first, images: Swift.min(k, images.upperBound - first), rows: 0..<outH, width: outW)
                )
            }
            return
        }
        for b in images {
            for r0 in Swift.stride(from: 0, to: outH, by: rowsPerBlock) {
                body(ConvTile(first: b, images: 1, rows: r0..<Swift.min(outH, r0 + rowsPerBlock), width: outW))
            }
        }
    }
}

extension Tensor {
    /// 2-D convolution of `self [B, C, H, W]` with `weight [O, C, kh, kw]` plus `bias [O]`.
    ///
    /// - Returns: `[B, O, Ho, Wo]` with `Ho = (H + 2·padding − kh) / stride + 1` (floor), likewise `Wo`.
    /// - Parameter channelMoments: also record the output's per-channel mean and variance, taken
    ///   tile by tile while each tile is in cache, for a batch norm that follows (it then skips
    ///   its own pass over the output). Results are the same either way.
    /// - Precondition: matching channel counts, `stride ≥ 1`, `padding ≥ 0`, and a kernel that fits
    ///   the padded input.
    public func conv2d(
        weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
        channelMoments: Bool = false
    ) -> Tensor {
        precondition(
            rank == 4 && weight.rank == 4,
            "conv2d: input \(shape) and weight \(weight.shape) must both be rank 4")
        precondition(
            weight.shape[1] == shape[1],
            "conv2d: input has \(shape[1]) channels, weight \(weight.shape) expects \(weight.shape[1])")
        precondition(stride >= 1 && padding >= 0, "conv2d: stride=\(stride) padding=\(padding)")
        precondition(
            shape[2] + 2 * padding >= weight.shape[2] && shape[3] + 2 * padding >= weight.shape[3],
            "conv2d: kernel \(weight.shape[2])×\(weight.shape[3]) larger than padded input \(shape)")
        if let bias {
            precondition(bias.shape == [weight.shape[0]], "conv2d: bias \(bias.shape) for \(weight.shape[0]) filters")
        }
        let geo = ConvGeometry(
            batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
            outChannels: weight.shape[0], kernelH: weight.shape[2], kernelW: weight.shape[3],
            stride: stride, padding: padding)
        let x = self
        var moments: ChannelMoments?
        let out = Tensor.build(shape: [geo.batch, geo.outChannels, geo.outH, geo.outW]) { y in
            moments = Tensor.convForward(geo, x.data, weight.data, bias?.data, y.baseAddress!, moments: channelMoments)
        }
        out.recordedMoments = moments
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        return out.recorded("conv2d", inputs) { g in
            let xv = x.data
            let wv = weight.data
            if let bias, bias.requiresGrad {
                bias.accumulateGrad { gb in
                    for b in 0..<geo.batch {
                        for o in 0..<geo.outChannels {
                            let s = g.baseAddress! + (b * geo.outChannels + o) * geo.positions
                            var acc: Float = 0
                            for q in 0..<geo.positions { acc += s[q] }
                            gb[o] += acc
                        }
                    }
                }
            }
            if x.requiresGrad && geo.hasTransposedCorrelation {
                // Both gradients from one column matrix of g (see convBackwardByCorrelation).
                let wantWeight = weight.requiresGrad
                var partials: [Float] = []
                // A fresh gradient is written by sgemm directly (no zero fill, no read).
                if x.grad == nil {
                    x.grad = Tensor.build(shape: x.shape) { gx in
                        partials = Tensor.convBackwardByCorrelation(
                            geo, xv, wv, g, gx.baseAddress!, beta: 0,
                            weightGrad: wantWeight)
                    }
                } else {
                    x.accumulateGrad { gx in
                        partials = Tensor.convBackwardByCorrelation(
                            geo, xv, wv, g, gx.baseAddress!, beta: 1,
                            weightGrad: wantWeight)
                    }
                }
                if wantWeight {
                    weight.accumulateGrad { gw in geo.addFlippedPartials(partials, into: gw.baseAddress!) }
                }
                return
            }
            if weight.requiresGrad {
                weight.accumulateGrad { gw in Tensor.convWeightGrad(geo, xv, g, gw.baseAddress!) }
            }
            if x.requiresGrad {
                // A fresh gradient is written image by image (each zeroed just before its col2im),
                // not zero-filled in a pass of its own first.
                if x.grad == nil {
                    x.grad = Tensor.build(shape: x.shape) { gx in
                        Tensor.convInputGrad(geo, wv, g, gx.baseAddress!, fresh: true)
                    }
                } else {
                    x.accumulateGrad { gx in Tensor.convInputGrad(geo, wv, g, gx.baseAddress!, fresh: false) }
                }
            }
        }
    }

    /// `y = w · im2col(x) + bias`, tile by tile, images split over the cores; with `moments`,
    /// also the per-channel moments of `y`, each tile's taken right after sgemm wrote it.
    static func convForward(
        _ geo: ConvGeometry, _ xv: [Float], _ wv: [Float], _ biasv: [Float]?,
        _ y: UnsafeMutablePointer<Float>, moments: Bool
    ) -> ChannelMoments? {
        let outSize = geo.outChannels * geo.positions
        // One accumulator per part (parts run concurrently), merged at the end.
        let acc = UnsafeMutableBufferPointer<MomentAccumulator>.allocate(capacity: moments ? geo.parts : 0)
        acc.initialize(repeating: MomentAccumulator(channels: moments ? geo.outChannels : 0))
        defer {
            _ = acc.deinitialize()
            acc.deallocate()
        }
        xv.withUnsafeBufferPointer { px in
            wv.withUnsafeBufferPointer { pw in
                geo.overImages { part, images in
                    var col = scratch(geo.isPointwise ? 0 : geo.columnCapacity)
                    var tmp = scratch(geo.imagesPerTile > 1 ? outSize * geo.imagesPerTile : 0)
                    col.withUnsafeMutableBufferPointer { pc in
                        tmp.withUnsafeMutableBufferPointer { pt in
                            geo.forEachTile(images) { tile in
                                let n = tile.columns
                                let first = y + tile.first * outSize + tile.rows.lowerBound * geo.outW
                                let (b, ldb) =
                                    geo.isPointwise
                                    ? (
                                        px.baseAddress! + tile.first * geo.imageSize + tile.rows.lowerBound * geo.outW,
                                        geo.positions
                                    )
                                    : (UnsafePointer(pc.baseAddress!), n)
                                if !geo.isPointwise { geo.fillColumns(px.baseAddress!, tile, pc.baseAddress!) }
                                let single = tile.images == 1
                                BLAS.sgemm(
                                    m: geo.outChannels, n: n, k: geo.patch, a: pw.baseAddress!, lda: geo.patch,
                                    b: b, ldb: ldb, c: single ? first : pt.baseAddress!, ldc: single ? geo.positions : n
                                )
                                if moments {
                                    // Channel o of the tile: one run of `n` in tmp, or of the tile's rows in y.
                                    let (base, ld) =
                                        single
                                        ? (UnsafePointer(first), geo.positions) : (UnsafePointer(pt.baseAddress!), n)
                                    for o in 0..<geo.outChannels { acc[part].add(channel: o, base + o * ld, n) }
                                }
                                if !single { tile.scatter(pt.baseAddress!, rows: geo.outChannels, into: y, add: false) }
                            }
                        }
                    }
                    if let biasv {
                        for b in images {
                            for o in 0..<geo.outChannels {
                                let v = biasv[o]
                                let row = y + b * outSize + o * geo.positions
                                for q in 0..<geo.positions { row[q] += v }
                            }
                        }
                    }
                }
            }
        }
        guard moments else { return nil }
        var total = MomentAccumulator(channels: geo.outChannels)
        for part in acc { total.merge(part) }
        return total.moments(offset: biasv)
    }

    /// `∂w += Σ_b g_b · im2col(x_b)ᵀ`, tile by tile, with one partial sum per part (a tile's
    /// columns are output positions, the inner dimension of this product).
    static func convWeightGrad(
        _ geo: ConvGeometry, _ xv: [Float], _ g: UnsafeBufferPointer<Float>,
        _ gw: UnsafeMutablePointer<Float>
    ) {
        let outSize = geo.outChannels * geo.positions
        let wSize = geo.outChannels * geo.patch
        let workers = geo.parts
        var partial = [Float](repeating: 0, count: workers > 1 ? (workers - 1) * wSize : 0)
        xv.withUnsafeBufferPointer { px in
            partial.withUnsafeMutableBufferPointer { pp in
                geo.overImages { k, images in
                    // The first part adds straight into gw; the others into their own partial.
                    let dst = k == 0 ? gw : pp.baseAddress! + (k - 1) * wSize
                    var col = scratch(geo.isPointwise ? 0 : geo.columnCapacity)
                    var gathered = scratch(geo.imagesPerTile > 1 ? outSize * geo.imagesPerTile : 0)
                    col.withUnsafeMutableBufferPointer { pc in
                        gathered.withUnsafeMutableBufferPointer { pg in
                            geo.forEachTile(images) { tile in
                                let n = tile.columns
                                let offset = tile.rows.lowerBound * geo.outW
                                let (b, ldb) =
                                    geo.isPointwise
                                    ? (px.baseAddress! + tile.first * geo.imageSize + offset, geo.positions)
                                    : (UnsafePointer(pc.baseAddress!), n)
                                if !geo.isPointwise { geo.fillColumns(px.baseAddress!, tile, pc.baseAddress!) }
                                var (a, lda) = (g.baseAddress! + tile.first * outSize + offset, geo.positions)
                                if tile.images > 1 {
                                    tile.gather(g.baseAddress!, rows: geo.outChannels, into: pg.baseAddress!)
                                    (a, lda) = (UnsafePointer(pg.baseAddress!), n)
                                }
                                BLAS.sgemm(
                                    transposeB: true, m: geo.outChannels, n: geo.patch, k: n,
                                    a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: dst, ldc: geo.patch)
                            }
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

    /// `∂x_b += col2im(wᵀ · g_b)` for every image (disjoint outputs, so images run in parallel);
    /// with `fresh`, `∂x` is uninitialised and written (`=`).
    static func convInputGrad(
        _ geo: ConvGeometry, _ wv: [Float], _ g: UnsafeBufferPointer<Float>,
        _ gx: UnsafeMutablePointer<Float>, fresh: Bool
    ) {
        let outSize = geo.outChannels * geo.positions
        wv.withUnsafeBufferPointer { pw in
            geo.overImages { _, images in
                var col = scratch(geo.isPointwise ? 0 : geo.patch * geo.positions)
                col.withUnsafeMutableBufferPointer { pc in
                    for b in images {
                        let gxb = gx + b * geo.imageSize
                        // Pointwise: ∂x_b is itself the column gradient, accumulated by sgemm.
                        let dst = geo.isPointwise ? gxb : pc.baseAddress!
                        BLAS.sgemm(
                            transposeA: true, m: geo.patch, n: geo.positions, k: geo.outChannels,
                            a: pw.baseAddress!, lda: geo.patch, b: g.baseAddress! + b * outSize,
                            ldb: geo.positions, beta: geo.isPointwise && !fresh ? 1 : 0, c: dst, ldc: geo.positions)
                        if !geo.isPointwise {
                            if fresh { zero(gxb, geo.imageSize) }
                            geo.col2im(pc.baseAddress!, gxb)
                        }
                    }
                }
            }
        }
    }
}

/// A unit of column work: `images` consecutive images from `first` (all output rows), or output
/// rows `rows` of the single image `first`. Its column matrix holds the images side by side:
/// image `first + t`, output position `p` at column `t · rows.count · width + p`.
struct ConvTile {
    let first, images: Int
    let rows: Range<Int>
    /// Output width `Wo`.
    let width: Int
    /// Columns of the tile's matrices.
    var columns: Int { images * rows.count * width }

    /// Copies (or adds) `tmp [rows, columns]` into the batch tensor `out [B, rows, positions]`
    /// (whole images only).
    func scatter(_ tmp: UnsafePointer<Float>, rows channels: Int, into out: UnsafeMutablePointer<Float>, add: Bool) {
        let positions = rows.count * width
        let n = columns
        for t in 0..<images {
            for o in 0..<channels {
                let src = tmp + o * n + t * positions
                let dst = out + ((first + t) * channels + o) * positions
                if add { for i in 0..<positions { dst[i] += src[i] } } else { dst.update(from: src, count: positions) }
            }
        }
    }

    /// Copies the tile's images of the batch tensor `src [B, rows, positions]` into `tmp [rows, columns]`.
    func gather(_ src: UnsafePointer<Float>, rows channels: Int, into tmp: UnsafeMutablePointer<Float>) {
        let positions = rows.count * width
        let n = columns
        for t in 0..<images {
            for o in 0..<channels {
                (tmp + o * n + t * positions).update(
                    from: src + ((first + t) * channels + o) * positions, count: positions)
            }
        }
    }
}
