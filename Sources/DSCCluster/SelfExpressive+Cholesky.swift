/// The Cholesky factor `L` (lower triangular, `A = L Lᵀ`) of a small symmetric positive definite
/// matrix, grown one row and column at a time, in Double.
///
/// OMP appends one atom per iteration: with `w = L⁻¹ g` for the new column `g` of `A` (its inner
/// products with the atoms already in) and diagonal entry `a`, the new row of `L` is
/// `[wᵀ, √(a − wᵀw)]` — O(k²) per append instead of O(k³) per refactorisation. (EnSC's face step
/// factors a whole matrix at once and uses LAPACK's `dpotrf` instead.)
///
/// Sizes are the active sets of the coders (tens to a few hundred), so plain loops serve.
struct GrowingCholesky {
    /// Order of the factor so far.
    private(set) var count = 0
    /// Rows of `L`, packed: row `i` holds `L[i, 0...i]` at `i(i+1)/2`.
    private var packed: [Double] = []

    init(capacity: Int = 0) { packed.reserveCapacity(capacity * (capacity + 1) / 2) }

    /// Appends the column `g` (`[count]`, the new column of `A` above the diagonal) and the diagonal
    /// entry `diagonal`. Returns false, and leaves the factor unchanged, when the new pivot
    /// `a − wᵀw` is at most `relativeTolerance · a` (the column is, to that tolerance, a
    /// combination of the earlier ones, or `a ≤ 0`).
    mutating func append(_ g: UnsafePointer<Double>, diagonal: Double, relativeTolerance: Double = 1e-10) -> Bool {
        let k = count
        var w = [Double](repeating: 0, count: k + 1)
        var squared = 0.0
        for i in 0..<k {  // L w = g, forward substitution
            var s = g[i]
            let base = i * (i + 1) / 2
            for j in 0..<i { s -= packed[base + j] * w[j] }
            w[i] = s / packed[base + i]
            squared += w[i] * w[i]
        }
        let pivot = diagonal - squared
        if !(pivot > relativeTolerance * diagonal) || !(diagonal > 0) { return false }
        w[k] = pivot.squareRoot()
        packed += w
        count += 1
        return true
    }

    /// Overwrites `b` (`[count]`) with the solution of `L Lᵀ x = b`.
    func solve(_ b: UnsafeMutablePointer<Double>) {
        let k = count
        for i in 0..<k {  // L y = b
            let base = i * (i + 1) / 2
            var s = b[i]
            for j in 0..<i { s -= packed[base + j] * b[j] }
            b[i] = s / packed[base + i]
        }
        for i in stride(from: k - 1, through: 0, by: -1) {  // Lᵀ x = y
            var s = b[i]
            for j in (i + 1)..<max(i + 1, k) { s -= packed[j * (j + 1) / 2 + i] * b[j] }
            b[i] = s / packed[i * (i + 1) / 2 + i]
        }
    }

    /// The solution of `L Lᵀ x = b`.
    func solved(_ b: [Double]) -> [Double] {
        precondition(b.count == count, "GrowingCholesky.solved: b.count=\(b.count) != order \(count)")
        var x = b
        x.withUnsafeMutableBufferPointer { solve($0.baseAddress!) }
        return x
    }
}
