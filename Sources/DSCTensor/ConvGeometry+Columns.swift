/// The column matrices of a convolution: im2col (receptive fields of one image laid out as
/// columns, whole or a block of output rows, for ``ConvGeometry/forEachTile(_:_:)``'s tiles) and
/// col2im (its adjoint, adding columns back into an image gradient). Each kernel offset's reads
/// are worked out once per call (``KernelOffsetPlan``) and applied to every channel.
#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif

extension ConvGeometry {
    /// Fills `col [patch, positions]` from one image `x [C, H, W]`.
    func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
        im2col(x, col, outputRows: 0..<outH, ld: positions)
    }

    /// Fills `col [patch, tile.columns]` from the images of `tile` (`x` is the whole batch).
    func fillColumns(_ x: UnsafePointer<Float>, _ tile: ConvTile, _ col: UnsafeMutablePointer<Float>) {
        for t in 0..<tile.images {
            im2col(
                x + (tile.first + t) * imageSize, col + t * tile.rows.count * outW,
                outputRows: tile.rows, ld: tile.columns)
        }
    }

    /// Fills rows of length `ld` of `col` (`patch` of them, `outputRows.count · Wo` values each)
    /// with the receptive fields of output rows `outputRows` of one image `x [C, H, W]` (zeros
    /// outside the image).
    ///
    /// What each kernel offset `(i, j)` reads (valid rows and columns, where its first value lies)
    /// is worked out once per call (``KernelOffsetPlan``) and applied to every channel, so the
    /// channel loop only copies and zeroes.
    func im2col(
        _ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, outputRows block: Range<Int>,
        ld: Int
    ) {
        if block == 0..<outH && hasPhaseColumns {
            im2colFromPhases(x, col, ld: ld)
            return
        }
        let offsets = kernelH * kernelW
        let plane = height * width
        let wo = outW
        let np = block.count * wo
        withUnsafeTemporaryAllocation(of: KernelOffsetPlan.self, capacity: offsets) { plans in
            for i in 0..<kernelH {
                for j in 0..<kernelW { plans[i * kernelW + j] = plan(i, j, outputRows: block) }
            }
            for c in 0..<channels {
                let xc = x + c * plane
                for k in 0..<offsets {
                    let p = plans[k]
                    let dst = col + (c * offsets + k) * ld
                    if p.isEmpty {
                        zero(dst, np)
                        continue
                    }
                    zero(dst, p.rowsBefore * wo)
                    zero(dst + (p.rowsBefore + p.rows) * wo, p.rowsAfter * wo)
                    let d = dst + p.rowsBefore * wo
                    let src = xc + p.source
                    if isSameWidth {
                        // One run for all valid rows (input and output rows are equally wide), then
                        // the edge columns that fall outside the image zeroed.
                        copyRun(d + p.runStart, src + p.runStart, p.runEnd - p.runStart)
                        p.zeroEdges(d, width: wo)
                        continue
                    }
                    for r in 0..<p.rows {
                        let dr = d + r * wo
                        let sr = src + r * stride * width
                        zero(dr, p.columns.lowerBound)
                        if stride == 1 {
                            copyRun(dr + p.columns.lowerBound, sr + p.columns.lowerBound, p.columns.count)
                        } else {
                            gather(dr, sr, p.columns)
                        }
                        zero(dr + p.columns.upperBound, wo - p.columns.upperBound)
                    }
                }
            }
        }
    }

    /// Whether a stride-2 im2col can read from the image's four phases (``im2colFromPhases``):
    /// outputs `⌈H/2⌉ × ⌈W/2⌉` and every kernel offset within one phase row or column of its
    /// output position (`⌊(i − padding)/2⌋` in −1…1), as for 3×3 with padding 1 and for 1×1.
    var hasPhaseColumns: Bool {
        stride == 2 && outH == (height + 1) / 2 && outW == (width + 1) / 2 && padding <= 2
            && kernelH - 1 - padding <= 3 && kernelW - 1 - padding <= 3
    }

    /// im2col of a whole image at stride 2 by way of its phases `x_ab[u, v] = x[2u + a, 2v + b]`
    /// (zero past the image), each `⌈H/2⌉ × ⌈W/2⌉`: kernel offset `(i, j)` reads phase
    /// `((i − pad) mod 2, (j − pad) mod 2)` shifted by `(⌊(i − pad)/2⌋, ⌊(j − pad)/2⌋)`, which is a
    /// stride-1 "same"-width read (one contiguous run per offset and channel, edges zeroed) where
    /// a direct stride-2 read gathers every value. Only the phases some offset reads are built.
    func im2colFromPhases(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, ld: Int) {
        let (hp, wp) = (outH, outW)
        let phasePlane = hp * wp
        let offsets = kernelH * kernelW
        // The same-width stride-1 geometry of one phase: offset (i', j') reads row p − 1 + i'.
        let phaseGeometry = ConvGeometry(
            batch: 1, channels: 1, height: hp, width: wp, outChannels: 1,
            kernelH: 3, kernelW: 3, stride: 1, padding: 1)
        func split(_ k: Int) -> (phase: Int, shift: Int) {
            let d = k - padding
            let phase = d & 1
            return (phase, (d - phase) / 2)
        }
        var needed = 0  // bit a·2 + b: phase (a, b) is read
        for i in 0..<kernelH { for j in 0..<kernelW { needed |= 1 << (split(i).phase * 2 + split(j).phase) } }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: channels * 4 * phasePlane) { phases in
            let ph = phases.baseAddress!
            for c in 0..<channels {
                for ab in 0..<4 where needed & (1 << ab) != 0 {
                    splitPhase(x + c * height * width, a: ab >> 1, b: ab & 1, into: ph + (c * 4 + ab) * phasePlane)
                }
            }
            withUnsafeTemporaryAllocation(of: (KernelOffsetPlan, Int).self, capacity: offsets) { plans in
                for i in 0..<kernelH {
                    for j in 0..<kernelW {
                        let (ri, rj) = (split(i), split(j))
                        plans[i * kernelW + j] = (
                            phaseGeometry.plan(ri.shift + 1, rj.shift + 1, outputRows: 0..<hp),
                            ri.phase * 2 + rj.phase
                        )
                    }
                }
                for c in 0..<channels {
                    for k in 0..<offsets {
                        let (p, ab) = plans[k]
                        let dst = col + (c * offsets + k) * ld
                        if p.isEmpty {
                            zero(dst, phasePlane)
                            continue
                        }
                        zero(dst, p.rowsBefore * wp)
                        zero(dst + (p.rowsBefore + p.rows) * wp, p.rowsAfter * wp)
                        let d = dst + p.rowsBefore * wp
                        let src = ph + (c * 4 + ab) * phasePlane + p.source
                        copyRun(d + p.runStart, src + p.runStart, p.runEnd - p.runStart)
                        p.zeroEdges(d, width: wp)
                    }
                }
            }
        }
    }

    /// Phase `(a, b)` of one channel plane: `out[u, v] = x[2u + a, 2v + b]`, zero past the image.
    private func splitPhase(_ x: UnsafePointer<Float>, a: Int, b: Int, into out: UnsafeMutablePointer<Float>) {
        let (hp, wp) = (outH, outW)
        for u in 0..<hp {
            let h = 2 * u + a
            let o = out + u * wp
            guard h < height else {
                zero(o, wp)
                continue
            }
            let row = x + h * width
            var v = 0
            let raw = UnsafeRawPointer(row)
            let dst = UnsafeMutableRawPointer(o)
            // Sixteen values give eight of the phase; never read past the row's last value.
            while 2 * v + 16 <= width {
                let w16 = raw.loadUnaligned(fromByteOffset: 2 * v * 4, as: SIMD16<Float>.self)
                dst.storeBytes(of: b == 0 ? w16.evenHalf : w16.oddHalf, toByteOffset: v * 4, as: SIMD8<Float>.self)
                v += 8
            }
            while v < wp {
                o[v] = 2 * v + b < width ? row[2 * v + b] : 0
                v += 1
            }
        }
    }

    /// Where kernel offset `(i, j)` reads for output rows `block`.
    func plan(_ i: Int, _ j: Int, outputRows block: Range<Int>) -> KernelOffsetPlan {
        let valid = validRange(kernelOffset: i, inputExtent: height, outputExtent: outH)
        let first = Swift.max(valid.lowerBound, block.lowerBound)
        let rows = first..<Swift.max(first, Swift.min(valid.upperBound, block.upperBound))
        let cols = validRange(kernelOffset: j, inputExtent: width, outputExtent: outW)
        let before = Swift.max(0, Swift.min(block.count, rows.lowerBound - block.lowerBound))
        let shift = j - padding
        let n = rows.count * outW
        return KernelOffsetPlan(
            rowsBefore: before, rows: rows.count, rowsAfter: block.count - before - rows.count, columns: cols,
            source: (rows.lowerBound * stride - padding + i) * width - padding + j,
            runStart: Swift.max(0, -shift), runEnd: n - Swift.max(0, shift))
    }

    /// `d[q] = s[q · stride]` for `q` in `cols`: stride 2 by eight lanes from sixteen loaded
    /// values (never reading past the last value needed), other strides one by one.
    @inline(__always) func gather(_ d: UnsafeMutablePointer<Float>, _ s: UnsafePointer<Float>, _ cols: Range<Int>) {
        var q = cols.lowerBound
        if stride == 2 {
            let raw = UnsafeRawPointer(s)
            let out = UnsafeMutableRawPointer(d)
            while q + 8 < cols.upperBound {
                let v = raw.loadUnaligned(fromByteOffset: 2 * q * 4, as: SIMD16<Float>.self)
                out.storeBytes(of: v.evenHalf, toByteOffset: q * 4, as: SIMD8<Float>.self)
                q += 8
            }
        }
        while q < cols.upperBound {
            d[q] = s[q * stride]
            q += 1
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
        let ho = outH
        let wo = outW
        let np = positions
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
                        let shift = j - padding
                        let n = rows.count * wo
                        let s = src + rows.lowerBound * wo
                        if cols.count < wo { zeroEdges(s, rows: rows.count, cols: cols) }
                        let lo = Swift.max(0, -shift)
                        let hi = n - Swift.max(0, shift)
                        var k = lo
                        while k < hi {
                            firstRow[k] += s[k]
                            k += 1
                        }
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

/// What one kernel offset `(i, j)` of an im2col reads, for a block of output rows: `rowsBefore`
/// zero rows, then `rows` rows whose valid `columns` come from the input, then `rowsAfter` zero
/// rows. `source` is the offset in a channel plane of the value for the first valid row's output
/// column 0 (it may lie outside the plane; only valid columns are read). When output and input
/// rows are equally wide (stride 1), the valid rows are one run `[runStart, runEnd)` of the plane
/// from `source`, whose out-of-image edge columns are then zeroed.
struct KernelOffsetPlan {
    let rowsBefore, rows, rowsAfter: Int
    let columns: Range<Int>
    let source: Int
    let runStart, runEnd: Int
    var isEmpty: Bool { rows == 0 || columns.isEmpty }

    /// Zeroes the columns outside `columns` in the `rows` rows of width `width` from `d`.
    @inline(__always) func zeroEdges(_ d: UnsafeMutablePointer<Float>, width: Int) {
        if columns.lowerBound > 0 {
            for p in 0..<rows { for q in 0..<columns.lowerBound { d[p * width + q] = 0 } }
        }
        if columns.upperBound < width {
            for p in 0..<rows { for q in columns.upperBound..<width { d[p * width + q] = 0 } }
        }
    }
}

/// `n` floats from `s` to `d` (regions do not overlap): eight lanes at a time for the short runs
/// of small feature maps, `memcpy` for long ones.
@inline(__always) func copyRun(_ d: UnsafeMutablePointer<Float>, _ s: UnsafePointer<Float>, _ n: Int) {
    if n >= 256 {
        memcpy(d, s, n * MemoryLayout<Float>.stride)
        return
    }
    let rs = UnsafeRawPointer(s)
    let rd = UnsafeMutableRawPointer(d)
    var i = 0
    while i + 8 <= n {
        rd.storeBytes(
            of: rs.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self), toByteOffset: i * 4,
            as: SIMD8<Float>.self)
        i += 8
    }
    while i < n {
        d[i] = s[i]
        i += 1
    }
}
