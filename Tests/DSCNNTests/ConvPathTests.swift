import DSCNN
import DSCTensor
import DSCTestSupport
import XCTest

/// The convolution kernels' fast paths (contiguous im2col for "same"-width rows, the input
/// gradient as a correlation with the flipped kernel, fresh-gradient writes) against direct sums.
final class ConvPathTests: XCTestCase {
    /// `(x, w, stride, padding)`: same-width 3×3 and 5×5, a 1×3 kernel (same width, taller
    /// output), padding wider than needed, strided, a 2×2 kernel (not square-odd), pointwise.
    static let cases: [(x: [Int], w: [Int], stride: Int, padding: Int)] = [
        ([2, 3, 7, 6], [4, 3, 3, 3], 1, 1),
        ([1, 2, 6, 7], [3, 2, 5, 5], 1, 2),
        ([2, 2, 5, 6], [3, 2, 1, 3], 1, 1),
        ([1, 2, 4, 5], [2, 2, 3, 3], 1, 2),
        ([2, 2, 7, 7], [3, 2, 3, 3], 2, 1),
        ([1, 3, 5, 4], [2, 3, 2, 2], 1, 1),
        ([2, 3, 4, 4], [5, 3, 1, 1], 1, 0),
    ]
    /// Large enough maps (≥ 512 positions) for one image per tile; the first two are cut into
    /// row blocks (columns of more than `ConvGeometry.blockFloats` per image).
    static let large: [(x: [Int], w: [Int], stride: Int, padding: Int)] = [
        ([2, 40, 40, 40], [3, 40, 3, 3], 1, 1),
        ([1, 16, 64, 60], [2, 16, 5, 5], 2, 2),
        ([3, 16, 24, 24], [4, 16, 3, 3], 1, 1),
        ([2, 16, 26, 25], [3, 16, 3, 3], 1, 0),
        // 'Same' kernels on maps of ≥ 512 positions (3×3 and 5×5, non-square maps).
        ([2, 8, 20, 30], [3, 8, 5, 5], 1, 2),
        ([5, 9, 23, 25], [7, 9, 3, 3], 1, 1),
        // Small maps and more images than parts: several images per tile within a part, and
        // parts of different sizes (x is gathered for the weight gradient).
        ([21, 3, 5, 6], [4, 3, 3, 3], 1, 1),
    ]

    /// `y[n, o, p, q]` by the definition, in Double.
    func direct(_ x: Tensor, _ w: Tensor, stride: Int, padding: Int) -> [Double] {
        let (b, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let ho = (h + 2 * padding - kh) / stride + 1
        let wo = (wd + 2 * padding - kw) / stride + 1
        let xv = x.data
        let wv = w.data
        var y: [Double] = []
        for n in 0..<b {
            for oo in 0..<o {
                for p in 0..<ho {
                    for q in 0..<wo {
                        var s = 0.0
                        for cc in 0..<c {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let r = p * stride - padding + i
                                    let col = q * stride - padding + j
                                    if r >= 0 && r < h && col >= 0 && col < wd {
                                        s +=
                                            Double(wv[((oo * c + cc) * kh + i) * kw + j])
                                            * Double(xv[((n * c + cc) * h + r) * wd + col])
                                    }
                                }
                            }
                        }
                        y.append(s)
                    }
                }
            }
        }
        return y
    }

    func testForwardMatchesDirectSum() {
        for (k, c) in (Self.cases + Self.large).enumerated() {
            let x = NNTest.randn(c.x, seed: 10 + UInt64(k))
            let w = NNTest.randn(c.w, seed: 20 + UInt64(k))
            let y = x.conv2d(weight: w, stride: c.stride, padding: c.padding)
            assertClose(
                y.data, direct(x, w, stride: c.stride, padding: c.padding).map { Float($0) }, accuracy: 1e-4,
                "case \(k)")
        }
    }

    func testGradientsMatchDirectSumsFreshAndAccumulated() {
        for (k, c) in (Self.cases + Self.large).enumerated() {
            let x = NNTest.randn(c.x, seed: 30 + UInt64(k), requiresGrad: true)
            let w = NNTest.randn(c.w, seed: 40 + UInt64(k), requiresGrad: true)
            let y = x.conv2d(weight: w, stride: c.stride, padding: c.padding)
            let seed = NNTest.randn(y.shape, seed: 50 + UInt64(k))
            // ∂x[n, c, r, s] += seed[n, o, p, q] · w[o, c, i, j] and ∂w[o, c, i, j] += seed · x[n, c, r, s]
            // over r = p·stride − pad + i, s = q·stride − pad + j inside the image.
            var gx = [Double](repeating: 0, count: x.count)
            var gw = [Double](repeating: 0, count: w.count)
            let (ch, h, wd) = (c.x[1], c.x[2], c.x[3])
            let (o, kh, kw) = (c.w[0], c.w[2], c.w[3])
            let (ho, wo) = (y.shape[2], y.shape[3])
            let xv = x.data
            let wv = w.data
            let seedv = seed.data
            for n in 0..<c.x[0] {
                for oo in 0..<o {
                    for p in 0..<ho {
                        for q in 0..<wo {
                            let sv = Double(seedv[((n * o + oo) * ho + p) * wo + q])
                            for cc in 0..<ch {
                                for i in 0..<kh {
                                    for j in 0..<kw {
                                        let r = p * c.stride - c.padding + i
                                        let s = q * c.stride - c.padding + j
                                        guard r >= 0 && r < h && s >= 0 && s < wd else { continue }
                                        let xi = ((n * ch + cc) * h + r) * wd + s
                                        let wi = ((oo * ch + cc) * kh + i) * kw + j
                                        gx[xi] += sv * Double(wv[wi])
                                        gw[wi] += sv * Double(xv[xi])
                                    }
                                }
                            }
                        }
                    }
                }
            }
            y.backward(seed: seed)
            assertClose(x.grad!.data, gx.map { Float($0) }, accuracy: 2e-4, "case \(k), fresh ∂x")
            assertClose(w.grad!.data, gw.map { Float($0) }, accuracy: 1e-3, "case \(k), fresh ∂w")
            // A second pass adds to the existing gradients.
            x.conv2d(weight: w, stride: c.stride, padding: c.padding).backward(seed: seed)
            assertClose(x.grad!.data, gx.map { Float(2 * $0) }, accuracy: 4e-4, "case \(k), accumulated ∂x")
            assertClose(w.grad!.data, gw.map { Float(2 * $0) }, accuracy: 2e-3, "case \(k), accumulated ∂w")
        }
    }

    func testEachGradientAloneEqualsBothTogether() {
        // The stride-1 backward computes ∂w from the columns it builds for ∂x; asking for only
        // one of the two must give the same values as asking for both.
        for (k, c) in (Self.cases + Self.large).enumerated() {
            let x = NNTest.randn(c.x, seed: 80 + UInt64(k), requiresGrad: true)
            let w = NNTest.randn(c.w, seed: 90 + UInt64(k), requiresGrad: true)
            let y = x.conv2d(weight: w, stride: c.stride, padding: c.padding)
            let seed = NNTest.randn(y.shape, seed: 100 + UInt64(k))
            y.backward(seed: seed)
            let (gx, gw) = (x.grad!.data, w.grad!.data)
            x.grad = nil
            w.grad = nil
            x.requiresGrad = false
            x.conv2d(weight: w, stride: c.stride, padding: c.padding).backward(seed: seed)
            assertClose(w.grad!.data, gw, accuracy: 1e-4, "case \(k), ∂w alone")
            XCTAssertNil(x.grad, "case \(k)")
            x.requiresGrad = true
            w.requiresGrad = false
            w.grad = nil
            x.conv2d(weight: w, stride: c.stride, padding: c.padding).backward(seed: seed)
            assertClose(x.grad!.data, gx, accuracy: 1e-5, "case \(k), ∂x alone")
            XCTAssertNil(w.grad, "case \(k)")
        }
    }

    func testGradientChecksThroughFastPaths() {
        for (k, c) in Self.cases.enumerated() {
            let x = NNTest.randn(c.x, seed: 60 + UInt64(k), requiresGrad: true)
            let w = NNTest.randn(c.w, seed: 70 + UInt64(k), requiresGrad: true)
            assertGradients([x, w]) { _ in x.conv2d(weight: w, stride: c.stride, padding: c.padding) }
        }
    }

    func testFreshGradientsOfAddAndBatchNormEqualAccumulatedOnes() {
        // x + x and x used twice must count twice; a fresh gradient written directly equals 0 + g.
        let x = NNTest.randn([2, 3], seed: 1, requiresGrad: true)
        (x + x).backward(seed: Tensor.ones([2, 3]))
        XCTAssertEqual(x.grad!.data, [Float](repeating: 2, count: 6))
        let a = NNTest.randn([2, 3], seed: 2, requiresGrad: true)
        let bias = NNTest.randn([3], seed: 3, requiresGrad: true)
        let seed = NNTest.randn([2, 3], seed: 4)
        (a + bias).backward(seed: seed)
        XCTAssertEqual(a.grad!.data, seed.data)
        assertClose(bias.grad!.data, (0..<3).map { seed.data[$0] + seed.data[3 + $0] })
        let y = NNTest.randn([4, 2, 3, 3], seed: 5, requiresGrad: true)
        let twice = y.batchNorm(statistics: .batch).output + y.batchNorm(statistics: .batch).output
        twice.backward(seed: NNTest.randn([4, 2, 3, 3], seed: 6))
        let once = y.grad!.data
        y.grad = nil
        (y.batchNorm(statistics: .batch).output * 2).backward(seed: NNTest.randn([4, 2, 3, 3], seed: 6))
        assertClose(once, y.grad!.data, accuracy: 1e-5)
    }

    /// The per-channel moments a convolution records for the batch norm after it (taken tile by
    /// tile: row blocks, one image, several images per tile, with and without bias) equal the
    /// moments of the same output computed in Double, and the batch norm uses them; a write to
    /// the output drops them.
    func testRecordedChannelMomentsMatchTheOutputs() {
        for (k, c) in (Self.cases + Self.large).enumerated() {
            let x = NNTest.randn(c.x, seed: 30 + UInt64(k))
            let w = NNTest.randn(c.w, seed: 40 + UInt64(k))
            let bias = k % 2 == 0 ? nil : NNTest.randn([c.w[0]], seed: 50 + UInt64(k))
            let y = x.conv2d(weight: w, bias: bias, stride: c.stride, padding: c.padding, channelMoments: true)
            let (b, o, spatial) = (y.shape[0], y.shape[1], y.shape[2] * y.shape[3])
            var mean = [Double](repeating: 0, count: o)
            var variance = mean
            for ch in 0..<o {
                let v = (0..<b).flatMap { n in (0..<spatial).map { Double(y.data[(n * o + ch) * spatial + $0]) } }
                mean[ch] = v.reduce(0, +) / Double(v.count)
                variance[ch] = v.reduce(0) { $0 + ($1 - mean[ch]) * ($1 - mean[ch]) } / Double(v.count)
            }
            let used = y.batchNorm()
            for ch in 0..<o {
                XCTAssertEqual(
                    Double(used.mean[ch]), mean[ch], accuracy: 1e-5 * (1 + abs(mean[ch])), "case \(k) channel \(ch)")
                XCTAssertEqual(
                    Double(used.variance[ch]), variance[ch], accuracy: 1e-5 * variance[ch], "case \(k) channel \(ch)")
            }
            // A write drops the recorded moments: the batch norm sees the new values.
            y.data[0] += 1000
            let shifted = y.batchNorm().mean[0]
            XCTAssertEqual(Double(shifted), mean[0] + 1000 / Double(b * spatial), accuracy: 1e-3, "case \(k)")
        }
    }
}
