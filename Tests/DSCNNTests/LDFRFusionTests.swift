import DSCTensor
import DSCTestSupport
import XCTest

@testable import DSCNN

/// The fused subspace of LDFR: averaging, recovery of a planted subspace, and its life as buffers.
final class LDFRFusionTests: XCTestCase {
    /// Maps `Q c + noise` with `Q [16, 3]` orthonormal: the fused basis spans `Q`.
    func testFusedSubspaceRecoversAPlantedSubspace() throws {
        let (length, r) = (16, 3)
        let q = try LDFRTestData.orthonormal(length: length, r: r, seed: 50)
        let truth = Tensor(q, shape: [length, r]).matmul(Tensor(q, shape: [length, r]), transposeB: true)
        for fusion in [LDFR.Fusion.cumulativeAverage, .exponential(momentum: 0.2)] {
            let layer = LDFR(rank: r, selected: 12, spatialSize: length, fusion: fusion)
            var generator = SeededGenerator(seed: 51)
            for _ in 0..<20 {
                let maps = 4 * 5
                var values = [Float](repeating: 0, count: maps * length)
                for n in 0..<maps {
                    let c = (0..<r).map { _ in Float(generator.nextGaussian()) * 3 }
                    for p in 0..<length {
                        var v: Float = 0
                        for j in 0..<r { v += q[p * r + j] * c[j] }
                        values[n * length + p] = v + 1e-3 * Float(generator.nextGaussian())
                    }
                }
                _ = layer(Tensor(values, shape: [4, 5, 4, 4]))
            }
            XCTAssertEqual(layer.fusedCount.data, [20])
            layer.eval()
            let u = layer.fusedBasis
            assertClose(u.matmul(u, transposeB: true).data, truth.data, accuracy: 1e-3, "\(fusion) U Uᵀ vs Q Qᵀ")
            assertClose(layer.fusedProjection.data, truth.data, accuracy: 1e-3, "\(fusion) P̄ vs Q Qᵀ")
        }
    }

    func testCumulativeFusionIsTheAverageOfBatchProjections() throws {
        let layer = LDFR(rank: 2, selected: 6, spatialSize: 9)
        var projections: [[Float]] = []
        for seed in 60..<63 {
            _ = layer(LDFRTestData.randn([2, 3, 3, 3], seed: UInt64(seed)))
            let u = try XCTUnwrap(layer.lastBatchBasis)
            projections.append(u.matmul(u, transposeB: true).data)
        }
        let mean = (0..<81).map { i in projections.reduce(0) { $0 + $1[i] } / 3 }
        assertClose(layer.fusedProjection.data, mean, accuracy: 1e-6, "P̄")
        XCTAssertEqual(layer.fusedCount.data, [3])
    }

    func testExponentialFusionWeightsTheNewestBatch() throws {
        let layer = LDFR(rank: 1, selected: 4, spatialSize: 4, fusion: .exponential(momentum: 0.25))
        var expected = [Float](repeating: 0, count: 16)
        for seed in 70..<73 {
            _ = layer(LDFRTestData.randn([1, 4, 2, 2], seed: UInt64(seed)))
            let p = try XCTUnwrap(layer.lastBatchBasis).matmul(layer.lastBatchBasis!, transposeB: true).data
            expected = seed == 70 ? p : zip(expected, p).map { 0.75 * $0 + 0.25 * $1 }
        }
        assertClose(layer.fusedProjection.data, expected, accuracy: 1e-6, "P̄")
    }

    func testBuffersAreNamedAndRestoreTheEvaluationOutput() {
        let trained = LDFR(rank: 2, selected: 6, spatialSize: 9)
        for seed in 80..<84 { _ = trained(LDFRTestData.randn([2, 3, 3, 3], seed: UInt64(seed))) }
        trained.gamma.data = [0.9]
        XCTAssertEqual(trained.namedParameters().map(\.0), ["gamma"])
        XCTAssertEqual(
            trained.namedBuffers().map(\.0), ["fusedProjection", "fusedCount", "fusedBasis", "fusedBasisCount"])
        XCTAssertEqual(trained.namedBuffers().map(\.1.shape), [[9, 9], [1], [9, 2], [1]])
        trained.eval()
        let x = LDFRTestData.randn([3, 2, 3, 3], seed: 85)
        let reference = trained(x).data

        // A checkpoint restores parameters and buffers by name, in any order, into a model that
        // may itself have trained (its basis is then stale and re-extracted on first use).
        for trainFirst in [false, true] {
            let restored = LDFR(rank: 2, selected: 6, spatialSize: 9)
            if trainFirst { _ = restored(LDFRTestData.randn([2, 3, 3, 3], seed: 86)) }
            restored.eval()
            let saved = Dictionary(
                uniqueKeysWithValues: (trained.namedParameters() + trained.namedBuffers()).map { ($0.0, $0.1.data) })
            for (name, tensor) in (restored.namedBuffers() + restored.namedParameters()).reversed() {
                tensor.data = saved[name]!
            }
            XCTAssertEqual(restored(x).data, reference, "restored into a model trained first: \(trainFirst)")
        }
        // Only P̄ and the count restored (basis stale): re-extracted, same subspace.
        let partial = LDFR(rank: 2, selected: 6, spatialSize: 9)
        partial.eval()
        partial.fusedProjection.data = trained.fusedProjection.data
        partial.fusedCount.data = trained.fusedCount.data
        partial.gamma.data = [0.9]
        assertClose(partial(x).data, reference, accuracy: 1e-5, "re-extracted basis")
    }

    func testFailedSVDSkipsTheBatch() {
        let layer = LDFR(rank: 1, selected: 2, spatialSize: 4)
        _ = layer(LDFRTestData.randn([1, 2, 2, 2], seed: 90))
        let before = layer.fusedProjection.data
        var bad = LDFRTestData.randn([1, 2, 2, 2], seed: 91).data
        bad[0] = .nan
        _ = layer(Tensor(bad, shape: [1, 2, 2, 2]))
        XCTAssertEqual(layer.skippedBatches, 1)
        XCTAssertEqual(layer.fusedCount.data, [1])
        XCTAssertEqual(layer.fusedProjection.data, before)
    }
}
