/// Matrix products through `BLAS.sgemm`, forward and backward.
///
/// `C = op(A) · op(B)` where `op(X)` is `X` or `Xᵀ` (of the last two axes). Shapes:
/// - 2-D: `A [m, k]` (or `[k, m]` when `transposeA`), `B [k, n]` (or `[n, k]`) → `C [m, n]`;
/// - batched: `A [batch, ·, ·]`, `B [batch, ·, ·]` → `C [batch, m, n]`, one product per batch entry;
/// - `A [batch, ·, ·]` with a 2-D `B`: the same `B` for every entry (a shared weight); its
///   gradient sums over the batch.
///
/// Backward (with `G = ∂loss/∂C`): `∂op(A) = G · op(B)ᵀ`, `∂op(B) = op(A)ᵀ · G`, each computed
/// by one sgemm per batch entry that adds into the gradient buffer (`beta = 1`), never forming a
/// transpose explicitly.
extension Tensor {
    /// Matrix product `op(self) · op(other)`; see the extension's documentation for shapes.
    ///
    /// - Precondition: ranks as listed above and matching inner extents.
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        Tensor.matmul(self, other, transposeA: transposeA, transposeB: transposeB)
    }

    /// Matrix product `op(a) · op(b)`.
    public static func matmul(
        _ a: Tensor, _ b: Tensor,
        transposeA: Bool = false, transposeB: Bool = false
    ) -> Tensor {
        precondition(
            (a.rank == 2 && b.rank == 2) || (a.rank == 3 && (b.rank == 3 || b.rank == 2)),
            "matmul: unsupported ranks \(a.shape) · \(b.shape)")
        let batch = a.rank == 3 ? a.shape[0] : 1
        let sharedB = a.rank == 3 && b.rank == 2
        if a.rank == 3 && b.rank == 3 {
            precondition(b.shape[0] == batch, "matmul: batch sizes differ, \(a.shape) · \(b.shape)")
        }
        let ar = a.shape[a.rank - 2]
        let ac = a.shape[a.rank - 1]
        let br = b.shape[b.rank - 2]
        let bc = b.shape[b.rank - 1]
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let (k2, n) = transposeB ? (bc, br) : (br, bc)
        precondition(
            k == k2,
            "matmul: inner extents differ, op(A) is [\(m), \(k)] and op(B) is [\(k2), \(n)] (shapes \(a.shape), \(b.shape), transposeA=\(transposeA), transposeB=\(transposeB))"
        )
        let aSize = ar * ac
        let bSize = sharedB ? 0 : br * bc
        let cSize = m * n

        let out = Tensor.build(shape: a.rank == 3 ? [batch, m, n] : [m, n]) { c in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    for i in 0..<batch {
                        if k == 0 {
                            (c.baseAddress! + i * cSize).update(repeating: 0, count: cSize)
                            continue
                        }
                        BLAS.sgemm(
                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                            a: pa.baseAddress! + i * aSize, lda: ac,
                            b: pb.baseAddress! + i * bSize, ldb: bc,
                            c: c.baseAddress! + i * cSize, ldc: n)
                    }
                }
            }
        }
        let geo = MatmulGeometry(
            batch: batch, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
            lda: ac, ldb: bc, aSize: aSize, bSize: bSize)
        return out.recorded("matmul", [a, b]) { g in
            if a.requiresGrad {
                let bv = b.data
                a.accumulateGrad { ga in
                    bv.withUnsafeBufferPointer { geo.gradA(g.baseAddress!, $0.baseAddress!, ga.baseAddress!) }
                }
            }
            if b.requiresGrad {
                let av = a.data
                b.accumulateGrad { gb in
                    av.withUnsafeBufferPointer { geo.gradB(g.baseAddress!, $0.baseAddress!, gb.baseAddress!) }
                }
            }
        }
    }
}

/// Sizes of one (batched) product `C = op(A) · op(B)`, and its two gradient products.
struct MatmulGeometry {
    let batch, m, n, k: Int
    let transposeA, transposeB: Bool
    /// Row lengths of A and B as stored, and elements per batch entry (`bSize = 0`: shared B).
    let lda, ldb, aSize, bSize: Int
    var cSize: Int { m * n }

    /// `∂A += …` for every batch entry. A stored `[m, k]`: `G · op(B)ᵀ`; stored `[k, m]`: `op(B) · Gᵀ`.
    func gradA(_ g: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ da: UnsafeMutablePointer<Float>) {
        for i in 0..<batch {
            let bp = b + i * bSize
            let gp = g + i * cSize
            let dp = da + i * aSize
            if transposeA {
                BLAS.sgemm(
                    transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
                    a: bp, lda: ldb, b: gp, ldb: n, beta: 1, c: dp, ldc: m)
            } else {
                BLAS.sgemm(
                    transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                    a: gp, lda: n, b: bp, ldb: ldb, beta: 1, c: dp, ldc: k)
            }
        }
    }

    /// `∂B += …` for every batch entry (summed when B is shared). B stored `[k, n]`: `op(A)ᵀ · G`;
    /// stored `[n, k]`: `Gᵀ · op(A)`.
    func gradB(_ g: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ db: UnsafeMutablePointer<Float>) {
        for i in 0..<batch {
            let ap = a + i * aSize
            let gp = g + i * cSize
            let dp = db + i * bSize
            if transposeB {
                BLAS.sgemm(
                    transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
                    a: gp, lda: n, b: ap, ldb: lda, beta: 1, c: dp, ldc: k)
            } else {
                BLAS.sgemm(
                    transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
                    a: ap, lda: lda, b: gp, ldb: n, beta: 1, c: dp, ldc: n)
            }
        }
    }
}
