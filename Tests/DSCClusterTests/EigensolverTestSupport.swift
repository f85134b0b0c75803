import DSCCluster
import DSCTensor
import Foundation
import XCTest

/// Graphs and checks shared by the Eigen* test classes.
enum EigenTestGraphs {
    /// Unweighted cycle C_n: `L_sym` eigenvalues `1 − cos(2πk/n)`, k = 0..<n.
    static func cycle(_ n: Int) -> SparseMatrix {
        var t = [(row: Int, column: Int, value: Float)]()
        for i in 0..<n {
            t.append((i, (i + 1) % n, 1))
            t.append(((i + 1) % n, i, 1))
        }
        return SparseMatrix(rows: n, columns: n, triplets: t)
    }

    /// Unweighted path P_n: `L_sym` eigenvalues `1 − cos(πk/(n−1))`, k = 0..<n.
    static func path(_ n: Int, isolatedNodes: Int = 0) -> SparseMatrix {
        var t = [(row: Int, column: Int, value: Float)]()
        for i in 0..<(n - 1) {
            t.append((i, i + 1, 1))
            t.append((i + 1, i, 1))
        }
        return SparseMatrix(rows: n + isolatedNodes, columns: n + isolatedNodes, triplets: t)
    }

    /// The block-diagonal union of graphs (no edges between blocks).
    static func disjointUnion(_ parts: [SparseMatrix]) -> SparseMatrix {
        var t = [(row: Int, column: Int, value: Float)]()
        var offset = 0
        for g in parts {
            for i in 0..<g.rows { for e in g.row(i) { t.append((offset + i, offset + e.column, e.value)) } }
            offset += g.rows
        }
        return SparseMatrix(rows: offset, columns: offset, triplets: t)
    }

    /// `‖L_sym v − λ v‖₂` computed from scratch with `SparseMatrix.multiply` (independent of the solver).
    static func residual(_ w: SparseMatrix, _ v: [Double], _ lambda: Double) -> Double {
        let d = w.rowSums().map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
        let x = zip(d, v).map { $0 * $1 }
        var y = [Double](repeating: 0, count: w.rows)
        w.multiply(x, width: 1, into: &y)
        var s = 0.0
        for i in 0..<w.rows {
            let r = v[i] - d[i] * y[i] - lambda * v[i]
            s += r * r
        }
        return s.squareRoot()
    }

    /// Cosines of the principal angles between the column spaces of two `[n, k]` orthonormal
    /// bases, ascending (all ≈ 1 when the spaces agree).
    static func principalCosines(_ a: [Double], _ b: [Double], n: Int, k: Int) throws -> [Double] {
        var m = [Double](repeating: 0, count: k * k)
        BLAS.dgemm(transposeA: true, m: k, n: k, k: n, a: a, lda: k, b: b, ldb: k, c: &m, ldc: k)
        var g = [Double](repeating: 0, count: k * k)
        BLAS.dgemm(transposeA: true, m: k, n: k, k: k, a: m, lda: k, b: m, ldb: k, c: &g, ldc: k)
        return try LAPACK.symmetricEigen(g, n: k).values.map { max(0, $0).squareRoot() }
    }

    /// Asserts values ascending, finite, unit orthogonal columns and the sign convention.
    static func assertWellFormed(
        _ e: LaplacianEigenpairs, n: Int, count: Int,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(e.values.count, count, file: file, line: line)
        XCTAssertEqual(e.vectors.count, n * count, file: file, line: line)
        XCTAssertEqual(e.residuals.count, count, file: file, line: line)
        XCTAssertTrue(
            e.values.allSatisfy { $0.isFinite } && e.vectors.allSatisfy { $0.isFinite }
                && e.residuals.allSatisfy { $0.isFinite }, "non-finite output", file: file, line: line)
        for j in 1..<max(1, count) {
            XCTAssertLessThanOrEqual(e.values[j - 1], e.values[j], "values not ascending", file: file, line: line)
        }
        for a in 0..<count {
            let va = e.vector(a)
            let top = va.indices.max { abs(va[$0]) < abs(va[$1]) }!
            XCTAssertGreaterThan(
                va[va.indices.first { abs(va[$0]) == abs(va[top]) }!], 0,
                "sign convention broken for vector \(a)", file: file, line: line)
            for b in a..<count {
                let dot = zip(va, e.vector(b)).reduce(0) { $0 + $1.0 * $1.1 }
                XCTAssertEqual(dot, a == b ? 1 : 0, accuracy: 1e-9, "VᵀV[\(a), \(b)]", file: file, line: line)
            }
        }
    }
}
