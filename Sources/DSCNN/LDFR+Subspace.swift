import DSCTensor

/// The subspace side of ``LDFR``: map selection, the batch basis by SVD, fusion of batch
/// projections and the extraction of the fused basis. Plain arrays, no graph: the subspace is a
/// constant of each step.
extension LDFR {
    /// Indices of the `count` maps of largest energy `‖x_n‖² = Σ_p x_n[p]²` among the `maps`
    /// contiguous maps of `length` values in `values`, by decreasing energy (ties: lower index
    /// first; a non-finite energy ranks last). O(maps·length + maps·log maps).
    ///
    /// - Precondition: `values.count == maps·length` and `0 ≤ count ≤ maps`.
    public static func mostEnergeticMaps(_ values: [Float], maps: Int, length: Int, count: Int) -> [Int] {
        precondition(
            values.count == maps * length,
            "LDFR.mostEnergeticMaps: \(values.count) values for \(maps) maps of \(length)")
        precondition(count >= 0 && count <= maps, "LDFR.mostEnergeticMaps: count=\(count) outside 0...\(maps)")
        var energy = [Float](repeating: 0, count: maps)
        values.withUnsafeBufferPointer { v in
            for n in 0..<maps {
                let e = BLAS.sdot(length, v.baseAddress! + n * length, v.baseAddress! + n * length)
                energy[n] = e.isFinite ? e : -.infinity
            }
        }
        let order = (0..<maps).sorted { a, b in
            energy[a] != energy[b] ? energy[a] > energy[b] : a < b
        }
        return Array(order.prefix(count))
    }

    /// The rank-`rank` principal subspace of the maps `rows` of `values` (each `length` long):
    /// the leading right singular vectors of the stacked `[rows.count, length]` matrix, returned
    /// as the columns of a row-major `[length, rank]` array. Nil if the SVD fails (non-finite
    /// values). O(s·L·min(s, L)) with `s = rows.count`, `L = length`.
    ///
    /// - Precondition: `1 ≤ rank ≤ min(rows.count, length)`.
    public static func principalBasis(_ values: [Float], rows: [Int], length: Int, rank: Int) -> [Float]? {
        let s = rows.count
        precondition(
            rank >= 1 && rank <= min(s, length),
            "LDFR.principalBasis: rank=\(rank) outside 1...min(rows=\(s), length=\(length))")
        var stacked = [Float](repeating: 0, count: s * length)
        values.withUnsafeBufferPointer { v in
            stacked.withUnsafeMutableBufferPointer { m in
                for (k, n) in rows.enumerated() {
                    (m.baseAddress! + k * length).update(from: v.baseAddress! + n * length, count: length)
                }
            }
        }
        guard stacked.allSatisfy({ $0.isFinite }),
            let (_, _, vt) = try? LAPACK.svd(stacked, rows: s, columns: length)
        else { return nil }
        // vt is [min(s, L), L]; its first `rank` rows, transposed, are the basis columns.
        var basis = [Float](repeating: 0, count: length * rank)
        for j in 0..<rank {
            for p in 0..<length { basis[p * rank + j] = vt[j * length + p] }
        }
        return basis
    }

    /// Adds the batch projection `U Uᵀ` to `P̄` with the weights of ``fusion`` in one sgemm,
    /// `P̄ ← β P̄ + α U Uᵀ`: cumulative `α = 1/n, β = 1 − 1/n`; exponential `α = m, β = 1 − m`
    /// (`α = 1, β = 0` for the first batch). O(L²·r).
    func fuse(_ u: [Float]) {
        let n = fusedCount.data[0] + 1
        let alpha: Float
        let beta: Float
        switch fusion {
        case .cumulativeAverage: (alpha, beta) = (1 / n, 1 - 1 / n)
        case .exponential(let m): (alpha, beta) = n == 1 ? (1, 0) : (m, 1 - m)
        }
        let length = spatialSize
        let r = rank
        u.withUnsafeBufferPointer { pu in
            fusedProjection.data.withUnsafeMutableBufferPointer { pp in
                BLAS.sgemm(
                    transposeA: false, transposeB: true, m: length, n: length, k: r, alpha: alpha,
                    a: pu.baseAddress!, lda: r, b: pu.baseAddress!, ldb: r,
                    beta: beta, c: pp.baseAddress!, ldc: length)
            }
        }
        fusedCount.data[0] = n
    }

    /// Whether ``fusedBasis`` was extracted from the current ``fusedProjection``.
    public var fusedBasisIsCurrent: Bool { fusedBasisCount.data[0] == fusedCount.data[0] }

    /// Re-extracts ``fusedBasis`` if batches were fused (or buffers loaded) since it was.
    func refreshFusedBasisIfStale() {
        if !fusedBasisIsCurrent { refreshFusedBasis() }
    }

    /// Sets ``fusedBasis`` to the top-`r` eigenvectors of `P̄` (in Double, by dsyevr), leading
    /// first, each signed so that its largest-magnitude entry (first on ties) is positive; zeros
    /// when no batch was fused. O(L³). If the eigensolver fails (a non-finite `P̄`), the previous
    /// basis is kept and the count is still recorded, so it is not retried on every forward.
    public func refreshFusedBasis() {
        defer { fusedBasisCount.data[0] = fusedCount.data[0] }
        let length = spatialSize
        let r = rank
        guard fusedCount.data[0] > 0 else {
            fusedBasis.data = [Float](repeating: 0, count: length * r)
            return
        }
        let p = fusedProjection.data.map(Double.init)
        guard let eigen = try? LAPACK.symmetricEigen(p, n: length, indices: (length - r)...(length - 1)),
            eigen.count == r
        else { return }
        var basis = [Float](repeating: 0, count: length * r)
        for j in 0..<r {
            let column = eigen.vector(r - 1 - j)  // ascending order: the largest is last
            var pivot = 0
            for i in 1..<length where Swift.abs(column[i]) > Swift.abs(column[pivot]) { pivot = i }
            let sign: Double = column[pivot] < 0 ? -1 : 1
            for i in 0..<length { basis[i * r + j] = Float(sign * column[i]) }
        }
        fusedBasis.data = basis
    }
}
