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
    public static func matmul(_ a: Tensor, _ b: Tensor,
                              transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition((a.rank == 2 && b.rank == 2) || (a.rank == 3 && (b.rank == 3 || b.rank == 2)),
                     "matmul: unsupported ranks \(a.shape) · \(b.shape)")
        let batch = a.rank == 3 ? a.shape[0] : 1
        let sharedB = a.rank == 3 && b.rank == 2
        if a.rank == 3 && b.rank == 3 {
            precondition(b.shape[0] == batch, "matmul: batch sizes differ, \(a.shape) · \(b.shape)")
        }
        let ar = a.shape[a.rank - 2], ac = a.shape[a.rank - 1]
        let br = b.shape[b.rank - 2], bc = b.shape[b.rank - 1]
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let (k2, n) = transposeB ? (bc, br) : (br, bc)
        precondition(k == k2, "matmul: inner extents differ, op(A) is [\(m), \(k)] and op(B) is [\(k2), \(n)] (shapes \(a.shape), \(b.shape), transposeA=\(transposeA), transposeB=\(transposeB))")
        let aSize = ar * ac, bSize = sharedB ? 0 : br * bc, cSize = m * n

        let out = Tensor.build(shape: a.rank == 3 ? [batch, m, n] : [m, n]) { c in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    for i in 0..<batch {
                        if k == 0 { (c.baseAddress! + i * cSize).update(repeating: 0, count: cSize); continue }
                        BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                   a: pa.baseAddress! + i * aSize, lda: ac,
                                   b: pb.baseAddress! + i * bSize, ldb: bc,
                                   c: c.baseAddress! + i * cSize, ldc: n)
                    }
                }
            }
        }
        return out.recorded("matmul", [a, b]) { g in
            let gp = g.baseAddress!
            if a.requiresGrad {
                // A stored [m, k]: dA += G · op(B)ᵀ.  A stored [k, m]: dA += op(B) · Gᵀ.
                let bv = b.data
                a.accumulateGrad { ga in
                    bv.withUnsafeBufferPointer { pb in
                        for i in 0..<batch {
                            let bp = pb.baseAddress! + i * bSize, dp = ga.baseAddress! + i * aSize
                            if transposeA {
                                BLAS.sgemm(transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
                                           a: bp, lda: bc, b: gp + i * cSize, ldb: n, beta: 1, c: dp, ldc: m)
                            } else {
                                BLAS.sgemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
                                           a: gp + i * cSize, lda: n, b: bp, ldb: bc, beta: 1, c: dp, ldc: k)
                            }
                        }
                    }
                }
            }
            if b.requiresGrad {
                // B stored [k, n]: dB += op(A)ᵀ · G.  B stored [n, k]: dB += Gᵀ · op(A).
                let av = a.data
                b.accumulateGrad { gb in
                    av.withUnsafeBufferPointer { pa in
                        for i in 0..<batch {
                            let ap = pa.baseAddress! + i * aSize, dp = gb.baseAddress! + i * bSize
                            if transposeB {
                                BLAS.sgemm(transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
                                           a: gp + i * cSize, lda: n, b: ap, ldb: ac, beta: 1, c: dp, ldc: k)
                            } else {
                                BLAS.sgemm(transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
                                           a: ap, lda: ac, b: gp + i * cSize, ldb: n, beta: 1, c: dp, ldc: n)
                            }
                        }
                    }
                }
            }
        }
    }
}
