/// The input gradient of a stride-1 convolution as a correlation of `∂y` with the flipped,
/// transposed kernel (the path ``Tensor/convInputGrad`` takes when the geometry allows it).

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
        ConvGeometry(
            batch: batch, channels: outChannels, height: outH, width: outW, outChannels: channels,
            kernelH: kernelH, kernelW: kernelW, stride: 1, padding: kernelH - 1 - padding)
    }
}

extension Tensor {
    /// `∂x_b = w̃ · im2col(∂y_b) + beta · ∂x_b` for every image, where `w̃[c, o, i, j] =
    /// w[o, c, kh−1−i, kw−1−j]`: for stride 1, `∂x[c, h, w'] = Σ_{o,i,j} w[o,c,i,j] ·
    /// ∂y[o, h + pad − i, w' + pad − j]`, a correlation of `∂y` with the flipped kernel and padding
    /// `kh − 1 − pad`. One sgemm per tile writes straight into `∂x` (no col2im scatter); with
    /// `beta = 0` the output need not be initialised.
    ///
    /// The same columns give the weight gradient: `∂w[o,c,i,j] = Σ_{h,w'} x[c,h,w'] ·
    /// ∂y[o, h + pad − i, w' + pad − j]`, which is row `(o, kh−1−i, kw−1−j)` of `im2col(∂y)` against
    /// `x` itself, so `x · im2col(∂y)ᵀ` needs no column matrix of `x`. With `weightGrad` each part
    /// adds its share into a `[C, O·kh·kw]` block of the returned array (one block per part, to be
    /// summed by ``ConvGeometry/addFlippedPartials(_:into:)``); otherwise it returns `[]`.
    static func convBackwardByCorrelation(
        _ geo: ConvGeometry, _ xv: [Float], _ wv: [Float],
        _ g: UnsafeBufferPointer<Float>, _ gx: UnsafeMutablePointer<Float>,
        beta: Float, weightGrad: Bool
    ) -> [Float] {
        let back = geo.transposedCorrelation
        let (o, c, kh, kw) = (geo.outChannels, geo.channels, geo.kernelH, geo.kernelW)
        var flipped = [Float](repeating: 0, count: wv.count)
        for oo in 0..<o {
            for cc in 0..<c {
                for i in 0..<kh {
                    for j in 0..<kw {
                        flipped[((cc * o + oo) * kh + i) * kw + j] =
                            wv[((oo * c + cc) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)]
                    }
                }
            }
        }
        let outSize = geo.imageSize
        let wSize = c * back.patch
        var partials = [Float](repeating: 0, count: weightGrad ? geo.parts * wSize : 0)
        flipped.withUnsafeBufferPointer { pw in
            xv.withUnsafeBufferPointer { px in
                partials.withUnsafeMutableBufferPointer { pp in
                    geo.overImages { part, images in
                        var col = scratch(back.columnCapacity)
                        let many = back.imagesPerTile > 1
                        var tmp = scratch(many ? outSize * back.imagesPerTile : 0)
                        var gathered = scratch(many && weightGrad ? outSize * back.imagesPerTile : 0)
                        col.withUnsafeMutableBufferPointer { pc in
                            tmp.withUnsafeMutableBufferPointer { pt in
                                gathered.withUnsafeMutableBufferPointer { pg in
                                    back.forEachTile(images) { tile in
                                        let n = tile.columns
                                        let single = tile.images == 1
                                        let offset = tile.first * outSize + tile.rows.lowerBound * back.outW
                                        back.fillColumns(g.baseAddress!, tile, pc.baseAddress!)
                                        BLAS.sgemm(
                                            m: c, n: n, k: back.patch, a: pw.baseAddress!, lda: back.patch,
                                            b: pc.baseAddress!, ldb: n, beta: single ? beta : 0,
                                            c: single ? gx + offset : pt.baseAddress!, ldc: single ? back.positions : n)
                                        if !single { tile.scatter(pt.baseAddress!, rows: c, into: gx, add: beta != 0) }
                                        guard weightGrad else { return }
                                        var (a, lda) = (px.baseAddress! + offset, back.positions)
                                        if !single {
                                            tile.gather(px.baseAddress!, rows: c, into: pg.baseAddress!)
                                            (a, lda) = (UnsafePointer(pg.baseAddress!), n)
                                        }
                                        BLAS.sgemm(
                                            transposeB: true, m: c, n: back.patch, k: n, a: a, lda: lda,
                                            b: pc.baseAddress!, ldb: n, beta: 1,
                                            c: pp.baseAddress! + part * wSize, ldc: back.patch)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return partials
    }
}

extension ConvGeometry {
    /// `∂w[o,c,i,j] += Σ_parts P[c, (o, kh−1−i, kw−1−j)]` for the per-part blocks `P [C, O·kh·kw]`
    /// of ``Tensor/convBackwardByCorrelation(_:_:_:_:_:beta:weightGrad:)`` (square kernels).
    func addFlippedPartials(_ partials: [Float], into gw: UnsafeMutablePointer<Float>) {
        let kk = kernelH * kernelW
        let rowLength = outChannels * kk
        let wSize = channels * rowLength
        partials.withUnsafeBufferPointer { pp in
            for part in 0..<(pp.count / Swift.max(1, wSize)) {
                let block = pp.baseAddress! + part * wSize
                for oo in 0..<outChannels {
                    for cc in 0..<channels {
                        let src = block + cc * rowLength + oo * kk
                        let dst = gw + (oo * channels + cc) * kk
                        for t in 0..<kk { dst[t] += src[kk - 1 - t] }
                    }
                }
            }
        }
    }
}
