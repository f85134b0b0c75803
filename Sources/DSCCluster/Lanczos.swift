import DSCTensor
import Foundation

/// What the thick-restart Lanczos core returns: the wanted eigenpairs of `N` (largest first).
struct LanczosResult {
    /// Rayleigh quotients `λ = vᵀ L_sym v = 1 − vᵀ N v`, ascending up to rounding, `[wanted]`.
    var values: [Double]
    /// Ritz vectors as rows `[wanted, n]`, orthonormal and orthogonal to the locked vectors.
    var vectors: [Double]
    /// `‖N v − θ v‖₂` from an extra product each (equal to the `L_sym` residual).
    var residuals: [Double]
    var cycles: Int
    var matrixVectorProducts: Int
}

/// Thick-restart Lanczos with full reorthogonalisation for the `wanted` largest eigenpairs of the
/// normalised adjacency `N` (that is, the smallest of `L_sym = I − N`) on the orthogonal complement
/// of `locked` (rows `[lockedCount, n]`, orthonormal, invariant under `N`).
///
/// The method of Wu & Simon (SIAM J. Matrix Anal. Appl. 22(2), 2000). A cycle extends an orthonormal
/// basis `V` `[m, n]` by Lanczos steps until it holds `m` vectors; every new vector is orthogonalised
/// against all earlier ones and the locked ones (classical Gram–Schmidt by `dgemv`, repeated while the
/// norm drops by more than 1/√2), and the coefficients are kept in `H = Vᵀ N V`. Rayleigh–Ritz on
/// `H` (`dsyevr`) gives Ritz pairs `(θ, V y)` with residual norms `|β_m · y_m|` (the last component),
/// known without touching `V`. The restart keeps the `keep` largest Ritz vectors (`dgemm`, in place
/// by column blocks) and the last residual direction; `H` becomes diagonal plus one coupling row.
///
/// Cost per cycle: `m − keep` products by `N` (O(nnz) each) and O(n·m²) for the orthogonalisation.
/// Memory: `(lockedCount + m + 3) · n` doubles plus O(m²). Deterministic: the start vector and any
/// replacement after a breakdown come from `SeededGenerator(seed:)`.
///
/// Like every single-vector Krylov method it sees one vector per eigenspace: an eigenvalue of `N`
/// of multiplicity above one, other than the component null space deflated through `locked`, may be
/// returned with fewer copies than it has (exact multiplicity needs symmetric graphs such as cycles).
final class ThickRestartLanczos {
    let op: NormalizedAdjacency
    let n: Int
    let lockedCount: Int
    let wanted: Int
    /// `m`, the most Lanczos vectors held; `≤ n − lockedCount`.
    let basisSize: Int
    /// Ritz vectors kept at a restart, `wanted ≤ keep < m`.
    let keep: Int
    let tolerance: Double
    let maxCycles: Int
    let progress: ProgressHandler?

    var rng: SeededGenerator
    /// Rows: `lockedCount` locked vectors, then Lanczos vectors `0...m` (row `m` is the residual direction).
    let basis: UnsafeMutablePointer<Double>
    let scratch: UnsafeMutablePointer<Double>
    let work: UnsafeMutablePointer<Double>
    /// Projected matrix `H`, `[m, m]` row-major, kept symmetric.
    var h: [Double]
    /// Orthogonalisation coefficients, `[lockedCount + m + 1]`.
    var coefficients: [Double]
    /// Lanczos vectors currently in the basis (`m`, or fewer when the space is exhausted).
    var active = 0
    /// Norm of the residual direction after the last step (couples `v_m` to the basis).
    var lastBeta = 0.0
    var matrixVectorProducts = 0
    var cycles = 0

    /// `locked` rows `[lockedCount, n]`; requires `1 ≤ wanted ≤ n − lockedCount`.
    init(
        operator op: NormalizedAdjacency, locked: [Double], lockedCount: Int, wanted: Int, basisSize requested: Int,
        seed: UInt64, tolerance: Double, maxCycles: Int, progress: ProgressHandler?
    ) {
        let n = op.n
        precondition(
            wanted >= 1 && wanted <= n - lockedCount,
            "ThickRestartLanczos: wanted=\(wanted) outside 1...\(n - lockedCount)")
        precondition(
            locked.count == lockedCount * n, "ThickRestartLanczos: locked.count=\(locked.count) != \(lockedCount)·\(n)")
        self.op = op
        self.n = n
        self.lockedCount = lockedCount
        self.wanted = wanted
        basisSize = min(max(requested, wanted + 1), n - lockedCount)
        keep = min(basisSize - 1, wanted + (basisSize - wanted) / 2)
        self.tolerance = tolerance
        self.maxCycles = maxCycles
        self.progress = progress
        rng = SeededGenerator(seed: seed)
        let rows = lockedCount + basisSize + 1
        let storage = UnsafeMutablePointer<Double>.allocate(capacity: rows * n)
        storage.initialize(repeating: 0, count: rows * n)
        if lockedCount > 0 {
            locked.withUnsafeBufferPointer { storage.update(from: $0.baseAddress!, count: lockedCount * n) }
        }
        basis = storage
        scratch = .allocate(capacity: n)
        work = .allocate(capacity: n)
        h = [Double](repeating: 0, count: basisSize * basisSize)
        coefficients = [Double](repeating: 0, count: rows)
    }

    deinit {
        basis.deallocate()
        scratch.deallocate()
        work.deallocate()
    }

    /// Lanczos vector `j` (0-based, after the locked rows).
    @inline(__always) func row(_ j: Int) -> UnsafeMutablePointer<Double> { basis + (lockedCount + j) * n }

    /// Runs cycles until the `wanted` Ritz pairs have residual ≤ `tolerance` (checked with an extra
    /// product each) or `maxCycles` cycles have run.
    /// - Throws: ``EigensolverError/notConverged(count:converged:residual:)``, or a LAPACK failure.
    func run() throws -> LanczosResult {
        startVector()
        var start = 0
        var threshold = tolerance
        var estimates = [Double](repeating: .infinity, count: wanted)
        var firstWorst: Double?
        var reported = 0.0
        while cycles < maxCycles {
            cycles += 1
            extend(from: start)
            let ritz = try rayleighRitz()
            estimates = (0..<wanted).map { abs(lastBeta * ritz.vectors[(active - 1) * active + $0]) }
            let worst = estimates.max() ?? 0
            reported = report(worst: worst, first: &firstWorst, reported: reported)
            let converged = worst <= threshold
            let kept = min(active, converged ? max(wanted, keep) : keep)
            restart(ritz, keeping: kept)
            start = kept
            if converged {
                let result = honestPairs()
                if result.residuals.allSatisfy({ $0 <= tolerance }) { return result }
                threshold = max(threshold * 0.1, 1e-15)
            }
        }
        throw EigensolverError.notConverged(
            count: lockedCount + wanted,
            converged: lockedCount + estimates.filter { $0 <= tolerance }.count,
            residual: estimates.max() ?? .infinity)
    }

    /// Progress from the worst residual estimate on a log scale between the first cycle's and the
    /// tolerance; never decreasing.
    private func report(worst: Double, first: inout Double?, reported: Double) -> Double {
        guard let progress else { return reported }
        let start = first ?? max(worst, tolerance * 10)
        first = start
        let span = log(start / tolerance)
        let done = span > 0 ? log(start / max(worst, tolerance)) / span : 1
        let fraction = max(reported, min(0.99, max(0, done)))
        progress("eigen", fraction)
        return fraction
    }

    /// A Gaussian start vector orthogonal to the locked rows.
    private func startVector() {
        for attempt in 0..<8 {
            let v = row(0)
            for i in 0..<n { v[i] = rng.nextGaussian() }
            let before = BLAS.dnrm2(n, v)
            let norm = orthogonalize(v, rows: lockedCount)
            if norm > 1e-8 * before || attempt == 7 {
                BLAS.dscal(n, 1 / max(norm, .leastNormalMagnitude), v)
                return
            }
        }
    }
}
