import DSCMetrics
import DSCTensor
import XCTest

@testable import DSCCluster

/// A source that is not ``ArraySamples``, to exercise the block reads.
private struct BlockReadRows: SampleSource {
    let rows: ArraySamples
    var count: Int { rows.count }
    var sampleShape: [Int] { rows.sampleShape }
    func readRows(_ range: Range<Int>, into buffer: UnsafeMutablePointer<Float>) throws {
        try rows.readRows(range, into: buffer)
    }
}

final class SelfExpressiveTests: XCTestCase {
    typealias F = SelfExpressiveFixture

    /// C = [[0, 3, −4], [1, 0, 0], [0, −2, 5]] (with an explicit zero and a diagonal entry stored).
    private var coefficients: SparseMatrix {
        SparseMatrix(
            rows: 3, columns: 3, indptr: [0, 3, 5, 7], indices: [1, 2, 0, 0, 1, 1, 2],
            values: [3, -4, 0, 1, 0, -2, 5])
    }

    private func dense(_ m: SparseMatrix) -> [[Float]] {
        var out = [[Float]](repeating: [Float](repeating: 0, count: m.columns), count: m.rows)
        for i in 0..<m.rows { for (j, v) in m.row(i) { out[i][j] += v } }
        return out
    }

    func testAffinityIsHalfTheSymmetrisedAbsoluteOfNormalisedRows() {
        let c = coefficients
        // Row 1 stores (1, 0) = 0 and row 2 stores its diagonal (2, 2) = 5: both dropped.
        XCTAssertEqual(
            dense(c.selfExpressiveAffinity(normalization: .none)),
            [[0, 2, 2], [2, 0, 1], [2, 1, 0]])
        // L2 after dropping: row 0 / 5, row 1 / 1, row 2 = [−2] / 2.
        let l2 = dense(c.selfExpressiveAffinity(normalization: .l2))
        XCTAssertEqual(l2[0][1], (0.6 + 1) / 2, accuracy: 1e-6)
        XCTAssertEqual(l2[0][2], 0.8 / 2, accuracy: 1e-6)
        XCTAssertEqual(l2[1][2], 1 / 2, accuracy: 1e-6)
        // Unit maximum: row 0 / 4, row 1 / 1, row 2 / 2.
        let maxAbs = dense(c.selfExpressiveAffinity(normalization: .maxAbsolute))
        XCTAssertEqual(maxAbs[0][1], (0.75 + 1) / 2, accuracy: 1e-6)
        XCTAssertEqual(maxAbs[0][2], 1 / 2, accuracy: 1e-6)
        XCTAssertEqual(maxAbs[1][2], 1 / 2, accuracy: 1e-6)
        for w in [l2, maxAbs] {
            for i in 0..<3 {
                XCTAssertEqual(w[i][i], 0)
                for j in 0..<3 { XCTAssertEqual(w[i][j], w[j][i]) }
            }
        }
        // The normalised rows themselves: unit L2 norm, unit maximum.
        let rows = c.normalizedRows(.l2)
        for i in 0..<3 {
            let norm = rows.row(i).reduce(0) { $0 + $1.value * $1.value }.squareRoot()
            XCTAssertEqual(norm, 1, accuracy: 1e-6)
        }
        XCTAssertEqual(c.normalizedRows(.maxAbsolute).row(2).map(\.value), [-0.4, 1])
        XCTAssertEqual(c.normalizedRows(.none), c)
    }

    func testClusteringGivenBlockDiagonalCoefficients() throws {
        // Three groups of 6 interleaved samples, each coded by the others of its group.
        let n = 18
        var triplets: [(row: Int, column: Int, value: Float)] = []
        for i in 0..<n {
            for j in 0..<n where i != j && i % 3 == j % 3 { triplets.append((i, j, Float(1 + (i + j) % 4))) }
        }
        let c = SparseMatrix(rows: n, columns: n, triplets: triplets)
        let result = try SelfExpressiveClustering(clusters: 3, seed: 1).fit(coefficients: c)
        XCTAssertTrue(samePartition(result.labels, (0..<n).map { $0 % 3 }))
        XCTAssertEqual(result.components, 3)
        XCTAssertEqual(result.coefficients, c)
        XCTAssertEqual(result.timings.names, ["affinity", "eigen", "kmeans", "total"])
        XCTAssertEqual(result.coding, SelfExpressiveCodingStats())
        XCTAssertEqual(result.embedding.count, n * 3)
        XCTAssertEqual(result.eigenvalues.count, 4)
        // The three groups share no coefficient: the warning names the coding's remedy.
        XCTAssertEqual(result.warnings.count, 1)
        XCTAssertTrue(
            result.warnings[0].hasSuffix("(more coefficients per sample connect the graph)"), result.warnings[0])
        XCTAssertEqual(
            ElasticNetSubspaceClustering(clusters: 3).coefficientClustering.spectralClustering.connectivityHint,
            "try a smaller lambda, whose codes are denser")
        XCTAssertEqual(
            SSCOMP(clusters: 3).coefficientClustering.spectralClustering.connectivityHint, "try more atoms per sample")
    }

    func testClusteringValidation() {
        let sec = SelfExpressiveClustering(clusters: 2)
        XCTAssertEqual(
            F.message { _ = try sec.fit(coefficients: SparseMatrix(rows: 3, columns: 4, triplets: [])) },
            "affinity is [3, 4], it must be square")
        XCTAssertEqual(
            F.message { _ = try SelfExpressiveClustering(clusters: 4).fit(coefficients: self.coefficients) },
            "clusters=4 must be <= n_samples=3")
        var bad = coefficients
        bad.values[4] = .nan
        XCTAssertEqual(F.message { _ = try sec.fit(coefficients: bad) }, "coefficients[1, 1]=nan must be finite")
        var restarts = sec
        restarts.spectral.kmeansRestarts = 0
        XCTAssertEqual(
            F.message { _ = try restarts.fit(coefficients: self.coefficients) }, "kmeansRestarts=0 must be >= 1")
    }

    func testGrowingCholeskySolvesAndRejectsDependentColumns() {
        // A = B Bᵀ for B = [[2, 0, 1], [1, 3, 0], [0, 1, 1]] (positive definite), b = A · [1, −2, 0.5].
        let b: [[Double]] = [[2, 0, 1], [1, 3, 0], [0, 1, 1]]
        let a = (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0.0) { $0 + b[i][$1] * b[j][$1] } } }
        var factor = GrowingCholesky()
        for i in 0..<3 {
            let column = (0..<i).map { a[i][$0] }
            XCTAssertTrue(column.withUnsafeBufferPointer { factor.append($0.baseAddress!, diagonal: a[i][i]) })
        }
        let truth = [1.0, -2, 0.5]
        let rhs = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + a[i][$1] * truth[$1] } }
        for (u, v) in zip(factor.solved(rhs), truth) { XCTAssertEqual(u, v, accuracy: 1e-12) }
        // A fourth column equal to the first: rejected, factor unchanged.
        let dependent = [a[0][0], a[0][1], a[0][2]]
        XCTAssertFalse(dependent.withUnsafeBufferPointer { factor.append($0.baseAddress!, diagonal: a[0][0]) })
        XCTAssertEqual(factor.count, 3)
    }

    func testBestCandidatesKeepsTheTopScoresWhateverTheOrder() {
        let scores: [Double] = [0.5, 2, 2, 0.1, 3, 2, 1]
        var forward = BestCandidates(limit: 3)
        var backward = BestCandidates(limit: 3)
        for i in scores.indices { forward.offer(Int32(i), score: scores[i]) }
        for i in scores.indices.reversed() { backward.offer(Int32(i), score: scores[i]) }
        XCTAssertEqual(forward.sortedIds(), [4, 1, 2])  // ties at 2: smaller ids first
        XCTAssertEqual(backward.sortedIds(), [4, 1, 2])
        var none = BestCandidates(limit: 0)
        none.offer(1, score: 1)
        XCTAssertEqual(none.sortedIds(), [])
    }

    func testSamplesAreReadInBlocksNormalisedAndChecked() throws {
        let x = F.gaussian(rows: 9, columns: 4, seed: 31)
        let source = BlockReadRows(rows: ArraySamples(values: x, shape: [9, 4]))
        let loaded = try SelfExpressiveSamples.load(source, normalize: true, readBlock: 4)
        let unit = F.unitRows(x, columns: 4)
        for (u, v) in zip(loaded.data, unit) { XCTAssertEqual(Double(u), v, accuracy: 1e-6) }
        let raw = try SelfExpressiveSamples.load(source, normalize: false, readBlock: 2)
        XCTAssertEqual(raw.data, x)
        var squared = 0.0
        for c in 0..<4 { squared += Double(x[12 + c]) * Double(x[12 + c]) }
        XCTAssertEqual(raw.norms[3], squared.squareRoot(), accuracy: 1e-12)
        var bad = x
        bad[5 * 4 + 2] = -.infinity
        XCTAssertThrowsError(try SelfExpressiveSamples.load(ArraySamples(values: bad, shape: [9, 4]), normalize: true))
        {
            XCTAssertEqual($0 as? ClusterError, .nonFiniteValue(row: 5))
        }
        // The chunking of the lock-step driver depends on N alone.
        XCTAssertEqual(SelfExpressiveBlocks.chunkSize(samples: 1797, blockSize: 256), 113)
        XCTAssertEqual(SelfExpressiveBlocks.chunkSize(samples: 100, blockSize: 256), 16)
        XCTAssertEqual(SelfExpressiveBlocks.chunkSize(samples: 70_000, blockSize: 256), 256)
    }
}
