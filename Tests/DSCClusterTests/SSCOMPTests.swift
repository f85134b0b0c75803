import DSCMetrics
import DSCTensor
import XCTest

@testable import DSCCluster

final class SSCOMPTests: XCTestCase {
    typealias F = SelfExpressiveFixture

    func testUnionOfSubspacesIsSubspacePreservingAndClustered() throws {
        let (x, truth) = F.unionOfSubspaces()
        let n = truth.count
        var reported: [Double] = []
        let omp = SSCOMP(clusters: 5, maxAtoms: 10, seed: 0)
        let result = try omp.fit(ArraySamples(values: x, shape: [n, 30])) { stage, fraction in
            if stage == "coefficients" { reported.append(fraction) }
        }
        let c = result.coefficients
        XCTAssertEqual(c.rows, n)
        XCTAssertEqual(c.columns, n)
        XCTAssertFalse(F.hasDiagonal(c))
        for i in 0..<n { XCTAssertLessThanOrEqual(c.row(i).count, 10) }
        XCTAssertGreaterThanOrEqual(F.subspacePreservingShare(c, labels: truth), 0.95)
        XCTAssertGreaterThanOrEqual(Metrics.accuracy(truth: truth, predicted: result.labels), 0.95)
        XCTAssertEqual(result.labels.count, n)
        XCTAssertEqual(result.timings.names, ["coefficients", "affinity", "eigen", "kmeans", "total"])
        XCTAssertEqual(result.coding.nonzeros, c.nonzeroCount)
        XCTAssertGreaterThan(result.coding.gemmFlops, 0)
        XCTAssertEqual(result.affinity, c.selfExpressiveAffinity(normalization: .l2))
        XCTAssertEqual(reported.last, 1)
        XCTAssertEqual(reported, reported.sorted())
    }

    /// Every sample lies in one 4-dimensional subspace, so any 4 independent atoms span it: OMP
    /// with 4 atoms reconstructs each sample exactly, and stops at the tolerance with more allowed.
    func testExactReconstructionWithinTheSpanOfMaxAtoms() throws {
        let (x, _) = F.unionOfSubspaces(subspaces: 1, rank: 4, ambient: 30, perSubspace: 20, noise: 0, seed: 11)
        let unit = F.unitRows(x, columns: 30)
        let source = ArraySamples(values: x, shape: [20, 30])
        for atoms in [4, 10] {
            var omp = SSCOMP(clusters: 2, maxAtoms: atoms, residualTolerance: 1e-5)
            omp.blockSize = 7
            let c = try omp.coefficients(source).matrix
            XCTAssertFalse(F.hasDiagonal(c))
            for i in 0..<20 {
                XCTAssertLessThanOrEqual(c.row(i).count, 4, "row \(i) with maxAtoms=\(atoms)")
                let r = F.residual(c, row: i, unit: unit, columns: 30)
                XCTAssertLessThan(r.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-5, "row \(i)")
            }
        }
    }

    /// Generic points in R^30 are never reconstructed by fewer than 30 others: every row takes
    /// exactly maxAtoms atoms, and the chosen first atom is the most correlated other sample.
    func testMaxAtomsBoundsEveryRowAndFirstAtomIsMostCorrelated() throws {
        let n = 25
        let d = 30
        let x = F.gaussian(rows: n, columns: d, seed: 12)
        let c = try SSCOMP(clusters: 2, maxAtoms: 3).coefficients(ArraySamples(values: x, shape: [n, d])).matrix
        let unit = F.unitRows(x, columns: d)
        for i in 0..<n {
            XCTAssertEqual(c.row(i).count, 3)
            // The residual is orthogonal to the chosen atoms (least squares on the active set).
            let r = F.residual(c, row: i, unit: unit, columns: d)
            for (j, _) in c.row(i) {
                let dot = (0..<d).reduce(0.0) { $0 + r[$1] * unit[j * d + $1] }
                XCTAssertEqual(dot, 0, accuracy: 1e-5)
            }
            let correlations = (0..<n).map { j in
                j == i ? -1 : abs((0..<d).reduce(0.0) { $0 + unit[i * d + $1] * unit[j * d + $1] })
            }
            let best = correlations.indices.max { correlations[$0] < correlations[$1] }!
            XCTAssertTrue(c.row(i).contains { $0.column == best }, "row \(i) misses its most correlated sample \(best)")
        }
    }

    func testZeroSampleGetsAnEmptyRowAndNoSampleUsesIt() throws {
        var x = F.gaussian(rows: 12, columns: 5, seed: 13)
        for c in 0..<5 { x[3 * 5 + c] = 0 }
        let c = try SSCOMP(clusters: 2, maxAtoms: 4).coefficients(ArraySamples(values: x, shape: [12, 5])).matrix
        XCTAssertTrue(c.row(3).isEmpty)
        for i in 0..<12 { XCTAssertFalse(c.row(i).contains { $0.column == 3 }) }
    }

    func testSameSeedSameOutputAndBlockSizeDoesNotMatter() throws {
        let (x, _) = F.unionOfSubspaces(seed: 14)
        let source = ArraySamples(values: x, shape: [200, 30])
        let omp = SSCOMP(clusters: 5, seed: 3)
        let a = try omp.fit(source)
        let b = try omp.fit(source)
        XCTAssertEqual(a.coefficients, b.coefficients)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertEqual(a.embedding, b.embedding)
        var small = omp
        small.blockSize = 5
        let c = try small.coefficients(source).matrix
        XCTAssertEqual(c.indptr, a.coefficients.indptr)
        XCTAssertEqual(c.indices, a.coefficients.indices)
        for (u, v) in zip(c.values, a.coefficients.values) { XCTAssertEqual(u, v, accuracy: 1e-5) }
    }

    func testValidationErrorsCarryValues() {
        let x = F.gaussian(rows: 10, columns: 3, seed: 15)
        let source = ArraySamples(values: x, shape: [10, 3])
        func message(_ omp: SSCOMP, _ s: (any SampleSource)? = nil) -> String? {
            F.message { _ = try omp.fit(s ?? source) }
        }
        XCTAssertEqual(message(SSCOMP(clusters: 12)), "clusters=12 must be <= n_samples=10")
        XCTAssertEqual(message(SSCOMP(clusters: 1)), "clusters=1 must be >= 2")
        XCTAssertEqual(message(SSCOMP(clusters: 2, maxAtoms: 0)), "maxAtoms=0 must be >= 1")
        XCTAssertEqual(
            message(SSCOMP(clusters: 2, residualTolerance: -1)), "residualTolerance=-1.0 must be finite and >= 0")
        XCTAssertEqual(
            message(SSCOMP(clusters: 2, residualTolerance: .nan)), "residualTolerance=nan must be finite and >= 0")
        var omp = SSCOMP(clusters: 2)
        omp.blockSize = 0
        XCTAssertEqual(message(omp), "blockSize=0 must be >= 1")
        omp.blockSize = 8
        omp.spectral.kmeansRestarts = 0
        XCTAssertEqual(message(omp), "kmeansRestarts=0 must be >= 1")
        XCTAssertEqual(
            message(SSCOMP(clusters: 2), ArraySamples(values: [], shape: [0, 3])),
            "n_samples=0, n_features=3: the input must hold at least one sample and one feature")
        let single = ArraySamples(values: [1, 2, 3], shape: [1, 3])
        XCTAssertEqual(
            F.message { _ = try SSCOMP(clusters: 2).coefficients(single) },
            "n_samples=1 must be >= 2 (a sample never codes itself)")
        var bad = x
        bad[7 * 3 + 1] = .nan
        XCTAssertThrowsError(try SSCOMP(clusters: 2).fit(ArraySamples(values: bad, shape: [10, 3]))) { error in
            XCTAssertEqual(error as? ClusterError, .nonFiniteValue(row: 7))
        }
    }
}
