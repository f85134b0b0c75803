import DSCTensor
import DSCTestSupport
import XCTest

@testable import DSCNN

/// Behaviour of the LDFR layer: identity at γ = 0, the batch projection, selection, evaluation
/// with the fused subspace, gradients, and the configuration checks.
final class LDFRTests: XCTestCase {
    func testFreshLayerIsTheIdentityInBothModes() {
        let layer = LDFR(rank: 2, selected: 4, spatialSize: 9)
        let x = LDFRTestData.randn([2, 3, 3, 3], seed: 1)
        XCTAssertEqual(layer.gamma.data, [0])
        XCTAssertEqual(layer(x).data, x.data)
        layer.eval()
        XCTAssertEqual(layer(x).data, x.data)
        // Before any training batch the fused basis is zero, so even γ ≠ 0 is the identity.
        let untrained = LDFR(rank: 2, selected: 4, spatialSize: 9)
        untrained.gamma.data = [0.8]
        untrained.eval()
        XCTAssertEqual(untrained(x).data, x.data)
    }

    func testBatchProjectionIsAnIdempotentRankRProjection() throws {
        let (r, length) = (3, 16)
        let layer = LDFR(rank: r, selected: 5, spatialSize: length)
        let x = LDFRTestData.randn([2, 4, 4, 4], seed: 2)
        _ = layer(x)
        let u = try XCTUnwrap(layer.lastBatchBasis)
        XCTAssertEqual(u.shape, [length, r])
        assertClose(u.matmul(u, transposeA: true).data, LDFRTestData.identity(r), accuracy: 1e-5, "UᵀU")
        let p = u.matmul(u, transposeB: true)
        assertClose(p.matmul(p).data, p.data, accuracy: 1e-5, "P·P")
        let eigen = try LAPACK.symmetricEigen(p.data.map(Double.init), n: length)
        let ones = eigen.values.filter { abs($0 - 1) < 1e-5 }.count
        let zeros = eigen.values.filter { abs($0) < 1e-5 }.count
        XCTAssertEqual(ones, r)
        XCTAssertEqual(zeros, length - r)
        let once = LDFR.project(x, onto: u)
        assertClose(LDFR.project(once, onto: u).data, once.data, accuracy: 1e-5, "project twice")
    }

    func testTrainingOutputIsXPlusGammaTimesBatchProjection() throws {
        let layer = LDFR(rank: 2, selected: 6, spatialSize: 9)
        layer.gamma.data = [0.5]
        let x = LDFRTestData.randn([3, 2, 3, 3], seed: 3)
        let y = layer(x)
        let u = try XCTUnwrap(layer.lastBatchBasis)
        let expected = Tensor.withNoGrad { x + LDFR.project(x, onto: u) * 0.5 }
        assertClose(y.data, expected.data, accuracy: 1e-6, "y")
    }

    func testSelectsTheMapsOfLargestEnergyAndClampsS() {
        // Six maps of 4 values with energies 1, 9, 4, 9, 0, 16: order 5, 1, 3 (tie → lower index), 2.
        let scales: [Float] = [0.5, 1.5, 1, 1.5, 0, 2]
        let values = scales.flatMap { [Float](repeating: $0, count: 4) }
        XCTAssertEqual(LDFR.mostEnergeticMaps(values, maps: 6, length: 4, count: 4), [5, 1, 3, 2])
        let withNaN = values.enumerated().map { $0.offset == 20 ? Float.nan : $0.element }
        XCTAssertEqual(LDFR.mostEnergeticMaps(withNaN, maps: 6, length: 4, count: 6), [1, 3, 2, 0, 4, 5])

        let layer = LDFR(rank: 2, selected: 100, spatialSize: 4)
        _ = layer(LDFRTestData.randn([2, 3, 2, 2], seed: 4))
        XCTAssertEqual(layer.lastSelectedMaps.count, 6, "s > B·C is clamped to B·C")
        XCTAssertEqual(layer.fusedCount.data, [1])
    }

    func testConfigurationErrorsNameTheValues() {
        XCTAssertNil(LDFR.configurationError(rank: 3, selected: 3, spatialSize: 3))
        XCTAssertEqual(
            LDFR.configurationError(rank: 5, selected: 4, spatialSize: 49),
            "LDFR: rank r=5 must be <= min(selected s=4, spatialSize H*W=49)=4")
        XCTAssertEqual(
            LDFR.configurationError(rank: 5, selected: 64, spatialSize: 4),
            "LDFR: rank r=5 must be <= min(selected s=64, spatialSize H*W=4)=4")
        XCTAssertEqual(LDFR.configurationError(rank: 0, selected: 4, spatialSize: 4), "LDFR: rank r=0 must be >= 1")
        XCTAssertEqual(LDFR.configurationError(rank: 1, selected: 0, spatialSize: 4), "LDFR: selected s=0 must be >= 1")
        XCTAssertEqual(
            LDFR.configurationError(rank: 1, selected: 1, spatialSize: 0), "LDFR: spatialSize=0 must be >= 1")
        XCTAssertEqual(
            LDFR.configurationError(rank: 1, selected: 1, spatialSize: 4, fusion: .exponential(momentum: 0)),
            "LDFR: momentum=0.0 must be in (0, 1]")
    }

    func testEvaluationUsesTheFusedBasisIndependentlyOfTheBatch() throws {
        let layer = LDFR(rank: 2, selected: 8, spatialSize: 16)
        for seed in 10..<15 { _ = layer(LDFRTestData.randn([4, 3, 4, 4], seed: UInt64(seed))) }
        layer.gamma.data = [0.7]
        XCTAssertFalse(layer.fusedBasisIsCurrent, "training does not pay for the eigen-decomposition")
        layer.eval()
        XCTAssertTrue(layer.fusedBasisIsCurrent)
        let batch = LDFRTestData.randn([4, 3, 4, 4], seed: 20)
        let y = layer(batch)
        let expected = Tensor.withNoGrad { batch + LDFR.project(batch, onto: layer.fusedBasis) * 0.7 }
        assertClose(y.data, expected.data, accuracy: 1e-6, "eval output")
        // Sample 1 alone and in another batch gives the same output.
        let alone = layer(batch.sliced(axis: 0, 1..<2))
        let other = Tensor.concat([LDFRTestData.randn([2, 3, 4, 4], seed: 21), batch.sliced(axis: 0, 1..<2)])
        let inOther = layer(other).sliced(axis: 0, 2..<3)
        XCTAssertEqual(alone.data, y.sliced(axis: 0, 1..<2).data)
        XCTAssertEqual(inOther.data, alone.data)
        XCTAssertEqual(layer.fusedCount.data, [5], "evaluation does not fuse")
    }

    func testGradientCheckInEvaluationMode() {
        let layer = LDFR(rank: 2, selected: 6, spatialSize: 9)
        for seed in 30..<33 { _ = layer(LDFRTestData.randn([2, 3, 3, 3], seed: UInt64(seed))) }
        layer.eval()
        layer.gamma.data = [0.6]
        let x = LDFRTestData.randn([2, 2, 3, 3], seed: 34, requiresGrad: true)
        let report = GradCheck.check([x, layer.gamma]) { inputs in layer(inputs[0]) }
        XCTAssertTrue(report.passed, "\(report)")
    }

    func testTrainingGradientTreatsTheBatchBasisAsConstant() throws {
        let layer = LDFR(rank: 2, selected: 5, spatialSize: 9)
        layer.gamma.data = [-0.4]
        let x = LDFRTestData.randn([2, 3, 3, 3], seed: 40, requiresGrad: true)
        var generator = SeededGenerator(seed: 41)
        let seedGrad = Tensor.randn(x.shape, generator: &generator)
        layer(x).backward(seed: seedGrad)
        let gx = try XCTUnwrap(x.grad).data
        let gGamma = try XCTUnwrap(layer.gamma.grad).data
        let u = try XCTUnwrap(layer.lastBatchBasis)
        // The same gradient as the function with U held fixed …
        let gamma = Tensor([-0.4], requiresGrad: true)
        x.grad = nil
        (x + gamma * LDFR.project(x, onto: u)).backward(seed: seedGrad)
        assertClose(gx, x.grad!.data, accuracy: 1e-5, "∂x")
        assertClose(gGamma, gamma.grad!.data, accuracy: 1e-4, "∂γ")
        // … whose gradients match central differences.
        let report = GradCheck.check([x, gamma]) { inputs in inputs[0] + inputs[1] * LDFR.project(inputs[0], onto: u) }
        XCTAssertTrue(report.passed, "\(report)")
        // At γ = 0 the input gradient is the seed itself (the layer is the identity).
        let fresh = LDFR(rank: 2, selected: 5, spatialSize: 9)
        x.grad = nil
        fresh(x).backward(seed: seedGrad)
        XCTAssertEqual(x.grad!.data, seedGrad.data)
        XCTAssertNotNil(fresh.gamma.grad)
    }
}

/// Data helpers for the LDFR tests.
enum LDFRTestData {
    static func randn(_ shape: [Int], seed: UInt64, requiresGrad: Bool = false) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor.randn(shape, generator: &generator, requiresGrad: requiresGrad)
    }

    static func identity(_ n: Int) -> [Float] {
        (0..<n * n).map { $0 / n == $0 % n ? 1 : 0 }
    }

    /// A random `[length, r]` matrix with orthonormal columns.
    static func orthonormal(length: Int, r: Int, seed: UInt64) throws -> [Float] {
        let a = randn([length, r], seed: seed).data
        return try LAPACK.svd(a, rows: length, columns: r).u
    }

}
