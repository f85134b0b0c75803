import CLAPACKE
import Foundation

// LAPACKE's `lapack_int` is a macro (int32_t here) that Swift cannot import.
typealias lapack_int = Int32

/// A LAPACK routine that failed; the CLI prints `errorDescription` in one line.
public enum LinearAlgebraError: Error, LocalizedError, Equatable {
    /// `info < 0`: argument `-info` was illegal (a programming error surfaced as an error).
    case illegalArgument(routine: String, index: Int)
    /// `info > 0`: the routine did not converge.
    case notConverged(routine: String, info: Int)

    public var errorDescription: String? {
        switch self {
        case .illegalArgument(let routine, let index):
            return "\(routine): argument \(index) had an illegal value"
        case .notConverged(let routine, let info):
            return "\(routine) did not converge (info=\(info))"
        }
    }
}

/// Eigen-decomposition of a real symmetric matrix: `A · v_j = values[j] · v_j`.
public struct SymmetricEigenDecomposition<Scalar: BinaryFloatingPoint> {
    /// Eigenvalues in ascending order, `[m]`.
    public var values: [Scalar]
    /// Eigenvectors, row-major `[n, m]`: column `j` is the unit eigenvector of `values[j]`.
    public var vectors: [Scalar]
    /// Matrix order.
    public var n: Int
    /// Number of eigenpairs returned.
    public var count: Int { values.count }

    /// Eigenvector `j` as a contiguous array of length `n`.
    public func vector(_ j: Int) -> [Scalar] {
        precondition(j >= 0 && j < count, "eigenvector index \(j) out of range 0..<\(count)")
        return (0..<n).map { vectors[$0 * count + j] }
    }
}

/// Typed wrappers over LAPACKE (row-major). The only calls into CLAPACKE in the package.
public enum LAPACK {
    /// Eigenpairs of the symmetric `[n, n]` row-major matrix `a` (only its upper triangle is read)
    /// by `dsyevr` (MRRR). `indices` selects eigenpairs by ascending rank, 0-based
    /// (`nil`: all of them). Cost O(n³) for the reduction to tridiagonal form.
    public static func symmetricEigen(
        _ a: [Double], n: Int, indices: ClosedRange<Int>? = nil
    ) throws
        -> SymmetricEigenDecomposition<Double>
    {
        precondition(a.count == n * n, "symmetricEigen: a.count=\(a.count) != n*n=\(n * n)")
        if n == 0 { return SymmetricEigenDecomposition(values: [], vectors: [], n: 0) }
        let range = indices ?? 0...(n - 1)
        precondition(range.lowerBound >= 0 && range.upperBound < n, "symmetricEigen: indices \(range) outside 0..<\(n)")
        let m = range.count
        var work = a
        var values = [Double](repeating: 0, count: n)
        var vectors = [Double](repeating: 0, count: n * m)
        var isuppz = [lapack_int](repeating: 0, count: 2 * max(1, m))
        var found: lapack_int = 0
        let info = LAPACKE_dsyevr(
            LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "I")),
            Int8(UInt8(ascii: "U")), lapack_int(n), &work, lapack_int(n), 0, 0,
            lapack_int(range.lowerBound + 1), lapack_int(range.upperBound + 1),
            0, &found, &values, &vectors, lapack_int(m), &isuppz)
        try check("dsyevr", info)
        return SymmetricEigenDecomposition(values: Array(values.prefix(Int(found))), vectors: vectors, n: n)
    }

    /// Single-precision ``symmetricEigen(_:n:indices:)`` by `ssyevr`.
    public static func symmetricEigen(
        _ a: [Float], n: Int, indices: ClosedRange<Int>? = nil
    ) throws
        -> SymmetricEigenDecomposition<Float>
    {
        precondition(a.count == n * n, "symmetricEigen: a.count=\(a.count) != n*n=\(n * n)")
        if n == 0 { return SymmetricEigenDecomposition(values: [], vectors: [], n: 0) }
        let range = indices ?? 0...(n - 1)
        precondition(range.lowerBound >= 0 && range.upperBound < n, "symmetricEigen: indices \(range) outside 0..<\(n)")
        let m = range.count
        var work = a
        var values = [Float](repeating: 0, count: n)
        var vectors = [Float](repeating: 0, count: n * m)
        var isuppz = [lapack_int](repeating: 0, count: 2 * max(1, m))
        var found: lapack_int = 0
        let info = LAPACKE_ssyevr(
            LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "I")),
            Int8(UInt8(ascii: "U")), lapack_int(n), &work, lapack_int(n), 0, 0,
            lapack_int(range.lowerBound + 1), lapack_int(range.upperBound + 1),
            0, &found, &values, &vectors, lapack_int(m), &isuppz)
        try check("ssyevr", info)
        return SymmetricEigenDecomposition(values: Array(values.prefix(Int(found))), vectors: vectors, n: n)
    }

    /// Thin SVD of the row-major `[m, n]` matrix `a` by `sgesdd`:
    /// `a = U · diag(s) · Vᵀ` with `U [m, r]`, `s [r]` descending, `Vᵀ [r, n]`, `r = min(m, n)`.
    public static func svd(_ a: [Float], rows m: Int, columns n: Int) throws -> (u: [Float], s: [Float], vt: [Float]) {
        precondition(a.count == m * n, "svd: a.count=\(a.count) != m*n=\(m * n)")
        let r = min(m, n)
        if r == 0 { return ([], [], []) }
        var work = a
        var s = [Float](repeating: 0, count: r)
        var u = [Float](repeating: 0, count: m * r)
        var vt = [Float](repeating: 0, count: r * n)
        let info = LAPACKE_sgesdd(
            LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "S")), lapack_int(m), lapack_int(n),
            &work, lapack_int(n), &s, &u, lapack_int(r), &vt, lapack_int(n))
        try check("sgesdd", info)
        return (u, s, vt)
    }

    /// The solution of `A x = b` for a symmetric positive definite row-major `[n, n]` `A` (its lower
    /// triangle is read), by the Cholesky factor `A = L Lᵀ` (`dpotrf`, then `dpotrs`). Nil when `A`
    /// is not positive definite, or when a pivot `L_ii²` is at most `relativeTolerance · A_ii` (then
    /// column `i` is, to that tolerance, a combination of the earlier ones).
    public static func choleskySolve(_ a: [Double], n: Int, _ b: [Double], relativeTolerance: Double = 0) -> [Double]? {
        precondition(a.count == n * n && b.count == n, "choleskySolve: a.count=\(a.count), b.count=\(b.count), n=\(n)")
        if n == 0 { return [] }
        var factor = a
        var x = b
        let lower = Int8(UInt8(ascii: "L"))
        if LAPACKE_dpotrf(LAPACK_ROW_MAJOR, lower, lapack_int(n), &factor, lapack_int(n)) != 0 { return nil }
        for i in 0..<n {
            let pivot = factor[i * n + i]
            if !(pivot * pivot > relativeTolerance * a[i * n + i]) { return nil }
        }
        if LAPACKE_dpotrs(LAPACK_ROW_MAJOR, lower, lapack_int(n), 1, factor, lapack_int(n), &x, 1) != 0 { return nil }
        return x
    }

    /// Turn a LAPACK status code into a thrown ``LinearAlgebraError``.
    static func check(_ routine: String, _ info: lapack_int) throws {
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: routine, index: Int(-info)) }
        if info > 0 { throw LinearAlgebraError.notConverged(routine: routine, info: Int(info)) }
    }
}
