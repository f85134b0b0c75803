import DSCTensor

extension ThickRestartLanczos {
    /// Fills the basis from Lanczos vector `start` up to `basisSize` vectors (fewer when the space
    /// orthogonal to the locked vectors is exhausted, in which case the basis is invariant).
    func extend(from start: Int) {
        active = basisSize
        for j in start..<basisSize {
            if !step(j, restartedAt: start) {
                active = j + 1
                lastBeta = 0
                return
            }
        }
    }

    /// One Lanczos step: `v_{j+1} ∝ N v_j − Σ_i H_ij v_i`, fully reorthogonalised; fills column `j`
    /// of `H` and the coupling `β_j`. Returns false when no new direction exists.
    private func step(_ j: Int, restartedAt start: Int) -> Bool {
        let m = basisSize
        let v = row(j)
        let w = row(j + 1)
        op.apply(v, into: w, scratch: scratch)
        matrixVectorProducts += 1
        // Subtract what H already knows of column j: the couplings to the kept Ritz vectors right
        // after a restart, the previous β otherwise.
        if j > 0 && j == start {
            for i in 0..<j { coefficients[i] = h[i * m + j] }
            BLAS.dgemv(transpose: true, m: j, n: n, alpha: -1, a: row(0), lda: n, x: coefficients, beta: 1, y: w)
        } else if j > 0 {
            BLAS.daxpy(n, -h[(j - 1) * m + j], row(j - 1), w)
        }
        let alpha = BLAS.ddot(n, v, w)
        BLAS.daxpy(n, -alpha, v, w)
        h[j * m + j] = alpha
        let rows = lockedCount + j + 1
        var beta = orthogonalize(w, rows: rows)
        for i in 0...j {
            h[i * m + j] += coefficients[lockedCount + i]
            h[j * m + i] = h[i * m + j]
        }
        if beta <= breakdownThreshold {
            // Invariant subspace: continue from a fresh random direction, coupled by 0.
            guard replaceWithRandomDirection(w, rows: rows) else { return false }
            beta = 0
        } else {
            BLAS.dscal(n, 1 / beta, w)
        }
        if j + 1 < m {
            h[(j + 1) * m + j] = beta
            h[j * m + j + 1] = beta
        } else {
            lastBeta = beta
        }
        return true
    }

    /// Below this residual norm a Lanczos step is a breakdown (‖N‖ ≤ 1, so the scale is absolute).
    var breakdownThreshold: Double { max(1e-14, min(1e-10, 0.01 * tolerance)) }

    /// Overwrites `w` with a unit Gaussian vector orthogonal to the first `rows` basis rows;
    /// false when none exists (the rows span the whole space).
    private func replaceWithRandomDirection(_ w: UnsafeMutablePointer<Double>, rows: Int) -> Bool {
        if rows >= n { return false }
        for i in 0..<n { w[i] = rng.nextGaussian() }
        let before = BLAS.dnrm2(n, w)
        let norm = orthogonalize(w, rows: rows)
        if norm <= 1e-8 * before { return false }
        BLAS.dscal(n, 1 / norm, w)
        return true
    }

    /// Classical Gram–Schmidt of `w` against basis rows `0..<rows` (locked rows first), repeated
    /// (at most three passes) while a pass shrinks the norm below 1/√2 of what it was (Daniel, Gragg,
    /// Kaufman & Stewart 1976). The summed coefficients land in `coefficients[0..<rows]`.
    /// Returns `‖w‖`. Two `dgemv` over `rows · n` doubles per pass.
    func orthogonalize(_ w: UnsafeMutablePointer<Double>, rows: Int) -> Double {
        var norm = BLAS.dnrm2(n, w)
        for i in 0..<rows { coefficients[i] = 0 }
        guard rows > 0 else { return norm }
        var pass = [Double](repeating: 0, count: rows)
        for _ in 0..<3 {
            BLAS.dgemv(m: rows, n: n, a: basis, lda: n, x: w, y: &pass)
            BLAS.dgemv(transpose: true, m: rows, n: n, alpha: -1, a: basis, lda: n, x: pass, beta: 1, y: w)
            for i in 0..<rows { coefficients[i] += pass[i] }
            let after = BLAS.dnrm2(n, w)
            let enough = after > 0.7071 * norm
            norm = after
            if enough { break }
        }
        return norm
    }

    /// Eigenpairs of the active block of `H`, largest first: `values` `[a]`, `vectors` `[a, a]`
    /// row-major with column `t` belonging to `values[t]`.
    func rayleighRitz() throws -> (values: [Double], vectors: [Double]) {
        let a = active
        let m = basisSize
        var block = [Double](repeating: 0, count: a * a)
        for i in 0..<a { for j in 0..<a { block[i * a + j] = h[i * m + j] } }
        let e = try LAPACK.symmetricEigen(block, n: a)
        var values = [Double](repeating: 0, count: a)
        var vectors = [Double](repeating: 0, count: a * a)
        for t in 0..<a {
            let s = a - 1 - t
            values[t] = e.values[s]
            for i in 0..<a { vectors[i * a + t] = e.vectors[i * a + s] }
        }
        return (values, vectors)
    }

    /// Thick restart: Lanczos rows `0..<kept` become the leading Ritz vectors `V y_t` (one `dgemm`
    /// per block of columns, in place), row `kept` the residual direction, and `H` the diagonal of
    /// Ritz values with the couplings `β · y_t[last]` in row and column `kept`.
    func restart(_ ritz: (values: [Double], vectors: [Double]), keeping kept: Int) {
        let a = active
        let m = basisSize
        let width = 4096
        let block = UnsafeMutablePointer<Double>.allocate(capacity: kept * width)
        defer { block.deallocate() }
        ritz.vectors.withUnsafeBufferPointer { y in
            var c0 = 0
            while c0 < n {
                let bw = min(width, n - c0)
                BLAS.dgemm(
                    transposeA: true, m: kept, n: bw, k: a, a: y.baseAddress!, lda: a,
                    b: row(0) + c0, ldb: n, c: block, ldc: bw)
                for t in 0..<kept { (row(t) + c0).update(from: block + t * bw, count: bw) }
                c0 += bw
            }
        }
        if kept != a { row(kept).update(from: row(a), count: n) }
        for i in 0..<h.count { h[i] = 0 }
        for t in 0..<kept {
            h[t * m + t] = ritz.values[t]
            if kept < m {
                let s = lastBeta * ritz.vectors[(a - 1) * a + t]
                h[t * m + kept] = s
                h[kept * m + t] = s
            }
        }
        active = kept
    }

    /// The first `wanted` Lanczos rows as eigenpairs of `L_sym`, with Rayleigh quotients and
    /// residuals from one product by `N` each.
    func honestPairs() -> LanczosResult {
        var values = [Double]()
        var residuals = [Double]()
        for t in 0..<wanted {
            let r = op.laplacianResidual(row(t), y: work, scratch: scratch)
            values.append(r.value)
            residuals.append(r.residual)
        }
        matrixVectorProducts += wanted
        let vectors = Array(UnsafeBufferPointer(start: row(0), count: wanted * n))
        return LanczosResult(
            values: values, vectors: vectors, residuals: residuals,
            cycles: cycles, matrixVectorProducts: matrixVectorProducts)
    }
}
