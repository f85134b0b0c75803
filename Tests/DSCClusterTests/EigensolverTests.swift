import DSCCluster
import DSCSynthetic
import DSCTensor
import Foundation
import XCTest

final class EigensolverTests: XCTestCase {
    typealias G = EigenTestGraphs

    func testDenseAndLanczosAgreeOnClusteredGraph() throws {
        let n = 500
        let count = 8
        let w = SyntheticGraphs.syntheticKNNGraph(nodes: n, neighbors: 8, clusters: 5, seed: 3)
        let dense = try Eigensolver.laplacianEigenpairs(affinity: w, count: count, solver: .dense)
        let lanczos = try Eigensolver.laplacianEigenpairs(affinity: w, count: count, solver: .lanczos, seed: 11)
        XCTAssertEqual(dense.solver, .dense)
        XCTAssertEqual(lanczos.solver, .lanczos)
        XCTAssertEqual(dense.iterations, 0)
        XCTAssertGreaterThan(lanczos.iterations, 0)
        G.assertWellFormed(dense, n: n, count: count)
        G.assertWellFormed(lanczos, n: n, count: count)
        for j in 0..<count { XCTAssertEqual(dense.values[j], lanczos.values[j], accuracy: 1e-6, "λ_\(j)") }
        let cosines = try G.principalCosines(dense.vectors, lanczos.vectors, n: n, k: count)
        XCTAssertGreaterThan(cosines.min()!, 1 - 1e-6, "subspaces differ: \(cosines)")
        // Isolated eigenvalues have unique eigenvectors: with the sign convention they agree entrywise.
        for j in 0..<count {
            let gapBelow = j > 0 ? dense.values[j] - dense.values[j - 1] : 1
            let gapAbove = j + 1 < count ? dense.values[j + 1] - dense.values[j] : 1
            guard min(gapBelow, gapAbove) > 1e-3 else { continue }
            let diff = zip(dense.vector(j), lanczos.vector(j)).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(diff, 1e-3, "eigenvector \(j) differs by \(diff)")
        }
    }

    func testEachConnectedComponentGivesOneZeroEigenvalue() throws {
        let parts = [(120, 1), (90, 2), (150, 3)].map {
            SyntheticGraphs.syntheticKNNGraph(nodes: $0.0, neighbors: 6, clusters: 2, seed: UInt64($0.1))
        }
        let w = G.disjointUnion(parts)
        XCTAssertEqual(w.connectedComponents().count, 3)
        for solver in [EigenSolverKind.dense, .lanczos] {
            let e = try Eigensolver.laplacianEigenpairs(affinity: w, count: 5, solver: solver)
            G.assertWellFormed(e, n: w.rows, count: 5)
            for j in 0..<3 { XCTAssertEqual(e.values[j], 0, accuracy: 1e-12, "\(solver) λ_\(j)") }
            XCTAssertGreaterThan(e.values[3], 1e-3, "\(solver): a fourth zero eigenvalue")
            // Null vector j is D^{1/2} 1 on component j and zero elsewhere.
            let degrees = w.rowSums()
            var offset = 0
            for (j, part) in parts.enumerated() {
                let v = e.vector(j)
                let mass = degrees[offset..<(offset + part.rows)].reduce(0, +)
                for i in 0..<w.rows {
                    let inside = i >= offset && i < offset + part.rows
                    XCTAssertEqual(v[i], inside ? (degrees[i] / mass).squareRoot() : 0, accuracy: 1e-12)
                }
                offset += part.rows
            }
        }
    }

    func testCycleEigenvaluesMatchAnalyticFormula() throws {
        let n = 64
        let count = 9
        let expected = (0..<n).map { 1 - cos(2 * Double.pi * Double($0) / Double(n)) }.sorted()
        let e = try Eigensolver.laplacianEigenpairs(affinity: G.cycle(n), count: count, solver: .dense)
        G.assertWellFormed(e, n: n, count: count)
        for j in 0..<count { XCTAssertEqual(e.values[j], expected[j], accuracy: 1e-12, "λ_\(j)") }
        XCTAssertTrue(e.residuals.allSatisfy { $0 < 1e-12 }, "\(e.residuals)")
    }

    func testPathEigenvaluesMatchAnalyticFormulaWithBothSolvers() throws {
        let n = 120
        let count = 6
        let expected = (0..<count).map { 1 - cos(Double.pi * Double($0) / Double(n - 1)) }
        for solver in [EigenSolverKind.dense, .lanczos] {
            let e = try Eigensolver.laplacianEigenpairs(affinity: G.path(n), count: count, solver: solver)
            G.assertWellFormed(e, n: n, count: count)
            for j in 0..<count { XCTAssertEqual(e.values[j], expected[j], accuracy: 1e-10, "\(solver) λ_\(j)") }
        }
    }

    func testResidualsAreSmallAndHonest() throws {
        let n = 3000
        let count = 10
        let w = SyntheticGraphs.syntheticKNNGraph(nodes: n, neighbors: 10, clusters: 6, seed: 5)
        let e = try Eigensolver.laplacianEigenpairs(affinity: w, count: count, solver: .lanczos, seed: 2)
        G.assertWellFormed(e, n: n, count: count)
        XCTAssertGreaterThanOrEqual(e.matrixVectorProducts, count)
        for j in 0..<count {
            let recomputed = G.residual(w, e.vector(j), e.values[j])
            XCTAssertLessThanOrEqual(e.residuals[j], 1e-6, "pair \(j)")
            XCTAssertEqual(
                e.residuals[j], recomputed, accuracy: 1e-10, "pair \(j): reported residual is not the true one")
        }
        // A looser tolerance is honoured too (and takes no more products).
        let loose = try Eigensolver.laplacianEigenpairs(
            affinity: w, count: count, solver: .lanczos, seed: 2, tolerance: 1e-3)
        XCTAssertTrue(loose.residuals.allSatisfy { $0 <= 1e-3 }, "\(loose.residuals)")
        XCTAssertLessThanOrEqual(loose.matrixVectorProducts, e.matrixVectorProducts)
    }

    func testSameSeedGivesIdenticalOutput() throws {
        let w = SyntheticGraphs.syntheticKNNGraph(nodes: 1500, neighbors: 10, clusters: 4, seed: 9)
        let a = try Eigensolver.laplacianEigenpairs(affinity: w, count: 6, solver: .lanczos, seed: 42)
        let b = try Eigensolver.laplacianEigenpairs(affinity: w, count: 6, solver: .lanczos, seed: 42)
        XCTAssertEqual(a.values, b.values)
        XCTAssertEqual(a.vectors, b.vectors)
        XCTAssertEqual(a.residuals, b.residuals)
        XCTAssertEqual(a.matrixVectorProducts, b.matrixVectorProducts)
        let c = try Eigensolver.laplacianEigenpairs(affinity: w, count: 6, solver: .lanczos, seed: 43)
        for j in 0..<6 { XCTAssertEqual(a.values[j], c.values[j], accuracy: 1e-9) }
        let small = SyntheticGraphs.syntheticKNNGraph(nodes: 400, neighbors: 10, clusters: 4, seed: 9)
        let d1 = try Eigensolver.laplacianEigenpairs(affinity: small, count: 6, solver: .dense)
        let d2 = try Eigensolver.laplacianEigenpairs(affinity: small, count: 6, solver: .dense)
        XCTAssertEqual(d1.vectors, d2.vectors)
    }

    func testIsolatedNodesGiveEigenvalueOneAndNoNaN() throws {
        // P_6 has 0, 1−cos(π/5), 1−cos(2π/5), …; two isolated nodes add the eigenvalue 1 twice.
        let w = G.path(6, isolatedNodes: 2)
        let expected = ((0..<6).map { 1 - cos(Double.pi * Double($0) / 5) } + [1, 1]).sorted()
        let dense = try Eigensolver.laplacianEigenpairs(affinity: w, count: 8, solver: .dense)
        G.assertWellFormed(dense, n: 8, count: 8)
        for j in 0..<8 { XCTAssertEqual(dense.values[j], expected[j], accuracy: 1e-12, "λ_\(j)") }
        let lanczos = try Eigensolver.laplacianEigenpairs(affinity: w, count: 4, solver: .lanczos)
        G.assertWellFormed(lanczos, n: 8, count: 4)
        for j in 0..<4 { XCTAssertEqual(lanczos.values[j], expected[j], accuracy: 1e-10, "λ_\(j)") }
        // No edges at all: L_sym = I.
        let empty = SparseMatrix(rows: 5, columns: 5, indptr: [0, 0, 0, 0, 0, 0], indices: [], values: [])
        for solver in [EigenSolverKind.dense, .lanczos] {
            let e = try Eigensolver.laplacianEigenpairs(affinity: empty, count: 3, solver: solver)
            G.assertWellFormed(e, n: 5, count: 3)
            XCTAssertEqual(e.values, [1, 1, 1], "\(solver)")
        }
    }

    func testNotConvergedIsThrownWhenIterationsRunOut() {
        let w = G.path(1500)
        XCTAssertThrowsError(
            try Eigensolver.laplacianEigenpairs(affinity: w, count: 4, solver: .lanczos, maxIterations: 2)
        ) { error in
            guard case EigensolverError.notConverged(let count, let converged, let residual) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(count, 4)
            XCTAssertLessThan(converged, 4)
            XCTAssertGreaterThan(residual, 1e-6)
            let message = error.localizedDescription
            XCTAssertFalse(message.contains("\n"))
            XCTAssertTrue(message.contains("of 4 eigenpairs"), message)
        }
    }

    func testProgressRisesToOne() throws {
        let w = SyntheticGraphs.syntheticKNNGraph(nodes: 2000, neighbors: 8, clusters: 3, seed: 1)
        var fractions = [Double]()
        _ = try Eigensolver.laplacianEigenpairs(affinity: w, count: 4, solver: .lanczos) { stage, f in
            XCTAssertEqual(stage, "eigen")
            fractions.append(f)
        }
        XCTAssertGreaterThanOrEqual(fractions.count, 3)
        XCTAssertEqual(fractions.first, 0)
        XCTAssertEqual(fractions.last, 1)
        XCTAssertEqual(fractions, fractions.sorted())
    }
}
