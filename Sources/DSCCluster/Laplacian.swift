import DSCTensor
import Foundation

/// The normalised adjacency `N = D^{-1/2} W D^{-1/2}` of a symmetric non-negative affinity `W`, used
/// as an operator: the symmetric normalised Laplacian is `L_sym = I − N`.
///
/// `D = diag(d)`, `d_i = Σ_j w_ij` (accumulated in Double). A node of degree 0 gets
/// `D^{-1/2}_ii = 0`, so its row and column of `N` are zero and `L_sym` has a 1 on its diagonal
/// there: an isolated node contributes the eigenvalue 1 with eigenvector `e_i`, never a NaN.
/// The spectrum of `N` lies in [−1, 1], that of `L_sym` in [0, 2].
///
/// Core type: assumes a square, symmetric, non-negative `W` (checked by ``Eigensolver``).
struct NormalizedAdjacency: @unchecked Sendable {
    let affinity: SparseMatrix
    /// `d_i`, `[n]`.
    let degrees: [Double]
    /// `d_i^{-1/2}`, 0 where `d_i = 0`, `[n]`.
    let inverseSqrtDegrees: [Double]

    var n: Int { affinity.rows }

    init(_ affinity: SparseMatrix) {
        self.affinity = affinity
        degrees = affinity.rowSums()
        inverseSqrtDegrees = degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
    }

    /// `y = N · x` for vectors of length `n`; `scratch` (length `n`) receives `D^{-1/2} x`.
    /// Rows run in parallel chunks; every row is summed by one thread in a fixed order, so the
    /// result is bitwise reproducible. O(nnz + n).
    func apply(
        _ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, scratch z: UnsafeMutablePointer<Double>
    ) {
        let n = self.n
        inverseSqrtDegrees.withUnsafeBufferPointer { dinvBuffer in
            let dinv = dinvBuffer.baseAddress!
            for i in 0..<n { z[i] = dinv[i] * x[i] }
            affinity.indptr.withUnsafeBufferPointer { ptr in
                affinity.indices.withUnsafeBufferPointer { idx in
                    affinity.values.withUnsafeBufferPointer { val in
                        guard let columns = idx.baseAddress, let weights = val.baseAddress else {
                            for i in 0..<n { y[i] = 0 }
                            return
                        }
                        let rowStart = ptr.baseAddress!
                        Self.forEachChunk(n) { range in
                            for i in range {
                                // Two accumulators: the gathers of z are the bottleneck, not the adds.
                                var s0 = 0.0
                                var s1 = 0.0
                                var p = rowStart[i]
                                let end = rowStart[i + 1]
                                while p + 1 < end {
                                    s0 += Double(weights[p]) * z[Int(columns[p])]
                                    s1 += Double(weights[p + 1]) * z[Int(columns[p + 1])]
                                    p += 2
                                }
                                if p < end { s0 += Double(weights[p]) * z[Int(columns[p])] }
                                y[i] = dinv[i] * (s0 + s1)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Runs `body` over consecutive row ranges covering `0..<count`, concurrently when there are
    /// enough rows to pay for the threads.
    static func forEachChunk(_ count: Int, grain: Int = 8192, _ body: (Range<Int>) -> Void) {
        let chunks = (count + grain - 1) / grain
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            body((c * grain)..<min(count, (c + 1) * grain))
        }
    }

    /// An orthonormal basis of the null space of `L_sym`, at most `limit` vectors, as rows `[m, n]`.
    ///
    /// Every connected component `C` of positive total degree contributes `D^{1/2} 1_C / ‖D^{1/2} 1_C‖`
    /// (non-negative, supported on `C`); the vectors are ordered by the component's lowest node.
    /// These span the eigenvalue-0 eigenspace exactly, so both solvers return the same basis of it
    /// instead of an arbitrary rotation. Isolated nodes (degree 0) contribute nothing. O(nnz + n·m).
    func nullSpaceBasis(limit: Int) -> (count: Int, vectors: [Double]) {
        let (components, component) = affinity.connectedComponents()
        var mass = [Double](repeating: 0, count: components)
        for i in 0..<n { mass[component[i]] += degrees[i] }
        var slot = [Int](repeating: -1, count: components)
        var m = 0
        for c in 0..<components where mass[c] > 0 && m < limit {
            slot[c] = m
            m += 1
        }
        var vectors = [Double](repeating: 0, count: m * n)
        for i in 0..<n {
            let s = slot[component[i]]
            if s >= 0 { vectors[s * n + i] = (degrees[i] / mass[component[i]]).squareRoot() }
        }
        return (m, vectors)
    }

    /// The dense `L_sym + shift · Uᵀ U`, `[n, n]` row-major, for rows `U` `[m, n]` (orthonormal
    /// eigenvectors of `L_sym` to move out of the way; pass `m = 0` for `L_sym` itself). O(n² (1 + m)).
    func denseLaplacian(shiftingOut u: [Double], count m: Int, shift: Double) -> [Double] {
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            a[i * n + i] = 1
            for p in affinity.indptr[i]..<affinity.indptr[i + 1] {
                let j = Int(affinity.indices[p])
                a[i * n + j] -= Double(affinity.values[p]) * inverseSqrtDegrees[i] * inverseSqrtDegrees[j]
            }
        }
        if m > 0 {
            BLAS.dgemm(
                transposeA: true, m: n, n: n, k: m, alpha: shift, a: u, lda: n, b: u, ldb: n,
                beta: 1, c: &a, ldc: n)
        }
        return a
    }

    /// Rayleigh quotient `λ = vᵀ L_sym v` and residual `‖L_sym v − λ v‖₂` of a unit vector `v`,
    /// computed with one product by `N`; `y` and `scratch` are work vectors of length `n`.
    func laplacianResidual(
        _ v: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>,
        scratch: UnsafeMutablePointer<Double>
    ) -> (value: Double, residual: Double) {
        apply(v, into: y, scratch: scratch)
        let theta = BLAS.ddot(n, v, y)
        // L v − λ v = (v − N v) − (1 − θ) v = θ v − N v
        BLAS.daxpy(n, -theta, v, y)
        return (1 - theta, BLAS.dnrm2(n, y))
    }
}
