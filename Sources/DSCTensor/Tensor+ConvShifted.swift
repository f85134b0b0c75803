/// 'Same' convolutions at stride 1 without im2col: shifted rows of a padded copy.
///
/// For a square kernel `k = 2·pad + 1` at stride 1 (3×3 with padding 1), let `xp [C, Hp, Wp]` be the
/// zero-padded image (`Hp = H + 2·pad`, `Wp = W + 2·pad`) and compute the output on padded-width
/// rows, `y'[o, t]` with `t = r·Wp + q` (`q < Wp`; the columns `q ≥ W` are discarded). Then
///
///     y'[o, t] = Σ_i Σ_{c,j} w[o, c, i, j] · xp[c, t + i·Wp + j]
///
/// and with the shifted copies `T[c, j, u] = xp[c, u + j]` (three copies of the image for 3×3,
/// instead of im2col's nine) the inner sum for kernel row `i` is one sgemm,
/// `y' += w_i [O, C·k] · T[:, i·Wp ..< i·Wp + H·Wp]`, whose `B` rows are `T`'s rows read at offset
/// `i·Wp` (a uniform leading dimension). The weight gradient is the same product transposed:
/// `∂w_i += g' · T[:, i·Wp …]ᵀ` with `g'` the output gradient on padded-width rows (zeros in the
/// discarded columns). `w_i` is `w` reordered to `[O, i, C, j]`.
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

extension ConvGeometry {
    /// Whether the shifted-row path applies: stride 1, a square odd kernel with 'same' padding
    /// (`k = 2·pad + 1 > 1`), maps large enough for one sgemm per image (≥ 512 positions) and at
    /// least 8 channels (so that each product has a useful depth, `C·k`).
    var usesShiftedRows: Bool {
        stride == 1 && kernelH == kernelW && kernelH == 2 * padding + 1 && kernelH > 1 && positions >= 512
            && channels >= 8
    }

    var paddedWidth: Int { width + 2 * padding }
    /// Columns of the padded-width output rows of one image, `H · Wp`.
    var shiftedColumns: Int { height * paddedWidth }
    /// Length of one row of `T` (the padded map plus slack for the last shifted reads).
    var shiftedLength: Int { (height + 2 * padding) * paddedWidth + kernelW }

    /// Fills `t [C·k, shiftedLength]` with `T[c, j, u] = xp[c, u + j]` from one image `x [C, H, W]`.
    func fillShifted(_ x: UnsafePointer<Float>, _ t: UnsafeMutablePointer<Float>) {
        let wp = paddedWidth, len = shiftedLength
        for c in 0..<channels {
            let src = x + c * height * width
            for j in 0..<kernelW {
                let row = t + (c * kernelW + j) * len
                // xp[c, R, Q] = x[c, R − pad, Q − pad] lands at u = R·Wp + Q − j.
                let first = padding * wp + padding - j
                zero(row, first)
                for h in 0..<height {
                    let u = first + h * wp
                    copy(row + u, src + h * width, width)
                    if h + 1 < height { zero(row + u + width, wp - width) }
                }
                let end = first + (height - 1) * wp + width
                zero(row + end, len - end)
            }
        }
    }

    /// `w [O, C, k, k]` reordered to `[O, k(i), C, k(j)]`.
    func shiftedWeights(_ w: UnsafePointer<Float>) -> [Float] {
        let (o, c, k) = (outChannels, channels, kernelH)
        var out = scratch(o * c * k * k)
        for oo in 0..<o { for cc in 0..<c { for i in 0..<k { for j in 0..<k {
            out[((oo * k + i) * c + cc) * k + j] = w[((oo * c + cc) * k + i) * k + j]
        } } } }
        return out
    }
}

extension Tensor {
    /// `y_b = conv(x_b, w) + beta · y_b` for every image by shifted rows; `wShifted` is
    /// ``ConvGeometry/shiftedWeights(_:)`` of the kernel. `beta` is 0 (overwrite; `y` need not be
    /// initialised) or 1 (accumulate).
    static func convShiftedForward(_ geo: ConvGeometry, _ x: UnsafePointer<Float>, _ wShifted: [Float],
                                   _ y: UnsafeMutablePointer<Float>, beta: Float) {
        let (o, k, n, wp) = (geo.outChannels, geo.kernelH, geo.shiftedColumns, geo.paddedWidth)
        let kc = geo.channels * k, len = geo.shiftedLength, outSize = o * geo.positions
        wShifted.withUnsafeBufferPointer { pw in
            geo.overImages { _, images in
                var t = scratch(kc * len), tmp = scratch(o * n)
                t.withUnsafeMutableBufferPointer { pt in
                    tmp.withUnsafeMutableBufferPointer { py in
                        let tb = pt.baseAddress!, yb = py.baseAddress!
                        for b in images {
                            geo.fillShifted(x + b * geo.imageSize, tb)
                            for i in 0..<k {
                                BLAS.sgemm(m: o, n: n, k: kc, a: pw.baseAddress! + i * kc, lda: k * kc,
                                           b: tb + i * wp, ldb: len, beta: i == 0 ? 0 : 1, c: yb, ldc: n)
                            }
                            let dst = y + b * outSize
                            for oo in 0..<o { for r in 0..<geo.height {
                                let s = yb + oo * n + r * wp, d = dst + (oo * geo.height + r) * geo.width
                                if beta == 0 { copy(d, s, geo.width) } else {
                                    for q in 0..<geo.width { d[q] += s[q] }
                                }
                            } }
                        }
                    }
                }
            }
        }
    }

    /// `∂w += Σ_b g_b ⋆ x_b` by shifted rows, one partial sum per part in the `[O, i, C, j]` order,
    /// reordered and added into `gw [O, C, k, k]` at the end.
    static func convShiftedWeightGrad(_ geo: ConvGeometry, _ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
                                      _ gw: UnsafeMutablePointer<Float>) {
        let (o, c, k, n, wp) = (geo.outChannels, geo.channels, geo.kernelH, geo.shiftedColumns, geo.paddedWidth)
        let kc = c * k, len = geo.shiftedLength, outSize = o * geo.positions, wSize = o * k * kc
        var partial = [Float](repeating: 0, count: geo.parts * wSize)
        partial.withUnsafeMutableBufferPointer { pp in
            geo.overImages { part, images in
                let acc = pp.baseAddress! + part * wSize
                var t = scratch(kc * len), padded = [Float](repeating: 0, count: o * n)
                t.withUnsafeMutableBufferPointer { pt in
                    padded.withUnsafeMutableBufferPointer { pg in
                        let tb = pt.baseAddress!, gb = pg.baseAddress!
                        for b in images {
                            geo.fillShifted(x + b * geo.imageSize, tb)
                            // g on padded-width rows; the discarded columns stay zero.
                            let src = g + b * outSize
                            for oo in 0..<o { for r in 0..<geo.height {
                                copy(gb + oo * n + r * wp, src + (oo * geo.height + r) * geo.width, geo.width)
                            } }
                            for i in 0..<k {
                                BLAS.sgemm(transposeB: true, m: o, n: kc, k: n, a: gb, lda: n, b: tb + i * wp, ldb: len,
                                           beta: 1, c: acc + i * kc, ldc: k * kc)
                            }
                        }
                    }
                }
            }
        }
        partial.withUnsafeBufferPointer { pp in
            for part in 0..<geo.parts {
                let src = pp.baseAddress! + part * wSize
                for oo in 0..<o { for i in 0..<k { for cc in 0..<c { for j in 0..<k {
                    gw[((oo * c + cc) * k + i) * k + j] += src[((oo * k + i) * c + cc) * k + j]
                } } } }
            }
        }
    }
}
