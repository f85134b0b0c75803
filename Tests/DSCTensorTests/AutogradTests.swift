import DSCTestSupport
import XCTest

@testable import DSCTensor

/// Behaviour of the tensor type and of the autodiff engine (accumulation, graph shape, grad mode).
final class AutogradTests: XCTestCase {
    func testCreationHelpers() {
        XCTAssertEqual(Tensor.zeros([2, 3]).data, [Float](repeating: 0, count: 6))
        XCTAssertEqual(Tensor.ones([2]).data, [1, 1])
        XCTAssertEqual(Tensor.full([1, 2], value: 7).data, [7, 7])
        XCTAssertEqual(Tensor(scalar: 3).item(), 3)
        XCTAssertEqual(Tensor(scalar: 3).shape, [])
        XCTAssertEqual(Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])[1, 2], 6)
        XCTAssertEqual(Tensor.zeros([2, 0, 3]).count, 0)
        var g1 = SeededGenerator(seed: 9)
        var g2 = SeededGenerator(seed: 9)
        XCTAssertEqual(Tensor.randn([10], generator: &g1).data, Tensor.randn([10], generator: &g2).data)
        let u = Tensor.uniform([1000], low: -2, high: 3, generator: &g1)
        XCTAssertTrue(u.data.allSatisfy { $0 >= -2 && $0 < 3 })
    }

    func testBroadcastForwardValues() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual((a + Tensor([10, 20, 30])).data, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual((a * Tensor([2, 3], shape: [2, 1])).data, [2, 4, 6, 12, 15, 18])
        XCTAssertEqual((Tensor([1, 2], shape: [2, 1]) - Tensor([1, 2, 3])).shape, [2, 3])
        XCTAssertEqual((Tensor([1, 2], shape: [2, 1]) - Tensor([1, 2, 3])).data, [0, -1, -2, 1, 0, -1])
        XCTAssertEqual((1 / Tensor([2, 4])).data, [0.5, 0.25])
    }

    func testGradientsAccumulateUntilZeroed() {
        let x = Tensor([1, 2], requiresGrad: true)
        (x * x).sum().backward()
        (x * x).sum().backward()
        XCTAssertEqual(x.grad!.data, [4, 8])
        x.zeroGrad()
        XCTAssertEqual(x.grad!.data, [0, 0])
    }

    func testSharedSubexpressionReceivesAllPaths() {
        // y = x·x + x, with x used three times: dy/dx = 2x + 1.
        let x = Tensor(scalar: 3, requiresGrad: true)
        let y = x * x + x
        y.backward()
        XCTAssertEqual(x.grad!.item(), 7)
        // A diamond: b = a·2, c = a·3, d = b·c = 6a², dd/dx = 12a·(da/dx), a = x².
        let z = Tensor(scalar: 2, requiresGrad: true)
        let a = z * z
        let d = (a * 2) * (a * 3)
        d.backward()
        XCTAssertEqual(z.grad!.item(), 12 * 4 * 2 * 2)
    }

    func testNoGradientForInputsThatNeedNone() {
        let w = Tensor([1, 2], requiresGrad: true)
        let c = Tensor([3, 4])
        (w * c).sum().backward()
        XCTAssertNil(c.grad)
        XCTAssertEqual(w.grad!.data, [3, 4])
        let constant = Tensor([1, 2]) * Tensor([3, 4])
        XCTAssertFalse(constant.requiresGrad)
        XCTAssertTrue(constant.isLeaf)
    }

    func testNoGradModeRecordsNothing() {
        let w = Tensor([1, 2], requiresGrad: true)
        let y = Tensor.withNoGrad { (w * w).relu().sum() }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(y.isLeaf)
        XCTAssertTrue(Tensor.isGradEnabled)
        XCTAssertFalse(Tensor.withNoGrad { Tensor.isGradEnabled })
        XCTAssertEqual(y.item(), 5)
    }

    func testIntermediateGradientsAreReleasedUnlessRetained() {
        let x = Tensor([1, 2], requiresGrad: true)
        let h = x * 3
        let k = x * 2
        k.retainsGrad = true
        (h + k).sum().backward()
        XCTAssertNil(h.grad)
        XCTAssertEqual(k.grad!.data, [1, 1])
        XCTAssertEqual(x.grad!.data, [5, 5])
    }

    func testSeededBackwardOfNonScalar() {
        let x = Tensor([1, 2, 3], requiresGrad: true)
        (x * x).backward(seed: Tensor([1, 0, -1]))
        XCTAssertEqual(x.grad!.data, [2, 0, -6])
    }

    func testDeepChainDoesNotOverflowTheStack() {
        let x = Tensor(scalar: 1, requiresGrad: true)
        var y = x
        for _ in 0..<20_000 { y = y + 0.001 }
        y.backward()
        XCTAssertEqual(x.grad!.item(), 1)
    }

    func testDetachedStopsGradients() {
        let x = Tensor([2], requiresGrad: true)
        let y = x * x.detached()
        y.sum().backward()
        XCTAssertEqual(x.grad!.data, [2])
    }

    func testGradCheckCatchesAWrongBackward() {
        // Identity whose backward doubles the gradient: the checker must flag every element.
        let x = TestData.randn([3, 2], seed: 1)
        let report = GradCheck.check([x]) { t in
            let input = t[0]
            return Tensor(input.data, shape: input.shape).recorded("wrongIdentity", [input]) { g in
                input.accumulateGrad { d in for i in 0..<d.count { d[i] += 2 * g[i] } }
            }
        }
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.checked, 6)
        XCTAssertEqual(report.mismatches.count, 6)
        let fine = GradCheck.check([x]) { $0[0] * 2 }
        XCTAssertTrue(fine.passed, "\(fine)")
        XCTAssertLessThan(fine.maxAbsoluteError, 1e-3)
    }
}
