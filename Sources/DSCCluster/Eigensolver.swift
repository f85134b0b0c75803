import DSCTensor
import Foundation

/// Which eigensolver ``Eigensolver/laplacianEigenpairs(affinity:count:solver:seed:tolerance:maxIterations:progress:)`` runs.
public enum EigenSolverKind: String, Sendable, CaseIterable {
    /// `dense` when `n ≤ Eigensolver.autoDenseLimit` (500), `lanczos` above (at n = 3000 dense took 4.4 s, Lanczos 0.04 s; at 1797 dense takes seconds).
    case auto
    /// LAPACK `dsyevr` on the dense `[n, n]` Laplacian: O(n²) memory, O(n³) time; exact to rounding.
    case dense
    /// Thick-restart Lanczos on the sparse matrix: O(n · basis) memory, O(nnz) per product.
    case lanczos
}

/// The smallest eigenpairs of the symmetric normalised Laplacian `L_sym = I − D^{-1/2} W D^{-1/2}`.
public struct LaplacianEigenpairs: Sendable {
    /// The `count` smallest eigenvalues of `L_sym`, ascending, in [0, 2].
    public var values: [Double]
    /// Eigenvectors, `[n, count]` row-major: column `j` is the unit eigenvector of `values[j]`,
    /// signed so that its entry of largest absolute value is positive (ties: the lowest index).
    public var vectors: [Double]
    /// `‖L_sym v_j − λ_j v_j‖₂` per pair, computed with one extra sparse product each.
    public var residuals: [Double]
    /// The solver that ran, `.dense` or `.lanczos` (never `.auto`).
    public var solver: EigenSolverKind
    /// Lanczos cycles run (the first fill of the basis, then one per restart); 0 for `.dense`.
    public var iterations: Int
    /// Products by the sparse matrix, the residual checks included.
    public var matrixVectorProducts: Int

    public init(
        values: [Double], vectors: [Double], residuals: [Double], solver: EigenSolverKind,
        iterations: Int, matrixVectorProducts: Int
    ) {
        self.values = values
        self.vectors = vectors
        self.residuals = residuals
        self.solver = solver
        self.iterations = iterations
        self.matrixVectorProducts = matrixVectorProducts
    }

    /// Number of eigenpairs.
    public var count: Int { values.count }
    /// Number of nodes `n`.
    public var nodes: Int { values.isEmpty ? 0 : vectors.count / values.count }

    /// Eigenvector `j` as a contiguous array of length `n`.
    public func vector(_ j: Int) -> [Double] {
        precondition(j >= 0 && j < count, "LaplacianEigenpairs.vector: index \(j) outside 0..<\(count)")
        return (0..<nodes).map { vectors[$0 * count + j] }
    }
}

/// A bad affinity, a bad request, or a solver that did not converge; one line each, with the values.
public enum EigensolverError: Error, LocalizedError, Equatable, Sendable {
    /// Lanczos ran `maxIterations` cycles; `converged` of the `count` pairs met the tolerance,
    /// `residual` is the largest estimated residual left.
    case notConverged(count: Int, converged: Int, residual: Double)
    /// The affinity is `[rows, columns]` with `rows != columns`.
    case notSquare(rows: Int, columns: Int)
    /// `count` is not in `1...nodes`.
    case invalidCount(count: Int, nodes: Int)
    /// A stored entry is negative, NaN or infinite, or its column is outside `0..<n`.
    case invalidEntry(row: Int, column: Int, value: Float)
    /// `w[row, column] = value` but `w[column, row] = transposed`.
    case notSymmetric(row: Int, column: Int, value: Float, transposed: Float)
    /// The dense solver was asked for more than `limit` nodes (it needs `8·n²` bytes and O(n³) time).
    case denseTooLarge(nodes: Int, limit: Int)

    public var errorDescription: String? {
        switch self {
        case .notConverged(let count, let converged, let residual):
            return "eigensolver did not converge: \(converged) of \(count) eigenpairs reached the tolerance, "
                + "largest residual \(String(format: "%.3g", residual)) (raise maxIterations or tolerance)"
        case .notSquare(let rows, let columns):
            return "affinity is [\(rows), \(columns)], it must be square"
        case .invalidCount(let count, let nodes):
            return "count=\(count) eigenpairs must be in 1...n_nodes=\(nodes)"
        case .invalidEntry(let row, let column, let value):
            return "affinity entry (\(row), \(column)) = \(value) must be a finite non-negative weight with column < n"
        case .notSymmetric(let row, let column, let value, let transposed):
            return "affinity is not symmetric: w[\(row), \(column)] = \(value) but w[\(column), \(row)] = \(transposed)"
        case .denseTooLarge(let nodes, let limit):
            return "dense eigensolver: n_nodes=\(nodes) must be <= \(limit); use the lanczos solver"
        }
    }
}

/// Eigenpairs of graph Laplacians for spectral clustering.
public enum Eigensolver {
    /// `.auto` picks `.dense` up to this many nodes, `.lanczos` above.
    public static let autoDenseLimit = 500
    /// The most nodes `.dense` accepts.
    public static let denseNodeLimit = 10_000

    /// The `count` smallest eigenpairs of `L_sym = I − D^{-1/2} W D^{-1/2}` for the affinity `W`.
    ///
    /// - Parameters:
    ///   - affinity: `W`, `[n, n]`, symmetric (to 1e-6 relative) with finite non-negative weights.
    ///     A node of degree 0 has `D^{-1/2} = 0`: it contributes the eigenvalue 1 (vector `e_i`), no NaN.
    ///   - count: eigenpairs wanted, `1...n`.
    ///   - solver: `.auto` is `.dense` for `n ≤ 500`, else `.lanczos` (thick-restart, basis of
    ///     `max(2·count + 10, 40)` vectors, full reorthogonalisation; see `ThickRestartLanczos`).
    ///   - seed: the Lanczos start vector is Gaussian from `SeededGenerator(seed:)`; same input and
    ///     seed give bitwise the same output.
    ///   - tolerance: Lanczos stops when every residual `‖L v − λ v‖₂` is at most this.
    ///   - maxIterations: the most Lanczos cycles (basis fills) before ``EigensolverError/notConverged(count:converged:residual:)``.
    ///   - progress: called with `("eigen", fraction)` once per cycle and at the end.
    ///
    /// The eigenvalue 0 has one eigenvector per connected component of positive degree,
    /// `D^{1/2} 1_C / ‖D^{1/2} 1_C‖`; both solvers return exactly these (ordered by the component's
    /// lowest node) and solve only for the rest, so components never confuse the iteration.
    /// Every eigenvector is signed so its largest-magnitude entry is positive (ties: lowest index).
    /// Memory: `.lanczos` O(n · (count + basis)) doubles; `.dense` `2 · n²` doubles.
    public static func laplacianEigenpairs(
        affinity: SparseMatrix, count: Int, solver: EigenSolverKind = .auto,
        seed: UInt64 = 0, tolerance: Double = 1e-6, maxIterations: Int = 1000,
        progress: ProgressHandler? = nil
    ) throws -> LaplacianEigenpairs {
        precondition(tolerance > 0 && tolerance.isFinite, "laplacianEigenpairs: tolerance=\(tolerance) must be > 0")
        precondition(maxIterations >= 1, "laplacianEigenpairs: maxIterations=\(maxIterations) must be >= 1")
        let w = try validatedAffinity(affinity, count: count)
        let n = w.rows
        let kind: EigenSolverKind = solver == .auto ? (n <= autoDenseLimit ? .dense : .lanczos) : solver
        if kind == .dense && n > denseNodeLimit {
            throw EigensolverError.denseTooLarge(nodes: n, limit: denseNodeLimit)
        }
        progress?("eigen", 0)

        let op = NormalizedAdjacency(w)
        let null = op.nullSpaceBasis(limit: count)
        var pairs = lockedPairs(op, null.vectors, count: null.count)
        let wanted = count - null.count
        var iterations = 0
        if wanted > 0 && kind == .dense {
            let rest = try denseEigenpairs(op, locked: null.vectors, lockedCount: null.count, wanted: wanted)
            pairs.append(rest)
        } else if wanted > 0 {
            let lanczos = ThickRestartLanczos(
                operator: op, locked: null.vectors, lockedCount: null.count,
                wanted: wanted, basisSize: max(2 * count + 10, 40), seed: seed,
                tolerance: tolerance, maxCycles: maxIterations, progress: progress)
            let rest = try lanczos.run()
            iterations = rest.cycles
            pairs.append(
                EigenRows(
                    values: rest.values, rows: rest.vectors, residuals: rest.residuals,
                    matrixVectorProducts: rest.matrixVectorProducts))
        }
        progress?("eigen", 1)
        return pairs.assembled(nodes: n, solver: kind, iterations: iterations)
    }

    /// The null-space vectors with eigenvalue 0 (exact by construction) and honest residuals.
    static func lockedPairs(_ op: NormalizedAdjacency, _ vectors: [Double], count m: Int) -> EigenRows {
        let n = op.n
        var residuals = [Double]()
        let y = UnsafeMutablePointer<Double>.allocate(capacity: 2 * n)
        defer { y.deallocate() }
        vectors.withUnsafeBufferPointer { v in
            for t in 0..<m {
                residuals.append(op.laplacianResidual(v.baseAddress! + t * n, y: y, scratch: y + n).residual)
            }
        }
        return EigenRows(
            values: [Double](repeating: 0, count: m), rows: vectors, residuals: residuals,
            matrixVectorProducts: m)
    }
}

/// Eigenpairs as rows `[m, n]`, gathered from the null space and a solver before assembly.
struct EigenRows {
    var values: [Double]
    var rows: [Double]
    var residuals: [Double]
    var matrixVectorProducts: Int

    mutating func append(_ other: EigenRows) {
        values += other.values
        rows += other.rows
        residuals += other.residuals
        matrixVectorProducts += other.matrixVectorProducts
    }

    /// Sorted by eigenvalue (stable), signed by the convention, transposed to `[n, count]`.
    func assembled(nodes n: Int, solver: EigenSolverKind, iterations: Int) -> LaplacianEigenpairs {
        let count = values.count
        let order = (0..<count).sorted { (values[$0], $0) < (values[$1], $1) }
        var vectors = [Double](repeating: 0, count: n * count)
        for (j, t) in order.enumerated() {
            let v = rows[(t * n)..<((t + 1) * n)]
            var top = v.startIndex
            for i in v.indices where abs(v[i]) > abs(v[top]) { top = i }
            let sign: Double = v[top] < 0 ? -1 : 1
            for (i, x) in v.enumerated() { vectors[i * count + j] = sign * x }
        }
        return LaplacianEigenpairs(
            values: order.map { values[$0] }, vectors: vectors,
            residuals: order.map { residuals[$0] }, solver: solver,
            iterations: iterations, matrixVectorProducts: matrixVectorProducts)
    }
}
