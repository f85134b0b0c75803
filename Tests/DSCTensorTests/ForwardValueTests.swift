import XCTest

@testable import DSCTensor

/// Forward values checked by hand, by properties, and at the edges (huge, tiny, zero, infinite).
final class ForwardValueTests: XCTestCase {
    func testMatmulByHand() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = Tensor([7, 8, 9, 10, 11, 12], shape: [3, 2])
        XCTAssertEqual(a.matmul(b).data, [58, 64, 139, 154])
        XCTAssertEqual(a.matmul(a, transposeB: true).data, [14, 32, 32, 77])
        XCTAssertEqual(a.matmul(a, transposeA: true).shape, [3, 3])
        let batched = Tensor.concat([a.reshaped([1, 2, 3]), (a * 2).reshaped([1, 2, 3])], axis: 0)
        XCTAssertEqual(batched.matmul(b).data, [58, 64, 139, 154, 116, 128, 278, 308])
    }

    func testConvAgainstDirectSum() {
        var g = SeededGenerator(seed: 3)
        let x = Tensor.randn([2, 3, 6, 5], generator: &g)
        let w = Tensor.randn([4, 3, 3, 2], generator: &g)
        let b = Tensor.randn([4], generator: &g)
        let (stride, pad) = (2, 1)
        let y = x.conv2d(weight: w, bias: b, stride: stride, padding: pad)
        XCTAssertEqual(y.shape, [2, 4, 3, 3])
        for n in 0..<2 {
            for o in 0..<4 {
                for p in 0..<3 {
                    for q in 0..<3 {
                        var s = Double(b[o])
                        for c in 0..<3 {
                            for i in 0..<3 {
                                for j in 0..<2 {
                                    let r = p * stride - pad + i
                                    let col = q * stride - pad + j
                                    if r >= 0 && r < 6 && col >= 0 && col < 5 {
                                        s += Double(w[o, c, i, j]) * Double(x[n, c, r, col])
                                    }
                                }
                            }
                        }
                        XCTAssertEqual(y[n, o, p, q], Float(s), accuracy: 1e-4)
                    }
                }
            }
        }
    }

    /// The geometries the im2col and col2im tests run: stride 1 with equal widths (one run per
    /// kernel offset), strides 2 and 3 (gathered), a 1×1 stride-2 shortcut, padding larger than
    /// the kernel's reach, non-square kernels, and 28×28 maps cut into row blocks.
    static func columnGeometries(batch: Int) -> [ConvGeometry] {
        // (C, H, W, kh, kw, stride, padding)
        let cases = [
            (3, 6, 5, 3, 3, 1, 1), (2, 7, 7, 3, 3, 2, 1), (2, 9, 8, 3, 2, 3, 2), (1, 5, 5, 5, 5, 1, 2),
            (2, 4, 6, 1, 3, 1, 0), (2, 8, 20, 3, 3, 2, 1), (1, 3, 3, 3, 3, 1, 3), (4, 28, 28, 3, 3, 1, 1),
            (3, 28, 28, 1, 1, 2, 0), (4, 28, 28, 3, 3, 2, 1),
            // Stride 2 read through the phases: odd sizes, and a 5×5 kernel whose
            // offsets reach one phase row before and after.
            (2, 6, 7, 5, 5, 2, 2), (2, 7, 5, 1, 1, 2, 0), (3, 14, 14, 3, 3, 2, 1),
            // Columns of more than ConvGeometry.blockFloats: blocks of output rows, at
            // stride 1 (same width) and stride 2.
            (40, 40, 40, 3, 3, 1, 1), (16, 64, 60, 5, 5, 2, 2),
        ]
        return cases.map { c, h, w, kh, kw, s, pad in
            ConvGeometry(
                batch: batch, channels: c, height: h, width: w, outChannels: 1, kernelH: kh, kernelW: kw,
                stride: s, padding: pad)
        }
    }

    /// The column matrix, value by value, against its definition, for every way the kernels cut
    /// it: stride 1 with equal widths (one run per kernel offset), strides 2 and 3 (gathered),
    /// padding larger than the kernel reach, blocks of output rows, several images per tile.
    func testIm2colAgainstDefinition() {
        var g = SeededGenerator(seed: 11)
        // The list must keep covering row blocks at strides 1 and 2, whatever the block size.
        for s in [1, 2] {
            XCTAssertTrue(
                Self.columnGeometries(batch: 3).contains {
                    $0.stride == s && $0.imagesPerTile == 1 && $0.rowsPerBlock < $0.outH
                }, "no geometry of stride \(s) is cut into row blocks")
        }
        for geo in Self.columnGeometries(batch: 3) {
            let (c, h, w, kh, kw) = (geo.channels, geo.height, geo.width, geo.kernelH, geo.kernelW)
            let (s, pad) = (geo.stride, geo.padding)
            let x = Tensor.randn([3, c, h, w], generator: &g)
            func expected(_ b: Int, _ row: Int, _ p: Int, _ q: Int) -> Float {
                let (cc, i, j) = (row / (kh * kw), row / kw % kh, row % kw)
                let (r, col) = (p * s - pad + i, q * s - pad + j)
                return r >= 0 && r < h && col >= 0 && col < w ? x[b, cc, r, col] : 0
            }
            // Whole images, then every tile as the kernels cut them (a NaN-filled buffer shows
            // any value left unwritten).
            var whole = [Float](repeating: .nan, count: geo.patch * geo.positions)
            x.data.withUnsafeBufferPointer { px in
                whole.withUnsafeMutableBufferPointer { pc in
                    geo.im2col(px.baseAddress! + geo.imageSize, pc.baseAddress!)
                }
            }
            for row in 0..<geo.patch {
                for p in 0..<geo.outH {
                    for q in 0..<geo.outW {
                        XCTAssertEqual(
                            whole[row * geo.positions + p * geo.outW + q], expected(1, row, p, q),
                            "\(geo) \(row) \(p) \(q)")
                    }
                }
            }
            for blockRows in [1, 2, geo.outH] {
                for first in Swift.stride(from: 0, to: geo.outH, by: blockRows) {
                    let block = first..<min(geo.outH, first + blockRows)
                    let ld = block.count * geo.outW
                    var col = [Float](repeating: .nan, count: geo.patch * ld)
                    x.data.withUnsafeBufferPointer { px in
                        col.withUnsafeMutableBufferPointer { pc in
                            geo.im2col(px.baseAddress! + 2 * geo.imageSize, pc.baseAddress!, outputRows: block, ld: ld)
                        }
                    }
                    for row in 0..<geo.patch {
                        for (k, p) in block.enumerated() {
                            for q in 0..<geo.outW {
                                XCTAssertEqual(
                                    col[row * ld + k * geo.outW + q], expected(2, row, p, q), "\(geo) block \(block)")
                            }
                        }
                    }
                }
            }
            var tiles = 0
            geo.forEachTile(0..<3) { tile in
                tiles += 1
                var col = [Float](repeating: .nan, count: geo.patch * tile.columns)
                x.data.withUnsafeBufferPointer { px in
                    col.withUnsafeMutableBufferPointer { pc in
                        geo.fillColumns(px.baseAddress!, tile, pc.baseAddress!)
                    }
                }
                for t in 0..<tile.images {
                    for row in 0..<geo.patch {
                        for (k, p) in tile.rows.enumerated() {
                            for q in 0..<geo.outW {
                                let v = col[row * tile.columns + (t * tile.rows.count + k) * geo.outW + q]
                                XCTAssertEqual(v, expected(tile.first + t, row, p, q), "\(geo) tile \(tile)")
                            }
                        }
                    }
                }
            }
            XCTAssertGreaterThan(tiles, 0)
        }
    }

    func testReductionsShapesAndValues() {
        let x = Tensor([1, 5, 3, 4, 2, 6], shape: [2, 3])
        XCTAssertEqual(x.sum().shape, [])
        XCTAssertEqual(x.sum().item(), 21)
        XCTAssertEqual(x.sum(axes: [0]).data, [5, 7, 9])
        XCTAssertEqual(x.mean(axes: [1], keepDims: true).shape, [2, 1])
        XCTAssertEqual(x.mean(axes: [1], keepDims: true).data, [3, 4])
        XCTAssertEqual(x.max(axes: [1]).data, [5, 6])
        XCTAssertEqual(x.max(axes: [0]).data, [4, 5, 6])
        XCTAssertEqual(x.permuted([1, 0]).data, [1, 4, 5, 2, 3, 6])
        XCTAssertEqual(x.sliced([1..<2, 1..<3]).data, [2, 6])
        // Empty reductions: Σ of nothing is 0, the mean of nothing NaN, the max of nothing −inf.
        let empty = Tensor.zeros([0, 3])
        XCTAssertEqual(empty.sum(axes: [0]).data, [0, 0, 0])
        XCTAssertTrue(empty.mean(axes: [0]).data.allSatisfy { $0.isNaN })
        XCTAssertEqual(empty.max(axes: [0]).data, [-.infinity, -.infinity, -.infinity])
        XCTAssertEqual(empty.mean(axes: [1]).shape, [0])
        XCTAssertTrue(Tensor([Float.nan, 1]).relu().data[0].isNaN)
    }

    func testSoftmaxSumsToOneAndSurvivesHugeLogits() {
        let x = Tensor([1000, 1000, -1000, 0, 1, 2], shape: [2, 3])
        let s = x.softmax(axis: 1)
        XCTAssertTrue(s.data.allSatisfy { $0.isFinite })
        XCTAssertEqual(s.sum(axes: [1]).data[0], 1, accuracy: 1e-6)
        XCTAssertEqual(s.sum(axes: [1]).data[1], 1, accuracy: 1e-6)
        XCTAssertEqual(s[0, 0], 0.5, accuracy: 1e-6)
        let lse = x.logsumexp(axis: 1)
        XCTAssertEqual(lse[0], 1000 + Foundation.log(2), accuracy: 1e-3)
        XCTAssertEqual(Tensor([-1e4, -1e4]).logsumexp(axis: 0).item(), -1e4 + Foundation.log(2), accuracy: 1e-2)
        XCTAssertTrue(x.logSoftmax(axis: 1).data.allSatisfy { $0.isFinite })
        // A row of −inf yields NaN-free logsumexp of −inf rather than NaN from inf − inf.
        XCTAssertEqual(Tensor([-.infinity, -.infinity]).logsumexp(axis: 0).item(), -.infinity)
    }

    func testSigmoidAndGeluAtExtremes() {
        let x = Tensor([-200, -20, 0, 20, 200])
        let s = x.sigmoid().data
        XCTAssertEqual(s[0], 0)
        XCTAssertEqual(s[2], 0.5)
        XCTAssertEqual(s[4], 1)
        XCTAssertTrue(s.allSatisfy { $0.isFinite })
        let g = x.gelu().data
        XCTAssertEqual(g[0], 0)
        XCTAssertEqual(g[2], 0)
        XCTAssertEqual(g[4], 200)
        XCTAssertEqual(Tensor([1]).gelu().item(), 0.841_344_7, accuracy: 1e-6)  // 1·Φ(1)
    }

    func testL2NormalisationOfZeroRowIsFinite() {
        let x = Tensor([3, 4, 0, 0], shape: [2, 2], requiresGrad: true)
        let y = x.l2Normalized(axis: 1)
        XCTAssertEqual(y.data[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(y.data[1], 0.8, accuracy: 1e-6)
        XCTAssertEqual(y.data[2], 0)
        y.sum().backward()
        XCTAssertTrue(x.grad!.data.allSatisfy { $0.isFinite })
    }

    func testCrossEntropyByHand() {
        let logits = Tensor([0, 0, 0, 2, 0, 0], shape: [2, 3])
        let loss = Loss.crossEntropy(logits: logits, targets: [1, 0]).item()
        let expected = (Foundation.log(3.0) + (Foundation.log(Foundation.exp(2.0) + 2) - 2)) / 2
        XCTAssertEqual(Double(loss), expected, accuracy: 1e-6)
    }

    func testContrastiveLossesPreferMatchingViews() {
        var g = SeededGenerator(seed: 5)
        let z = Tensor.randn([4, 8], generator: &g)
        let noise = Tensor.randn([4, 8], std: 0.01, generator: &g)
        let aligned = Loss.ntXent(z, z + noise, temperature: 0.1).item()
        let shuffled = Loss.ntXent(z, z.gathered(rows: [1, 2, 3, 0]), temperature: 0.1).item()
        XCTAssertLessThan(aligned, shuffled)
        let queue = Tensor.randn([16, 8], generator: &g).l2Normalized(axis: 1)
        let pos = Loss.infoNCE(query: z, key: z + noise, queue: queue, temperature: 0.07).item()
        let neg = Loss.infoNCE(query: z, key: z.gathered(rows: [1, 2, 3, 0]), queue: queue, temperature: 0.07).item()
        XCTAssertLessThan(pos, neg)
        XCTAssertGreaterThan(pos, 0)
    }

    func testBatchNormStatisticsAndNormalisedOutput() {
        var g = SeededGenerator(seed: 6)
        let x = Tensor.randn([8, 3, 4, 4], mean: 2, std: 3, generator: &g)
        let r = x.batchNorm()
        XCTAssertEqual(r.count, 128)
        let y = r.output
        let m = y.mean(axes: [0, 2, 3]).data
        let v = (y * y).mean(axes: [0, 2, 3]).data
        for c in 0..<3 {
            XCTAssertEqual(m[c], 0, accuracy: 1e-5)
            XCTAssertEqual(v[c], 1, accuracy: 1e-3)
            XCTAssertEqual(r.unbiasedVariance[c], r.variance[c] * 128 / 127, accuracy: 1e-5)
        }
    }

    /// col2im is the adjoint of im2col: `⟨im2col(x), C⟩ = ⟨x, col2im(C)⟩` for random `x` and `C`,
    /// in every geometry of ``columnGeometries(batch:)``.
    func testCol2imIsTheAdjointOfIm2col() {
        var g = SeededGenerator(seed: 12)
        for geo in Self.columnGeometries(batch: 1) {
            let x = Tensor.randn([geo.channels, geo.height, geo.width], generator: &g)
            let cols = Tensor.randn([geo.patch, geo.positions], generator: &g)
            var col = [Float](repeating: 0, count: geo.patch * geo.positions)
            var back = [Float](repeating: 0, count: geo.imageSize)
            var scratch = cols.data
            x.data.withUnsafeBufferPointer { px in
                col.withUnsafeMutableBufferPointer { pc in
                    geo.im2col(px.baseAddress!, pc.baseAddress!)
                }
            }
            scratch.withUnsafeMutableBufferPointer { ps in
                back.withUnsafeMutableBufferPointer { pb in
                    geo.col2im(ps.baseAddress!, pb.baseAddress!)
                }
            }
            let left = zip(col, cols.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let right = zip(x.data, back).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(left, right, accuracy: 1e-4 * max(1, Swift.abs(left)), "\(geo)")
        }
    }

    /// Batch statistics in one pass stay exact when the mean dwarfs the spread (mean 1000, std
    /// 0.01: a naive Σx² − (Σx)² loses every digit in Float) and when the shifting value, a
    /// channel's first entry, is an outlier; compared with a two-pass Double reference.
    func testBatchNormStatisticsWithLargeMeanAgainstDoubleReference() {
        var g = SeededGenerator(seed: 21)
        let x = Tensor.randn([16, 2, 9, 9], mean: 1000, std: 0.01, generator: &g)
        var values = x.data
        values[0] = 1500  // channel 0's first value, the shift, far from its mean
        let y = Tensor(values, shape: x.shape)
        let r = y.batchNorm()
        for c in 0..<2 {
            var v: [Double] = []
            for b in 0..<16 { for s in 0..<81 { v.append(Double(values[(b * 2 + c) * 81 + s])) } }
            let mean = v.reduce(0, +) / Double(v.count)
            let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)
            XCTAssertEqual(Double(r.mean[c]), mean, accuracy: 1e-4 * Swift.abs(mean))
            XCTAssertEqual(Double(r.variance[c]), variance, accuracy: 1e-3 * variance)
        }
    }

    func testDropoutIsReproducibleAndScaled() {
        let x = Tensor.ones([1000])
        var g1 = SeededGenerator(seed: 1)
        var g2 = SeededGenerator(seed: 1)
        let a = x.dropout(0.25, generator: &g1)
        let b = x.dropout(0.25, generator: &g2)
        XCTAssertEqual(a.data, b.data)
        XCTAssertTrue(a.data.allSatisfy { $0 == 0 || Swift.abs($0 - 4.0 / 3) < 1e-6 })
        let kept = a.data.filter { $0 != 0 }.count
        XCTAssertGreaterThan(kept, 700)
        XCTAssertLessThan(kept, 800)
    }

    func testLargeElementwiseOpsUseAllCoresConsistently() {
        // Above the parallel grain: results must equal the serial definition element by element.
        var g = SeededGenerator(seed: 8)
        let a = Tensor.randn([300, 400], generator: &g)
        let b = Tensor.randn([400], generator: &g)
        let c = (a * b + a).relu()
        for i in stride(from: 0, to: a.count, by: 997) {
            let expected = Swift.max(a.data[i] * b.data[i % 400] + a.data[i], 0)
            XCTAssertEqual(c.data[i], expected)
        }
    }

    func testBatchNormOnManyChannelsSplitOverCores() {
        // Big enough for the per-channel loops to run on several threads.
        var g = SeededGenerator(seed: 12)
        let x = Tensor.randn([32, 8, 16, 16], mean: 1, std: 2, generator: &g, requiresGrad: true)
        let r = x.batchNorm()
        let m = r.output.mean(axes: [0, 2, 3]).data
        for c in 0..<8 { XCTAssertEqual(m[c], 0, accuracy: 1e-4) }
        // Σ of a batch-normalised output does not depend on x: its gradient vanishes.
        r.output.sum().backward()
        XCTAssertLessThan(x.grad!.data.map { Swift.abs($0) }.max()!, 1e-4)
    }
}
