import DSCTensor

extension Eigensolver {
    /// The `wanted` smallest eigenpairs of `L_sym` orthogonal to the `locked` null-space rows, by
    /// `dsyevr` on the dense `L_sym + 3 · Uᵀ U` (the locked vectors moved to eigenvalue 3, above the
    /// spectrum [0, 2], so rank 0 is the first eigenvalue not yet locked). Rayleigh quotients and
    /// residuals come from one sparse product each. O(n²) memory, O(n³) time.
    static func denseEigenpairs(
        _ op: NormalizedAdjacency, locked: [Double], lockedCount: Int,
        wanted: Int
    ) throws -> EigenRows {
        let n = op.n
        let a = op.denseLaplacian(shiftingOut: locked, count: lockedCount, shift: 3)
        let e = try LAPACK.symmetricEigen(a, n: n, indices: 0...(wanted - 1))
        var rows = [Double](repeating: 0, count: wanted * n)
        for i in 0..<n { for t in 0..<wanted { rows[t * n + i] = e.vectors[i * wanted + t] } }
        var values = [Double]()
        var residuals = [Double]()
        let y = UnsafeMutablePointer<Double>.allocate(capacity: 2 * n)
        defer { y.deallocate() }
        rows.withUnsafeBufferPointer { v in
            for t in 0..<wanted {
                let r = op.laplacianResidual(v.baseAddress! + t * n, y: y, scratch: y + n)
                values.append(r.value)
                residuals.append(r.residual)
            }
        }
        return EigenRows(values: values, rows: rows, residuals: residuals, matrixVectorProducts: wanted)
    }
}
