import DSCTensor

@testable import DSCCluster

/// Test data and measures for the self-expressive coders (SSC-OMP, EnSC).
enum SelfExpressiveFixture {
    /// `subspaces` random `rank`-dimensional subspaces of R^`ambient` (Gaussian bases), `perSubspace`
    /// points each with Gaussian coordinates, plus `noise`·N(0, 1) per entry; points interleaved
    /// (sample i lies on subspace i mod subspaces), so no cluster is a contiguous range.
    static func unionOfSubspaces(
        subspaces: Int = 5, rank: Int = 4, ambient: Int = 30, perSubspace: Int = 40,
        noise: Double = 0.01, seed: UInt64 = 7
    ) -> (data: [Float], labels: [Int]) {
        var g = SeededGenerator(seed: seed)
        let bases = (0..<subspaces).map { _ in (0..<(ambient * rank)).map { _ in g.nextGaussian() } }
        var data = [Float]()
        var labels = [Int]()
        for i in 0..<(subspaces * perSubspace) {
            let s = i % subspaces
            let a = (0..<rank).map { _ in g.nextGaussian() }
            for r in 0..<ambient {
                var v = 0.0
                for c in 0..<rank { v += bases[s][r * rank + c] * a[c] }
                data.append(Float(v + noise * g.nextGaussian()))
            }
            labels.append(s)
        }
        return (data, labels)
    }

    /// `rows` × `columns` standard Gaussian entries.
    static func gaussian(rows: Int, columns: Int, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        return (0..<(rows * columns)).map { _ in Float(g.nextGaussian()) }
    }

    /// Rows scaled to unit L2 norm (in Double).
    static func unitRows(_ x: [Float], columns d: Int) -> [Double] {
        var out = x.map(Double.init)
        for i in 0..<(x.count / d) {
            let norm = (0..<d).reduce(0.0) { $0 + out[i * d + $1] * out[i * d + $1] }.squareRoot()
            if norm > 0 { for c in 0..<d { out[i * d + c] /= norm } }
        }
        return out
    }

    /// The share of `Σ|c_ij|` that sits on pairs with `labels[i] == labels[j]`.
    static func subspacePreservingShare(_ c: SparseMatrix, labels: [Int]) -> Double {
        var same = 0.0
        var all = 0.0
        for i in 0..<c.rows {
            for (j, v) in c.row(i) {
                all += Double(abs(v))
                if labels[i] == labels[j] { same += Double(abs(v)) }
            }
        }
        return all > 0 ? same / all : 0
    }

    /// Whether any row stores its own column.
    static func hasDiagonal(_ c: SparseMatrix) -> Bool {
        (0..<c.rows).contains { i in c.row(i).contains { $0.column == i } }
    }

    /// `x_i − Σ_j c_ij x_j` for unit rows `x` (Double, `[d]`).
    static func residual(_ c: SparseMatrix, row i: Int, unit x: [Double], columns d: Int) -> [Double] {
        var r = (0..<d).map { x[i * d + $0] }
        for (j, v) in c.row(i) { for t in 0..<d { r[t] -= Double(v) * x[j * d + t] } }
        return r
    }

    /// The thrown error's description, or nil when `body` does not throw.
    static func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch { return error.localizedDescription }
    }
}
