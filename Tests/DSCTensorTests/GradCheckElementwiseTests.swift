import DSCTestSupport
import XCTest

@testable import DSCTensor

/// Central-difference gradient checks of the elementwise, reduction and threshold primitives and
/// of the composites (which have no backward of their own, so this checks their assembly).
final class GradCheckElementwiseTests: XCTestCase {
    typealias T = TestData

    // MARK: Broadcast arithmetic

    func testAddSubMulDivSameShape() {
        let a = T.randn([3, 4], seed: 1)
        let b = T.uniform([3, 4], 0.5, 2, seed: 2)
        assertGradients([a, b]) { $0[0] + $0[1] }
        assertGradients([a, b]) { $0[0] - $0[1] }
        assertGradients([a, b]) { $0[0] * $0[1] }
        assertGradients([a, b]) { $0[0] / $0[1] }
    }

    func testBroadcastingAgainstTrailingAndScalarShapes() {
        let a = T.randn([2, 3, 4], seed: 3)
        for (k, shape) in [[3, 1], [4], [], [1, 3, 1], [2, 1, 1]].enumerated() {
            let b = T.uniform(shape, 0.5, 2, seed: 10 + UInt64(k))
            assertGradients([a, b]) { $0[0] + $0[1] }
            assertGradients([a, b]) { $0[1] - $0[0] }
            assertGradients([a, b]) { $0[0] * $0[1] }
            assertGradients([a, b]) { $0[0] / $0[1] }
            assertGradients([a, b]) { $0[1] / ($0[0] * $0[0] + 1) }
        }
    }

    func testBroadcastingWhereBothOperandsRepeat() {
        let a = T.randn([2, 1, 4], seed: 4)
        let b = T.uniform([1, 3, 1], 0.5, 2, seed: 5)
        assertGradients([a, b]) { $0[0] * $0[1] }
        assertGradients([a, b]) { $0[0] / $0[1] }
        assertGradients([a, b]) { $0[0] - $0[1] }
    }

    func testScalarOperatorsAndNegation() {
        let a = T.uniform([5], 0.5, 2, seed: 6)
        assertGradients([a]) { 2 / $0[0] + 3 * $0[0] - 1 }
        assertGradients([a]) { -($0[0] / 4 - 2) }
    }

    // MARK: Unary

    func testPiecewiseLinearActivations() {
        let x = T.awayFromZero([4, 5], seed: 7)
        assertGradients([x]) { $0[0].relu() }
        assertGradients([x]) { $0[0].leakyRelu(slope: 0.2) }
        assertGradients([x]) { $0[0].abs() }
    }

    func testSmoothActivations() {
        let x = T.randn([4, 5], seed: 8, scale: 2)
        assertGradients([x]) { $0[0].gelu() }
        assertGradients([x]) { $0[0].tanh() }
        assertGradients([x]) { $0[0].sigmoid() }
        assertGradients([x]) { ($0[0] / 2).exp() }
    }

    func testLogSqrtPow() {
        let x = T.uniform([3, 4], 0.5, 3, seed: 9)
        assertGradients([x]) { $0[0].log() }
        assertGradients([x]) { $0[0].sqrt() }
        assertGradients([x]) { $0[0].pow(2) }
        assertGradients([x]) { $0[0].pow(3) }
        assertGradients([x]) { $0[0].pow(-1.5) }
        assertGradients([x]) { $0[0].pow(0.5) }
    }

    func testDropoutUsesOneMaskForwardAndBackward() {
        let x = T.randn([6, 7], seed: 10)
        assertGradients([x]) { t in
            var g = SeededGenerator(seed: 42)
            return t[0].dropout(0.3, generator: &g)
        }
    }

    // MARK: Reductions

    func testSumAndMeanAlongAxes() {
        let x = T.randn([2, 3, 4], seed: 11)
        for axes in [[], [0], [1], [2], [-1], [0, 2], [1, 0]] {
            for keep in [false, true] {
                assertGradients([x]) { $0[0].sum(axes: axes, keepDims: keep) }
                assertGradients([x]) { $0[0].mean(axes: axes, keepDims: keep) }
            }
        }
    }

    func testMaxAlongAxes() {
        let x = T.distinct([3, 4, 5], seed: 12)
        for axes in [[], [0], [1], [2], [0, 2]] {
            for keep in [false, true] {
                assertGradients([x]) { $0[0].max(axes: axes, keepDims: keep) }
            }
        }
    }

    // MARK: Soft threshold

    func testShrinkWithRespectToInputAndScalarThreshold() {
        // |x| stays ≥ 0.02 away from λ = 0.3.
        let x = Tensor(
            T.randn([5, 6], seed: 13).data.map { Swift.abs(Swift.abs($0) - 0.3) < 0.02 ? $0 + 0.05 : $0 },
            shape: [5, 6], requiresGrad: true)
        let lambda = Tensor(scalar: 0.3, requiresGrad: true)
        assertGradients([x, lambda]) { $0[0].shrink($0[1]) }
        assertGradients([x]) { $0[0].shrink(0.3) }
    }

    func testShrinkWithPerRowThresholds() {
        let lambda = Tensor([0.1, 0.5, 0.9], shape: [3, 1], requiresGrad: true)
        var values = T.randn([3, 4], seed: 14).data
        for r in 0..<3 {
            for c in 0..<4 where Swift.abs(Swift.abs(values[r * 4 + c]) - lambda.data[r]) < 0.02 {
                values[r * 4 + c] += 0.05
            }
        }
        let x = Tensor(values, shape: [3, 4], requiresGrad: true)
        assertGradients([x, lambda]) { $0[0].shrink($0[1]) }
        XCTAssertEqual(Tensor([-2, -0.5, 0, 0.5, 2]).shrink(1).data, [-1, 0, 0, 0, 1])
    }

    // MARK: Composites

    func testSoftmaxFamily() {
        let x = T.randn([3, 5], seed: 15, scale: 2)
        assertGradients([x]) { $0[0].softmax(axis: 1) }
        assertGradients([x]) { $0[0].softmax(axis: 0) }
        assertGradients([x]) { $0[0].logSoftmax(axis: -1) }
        assertGradients([x]) { $0[0].logsumexp(axis: 1) }
        assertGradients([x]) { $0[0].logsumexp(axis: 0, keepDims: true) }
    }

    func testL2Normalisation() {
        let x = T.randn([4, 3], seed: 16)
        assertGradients([x]) { $0[0].l2Normalized(axis: 1) }
        assertGradients([x]) { $0[0].l2Normalized(axis: 0) }
    }

    func testLosses() {
        let logits = T.randn([4, 3], seed: 17)
        let target = T.randn([4, 3], seed: 18)
        assertGradients([logits]) { Loss.crossEntropy(logits: $0[0], targets: [2, 0, 1, 2]) }
        assertGradients([logits, target]) { Loss.mse($0[0], $0[1]) }
        let z1 = T.randn([3, 4], seed: 19)
        let z2 = T.randn([3, 4], seed: 20)
        assertGradients([z1, z2]) { Loss.ntXent($0[0], $0[1], temperature: 0.5) }
        let queue = T.randn([5, 4], seed: 21).l2Normalized(axis: 1).detached()
        queue.requiresGrad = true
        assertGradients([z1, z2, queue]) { Loss.infoNCE(query: $0[0], key: $0[1], queue: $0[2], temperature: 0.2) }
    }
}
