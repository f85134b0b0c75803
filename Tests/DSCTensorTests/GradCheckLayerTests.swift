import DSCTestSupport
import XCTest

@testable import DSCTensor

/// Central-difference gradient checks of matmul, convolution, pooling, batch normalisation and
/// the shape primitives.
final class GradCheckLayerTests: XCTestCase {
    typealias T = TestData

    // MARK: Matmul

    func testMatmulAllTransposeCombinations() {
        let (m, k, n) = (3, 4, 5)
        for ta in [false, true] {
            for tb in [false, true] {
                let a = T.randn(ta ? [k, m] : [m, k], seed: 1)
                let b = T.randn(tb ? [n, k] : [k, n], seed: 2)
                assertGradients([a, b]) { Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
            }
        }
    }

    func testBatchedMatmulWithTransposes() {
        let (batch, m, k, n) = (2, 3, 4, 2)
        for ta in [false, true] {
            for tb in [false, true] {
                let a = T.randn(ta ? [batch, k, m] : [batch, m, k], seed: 3)
                let b = T.randn(tb ? [batch, n, k] : [batch, k, n], seed: 4)
                assertGradients([a, b]) { $0[0].matmul($0[1], transposeA: ta, transposeB: tb) }
                let shared = T.randn(tb ? [n, k] : [k, n], seed: 5)
                assertGradients([a, shared]) { $0[0].matmul($0[1], transposeA: ta, transposeB: tb) }
            }
        }
    }

    // MARK: Convolution

    func testConv2dStridesPaddingsAndKernels() {
        let cases: [(x: [Int], w: [Int], stride: Int, padding: Int)] = [
            ([2, 3, 5, 5], [4, 3, 3, 3], 1, 1),
            ([2, 2, 6, 5], [3, 2, 3, 3], 2, 1),  // strided, padded, odd width
            ([1, 2, 5, 6], [2, 2, 2, 3], 2, 0),  // non-square kernel, dropped border
            ([2, 3, 4, 4], [5, 3, 1, 1], 1, 0),  // pointwise path
            ([1, 1, 3, 3], [2, 1, 3, 3], 1, 2),  // padding wider than needed
        ]
        for (k, c) in cases.enumerated() {
            let x = T.randn(c.x, seed: 10 + UInt64(k))
            let w = T.randn(c.w, seed: 20 + UInt64(k))
            let b = T.randn([c.w[0]], seed: 30 + UInt64(k))
            assertGradients([x, w, b]) {
                $0[0].conv2d(weight: $0[1], bias: $0[2], stride: c.stride, padding: c.padding)
            }
        }
        let x = T.randn([1, 2, 4, 4], seed: 40)
        let w = T.randn([3, 2, 3, 3], seed: 41)
        assertGradients([x, w]) { $0[0].conv2d(weight: $0[1], padding: 1) }
    }

    // MARK: Pooling

    func testOverlappingAndPaddedPooling() {
        let x = T.distinct([2, 2, 5, 5], seed: 50)
        for (kernel, stride, padding) in [(2, 2, 0), (3, 2, 1), (3, 1, 0), (2, 1, 1)] {
            assertGradients([x]) { $0[0].maxPool2d(kernel: kernel, stride: stride, padding: padding) }
            assertGradients([x]) { $0[0].avgPool2d(kernel: kernel, stride: stride, padding: padding) }
        }
    }

    // MARK: Batch normalisation

    func testBatchNormTrainingModeBothLayouts() {
        for shape in [[5, 3], [3, 2, 3, 2]] {
            let x = T.randn(shape, seed: 60)
            let gamma = T.uniform([shape[1]], 0.5, 1.5, seed: 61)
            let beta = T.randn([shape[1]], seed: 62)
            assertGradients([x, gamma, beta]) { $0[0].batchNorm(gamma: $0[1], beta: $0[2]).output }
            assertGradients([x]) { $0[0].batchNorm().output }
        }
    }

    func testBatchNormEvalModeBothLayouts() {
        for shape in [[5, 3], [3, 3, 2, 2]] {
            let x = T.randn(shape, seed: 63)
            let gamma = T.uniform([3], 0.5, 1.5, seed: 64)
            let beta = T.randn([3], seed: 65)
            let stats = BatchNormStatistics.running(mean: [0.1, -0.3, 0.2], variance: [0.8, 1.2, 0.5])
            assertGradients([x, gamma, beta]) { $0[0].batchNorm(gamma: $0[1], beta: $0[2], statistics: stats).output }
        }
    }

    // MARK: Shape

    func testReshapePermuteTranspose() {
        let x = T.randn([2, 3, 4], seed: 70)
        assertGradients([x]) { $0[0].reshaped([4, -1]) * $0[0].reshaped([4, 6]) }
        for p in [[0, 2, 1], [2, 0, 1], [1, 2, 0], [2, 1, 0]] {
            assertGradients([x]) { $0[0].permuted(p) }
        }
        assertGradients([x]) { $0[0].transposed() }
        assertGradients([x]) { $0[0].transposed(0, 2) }
    }

    func testConcatAlongEachAxis() {
        let a = T.randn([2, 3], seed: 71)
        let b = T.randn([2, 2], seed: 72)
        let c = T.randn([1, 3], seed: 73)
        assertGradients([a, b]) { Tensor.concat([$0[0], $0[1]], axis: 1) }
        assertGradients([a, c]) { Tensor.concat([$0[0], $0[1], $0[0]], axis: 0) }
    }

    func testSliceRanges() {
        let x = T.randn([3, 4, 5], seed: 74)
        assertGradients([x]) { $0[0].sliced([1..<3, 0..<4, 2..<5]) }
        assertGradients([x]) { $0[0].sliced([0..<3, 1..<2]) }
        assertGradients([x]) { $0[0].sliced(axis: -1, 1..<4) + $0[0].sliced(axis: -1, 0..<3) }
    }

    func testGatherWithRepeatedRows() {
        let x = T.randn([4, 3], seed: 75)
        assertGradients([x]) { $0[0].gathered(rows: [2, 0, 2, 3, 2]) }
        x.grad = nil
        let g = x.gathered(rows: [1, 1, 1])
        g.sum().backward()
        XCTAssertEqual(x.grad!.data, [0, 0, 0, 3, 3, 3, 0, 0, 0, 0, 0, 0])
    }
}
