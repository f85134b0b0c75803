import DSCTensor
import Foundation

/// The state of one sample's oracle-guided active-set iterations.
struct ActiveSetState {
    /// `γ` of this sample.
    var gamma = 0.0
    /// The active set `T`.
    var support: [Int32] = []
    /// The elastic-net solution on `T`.
    var coefficients: [Double] = []
    /// `X_T X_Tᵀ` `[|T|, |T|]` and `X_T x_j` `[|T|]`, kept so the next active set reuses the rows of
    /// the atoms it keeps.
    var gram: [Double] = []
    var rhs: [Double] = []
    /// The oracle point `δ = γ(x_j − X_Tᵀ c_T)`, `[D]`.
    var delta: [Double] = []
    /// Active-set solves so far.
    var solves = 0
    /// Coordinate-descent sweeps so far.
    var sweeps = 0
    /// Whether no atom violated the optimality conditions at the last check.
    var converged = false
}

/// The settings of the active-set iterations, copied out of ``ElasticNetSubspaceClustering`` for
/// the workers.
struct ActiveSetRule {
    let lambda: Double
    let gamma: Double
    let relative: Bool
    let supportSize: Int
    let maxIterations: Int
    let tolerance: Double
    let maxSweeps: Int
    /// Relative slack of the violation test `|x_kᵀ δ| > λ(1 + slack)`.
    let slack = 1e-6
}

extension ElasticNetSubspaceClustering {
    var activeSetRule: ActiveSetRule {
        ActiveSetRule(
            lambda: lambda, gamma: gamma, relative: gammaScale == .relative, supportSize: supportSize,
            maxIterations: maxIterations, tolerance: tolerance, maxSweeps: maxSweeps)
    }

    /// EnSC codes for every sample of validated, loaded `data` (see the type's description).
    func code(_ data: SelfExpressiveSamples, progress: ProgressHandler?) -> SelfExpressiveCoefficients {
        let n = data.count
        let d = data.dimension
        let rule = activeSetRule
        let limit = maxNonzeros
        let blocks = SelfExpressiveBlocks(samples: data, blockSize: blockSize)
        let (rows, stats) = data.data.withUnsafeBufferPointer { buffer in
            let x = buffer.baseAddress!
            return blocks.run(
                stage: "coefficients", progress: progress,
                start: { _ in ActiveSetState() },
                step: { state, i, h, next in
                    rule.step(&state, sample: i, correlations: h, next: next, x: x, n: n, d: d)
                },
                finish: { state, _ in
                    var row = coefficientRow(ids: state.support, values: state.coefficients, limit: limit)
                    row.iterations = state.solves
                    row.innerIterations = state.sweeps
                    row.converged = state.converged
                    return row
                })
        }
        return SelfExpressiveCoefficients(matrix: SelfExpressiveBlocks.matrix(rows), stats: stats)
    }
}

extension ActiveSetRule {
    /// One check-and-solve round for sample `i`. `h = X · q` (`[n]`) for the last query: the sample
    /// itself in the first round, then the oracle point `δ`. Returns false when the sample is done,
    /// true after solving on the new active set and writing the new `δ` to `next`.
    func step(
        _ s: inout ActiveSetState, sample i: Int, correlations h: UnsafePointer<Float>,
        next: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, n: Int, d: Int
    ) -> Bool {
        let first = s.solves == 0 && s.delta.isEmpty
        var scale = 1.0
        if first {
            var largest: Float = 0
            for k in 0..<n where k != i { largest = max(largest, abs(h[k])) }
            if largest == 0 {
                s.converged = true
                return false
            }  // x_j = 0 or orthogonal to all: c_j = 0
            s.gamma = relative ? gamma * lambda / Double(largest) : gamma
            scale = s.gamma
        }
        let added = violators(s, sample: i, correlations: h, scale: scale, exact: !first, x: x, n: n, d: d)
        if added.isEmpty || s.solves >= maxIterations {
            s.converged = added.isEmpty
            s.gram = []
            s.rhs = []
            s.delta = []  // done: free the working memory
            return false
        }

        // T ← support of the last solution ∪ the strongest violators; warm start from the last c.
        let kept = s.coefficients.indices.filter { s.coefficients[$0] != 0 }
        let support = kept.map { s.support[$0] } + added
        let t = support.count
        let old = s.support.count
        let xi = x + i * d
        var start = [Double](repeating: 0, count: t)
        var gram = [Double](repeating: 0, count: t * t)
        var rhs = [Double](repeating: 0, count: t)
        for (p, o) in kept.enumerated() {
            start[p] = s.coefficients[o]
            rhs[p] = s.rhs[o]
            for (r, u) in kept.enumerated() { gram[p * t + r] = s.gram[o * old + u] }
        }
        newGramRows(&gram, rhs: &rhs, support: support, from: kept.count, sample: i, x: x, d: d)
        let problem = ElasticNetSubproblem(size: t, gram: gram, rhs: rhs, lambda: lambda, gamma: s.gamma)
        let solution = ElasticNetSolver.solve(problem, start: start, tolerance: tolerance, maxSweeps: maxSweeps)
        s.support = support
        s.coefficients = solution.coefficients
        s.gram = gram
        s.rhs = rhs
        s.solves += 1
        s.sweeps += solution.sweeps

        // δ = γ(x_j − X_Tᵀ c_T), in Double.
        var delta = (0..<d).map { Double(xi[$0]) }
        for (a, c) in zip(support, solution.coefficients) where c != 0 {
            let row = x + Int(a) * d
            for r in 0..<d { delta[r] -= c * Double(row[r]) }
        }
        for r in 0..<d {
            delta[r] *= s.gamma
            next[r] = Float(delta[r])
        }
        s.delta = delta
        return true
    }

    /// Fills rows and columns `first..<t` of the Gram matrix `gram` (`[t, t]`) of the atoms
    /// `support`, and `rhs[first..<t]` with their inner products with sample `i`, by one dgemm of
    /// the new atoms' rows against all of `support`'s (in Double).
    private func newGramRows(
        _ gram: inout [Double], rhs: inout [Double], support: [Int32], from first: Int,
        sample i: Int, x: UnsafePointer<Float>, d: Int
    ) {
        let t = support.count
        let m = t - first
        if m <= 0 { return }
        // Rows of the atoms as Double, [t + 1, d]; the last row is x_i.
        var rows = [Double](repeating: 0, count: (t + 1) * d)
        for (p, a) in (support + [Int32(i)]).enumerated() {
            let source = x + Int(a) * d
            for c in 0..<d { rows[p * d + c] = Double(source[c]) }
        }
        var block = [Double](repeating: 0, count: m * (t + 1))
        rows.withUnsafeBufferPointer { r in
            block.withUnsafeMutableBufferPointer { b in
                BLAS.dgemm(
                    transposeB: true, m: m, n: t + 1, k: d, a: r.baseAddress! + first * d, lda: d,
                    b: r.baseAddress!, ldb: d, c: b.baseAddress!, ldc: t + 1)
            }
        }
        for p in first..<t {
            let row = (p - first) * (t + 1)
            for r in 0..<t {
                gram[p * t + r] = block[row + r]
                gram[r * t + p] = block[row + r]
            }
            rhs[p] = block[row + t]
        }
    }

    /// The atoms `k ∉ T`, `k ≠ i`, with `scale·|h_k| > λ(1 + slack)`, strongest first, at most
    /// `max(supportSize − |support|, supportSize/4, 1)` of them. With `exact`, a Float score above
    /// `λ(1 + 1e-3)` counts as a violation as it stands, and one in `(λ(1 − 1e-3), λ(1 + 1e-3)]` gets
    /// `|x_kᵀ δ|` recomputed in Double (the band is wider than the Float rounding for unit-norm
    /// samples), so the test that ends a sample stays exact; violators are ranked by those scores.
    private func violators(
        _ s: ActiveSetState, sample i: Int, correlations h: UnsafePointer<Float>, scale: Double,
        exact: Bool, x: UnsafePointer<Float>, n: Int, d: Int
    ) -> [Int32] {
        let bound = lambda * (1 + slack)
        let screen = exact ? lambda * (1 - 1e-3) : bound
        let certain = lambda * (1 + 1e-3)
        let nonzeros = s.coefficients.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        var best = BestCandidates(limit: max(supportSize - nonzeros, supportSize / 4, 1))
        let inSet = s.support.sorted()
        s.delta.withUnsafeBufferPointer { delta in
            for k in 0..<n where k != i {
                var score = scale * Double(abs(h[k]))
                if !(score > screen) || Self.contains(inSet, Int32(k)) { continue }
                if exact && score <= certain {
                    score = abs(doubleDot(x + k * d, delta.baseAddress!, d))
                    if !(score > bound) { continue }
                }
                best.offer(Int32(k), score: score)
            }
        }
        return best.sortedIds()
    }

    /// Binary search in an ascending array.
    private static func contains(_ sorted: [Int32], _ value: Int32) -> Bool {
        var lo = 0
        var hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count && sorted[lo] == value
    }
}
