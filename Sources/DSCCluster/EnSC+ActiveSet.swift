import Foundation

/// The state of one sample's oracle-guided active-set iterations.
struct ActiveSetState {
    /// `γ` of this sample.
    var gamma = 0.0
    /// The active set `T`.
    var support: [Int32] = []
    /// The elastic-net solution on `T`.
    var coefficients: [Double] = []
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
        ActiveSetRule(lambda: lambda, gamma: gamma, relative: gammaScale == .relative, supportSize: supportSize,
                      maxIterations: maxIterations, tolerance: tolerance, maxSweeps: maxSweeps)
    }

    /// EnSC codes for every sample of validated, loaded `data` (see the type's description).
    func code(_ data: SelfExpressiveSamples, progress: ProgressHandler?) -> SelfExpressiveCoefficients {
        let n = data.count, d = data.dimension
        let rule = activeSetRule, limit = maxNonzeros
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
    func step(_ s: inout ActiveSetState, sample i: Int, correlations h: UnsafePointer<Float>,
              next: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, n: Int, d: Int) -> Bool
    {
        let first = s.solves == 0 && s.delta.isEmpty
        var scale = 1.0
        if first {
            var largest: Float = 0
            for k in 0..<n where k != i { largest = max(largest, abs(h[k])) }
            if largest == 0 { s.converged = true; return false }  // x_j = 0 or orthogonal to all: c_j = 0
            s.gamma = relative ? gamma * lambda / Double(largest) : gamma
            scale = s.gamma
        }
        let added = violators(s, sample: i, correlations: h, scale: scale, exact: !first, x: x, n: n, d: d)
        if added.isEmpty { s.converged = true; return false }
        if s.solves >= maxIterations { return false }

        // T ← support of the last solution ∪ the strongest violators; warm start from the last c.
        var support: [Int32] = [], start: [Double] = []
        for (a, c) in zip(s.support, s.coefficients) where c != 0 { support.append(a); start.append(c) }
        support += added
        start += [Double](repeating: 0, count: added.count)
        let t = support.count, xi = x + i * d
        var gram = [Double](repeating: 0, count: t * t)
        for p in 0..<t {
            let xp = x + Int(support[p]) * d
            for r in 0...p {
                let g = doubleDot(xp, x + Int(support[r]) * d, d)
                gram[p * t + r] = g; gram[r * t + p] = g
            }
        }
        let rhs = support.map { doubleDot(x + Int($0) * d, xi, d) }
        let problem = ElasticNetSubproblem(size: t, gram: gram, rhs: rhs, lambda: lambda, gamma: s.gamma)
        let solution = ElasticNetSolver.solve(problem, start: start, tolerance: tolerance, maxSweeps: maxSweeps)
        s.support = support
        s.coefficients = solution.coefficients
        s.solves += 1
        s.sweeps += solution.sweeps

        // δ = γ(x_j − X_Tᵀ c_T), in Double.
        var delta = (0..<d).map { Double(xi[$0]) }
        for (a, c) in zip(support, solution.coefficients) where c != 0 {
            let row = x + Int(a) * d
            for r in 0..<d { delta[r] -= c * Double(row[r]) }
        }
        for r in 0..<d { delta[r] *= s.gamma; next[r] = Float(delta[r]) }
        s.delta = delta
        return true
    }

    /// The atoms `k ∉ T`, `k ≠ i`, with `scale·|h_k| > λ(1 + slack)`, strongest first, at most
    /// `max(supportSize − |support|, supportSize/4, 1)` of them. With `exact`, the Float correlations
    /// only screen (at `λ(1 − 1e-3)`) and each candidate's `|x_kᵀ δ|` is recomputed in Double.
    private func violators(_ s: ActiveSetState, sample i: Int, correlations h: UnsafePointer<Float>, scale: Double,
                           exact: Bool, x: UnsafePointer<Float>, n: Int, d: Int) -> [Int32]
    {
        let bound = lambda * (1 + slack)
        let screen = exact ? lambda * (1 - 1e-3) : bound
        let nonzeros = s.coefficients.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        var best = BestCandidates(limit: max(supportSize - nonzeros, supportSize / 4, 1))
        let inSet = s.support.sorted()
        s.delta.withUnsafeBufferPointer { delta in
            for k in 0..<n where k != i {
                var score = scale * Double(abs(h[k]))
                if !(score > screen) || Self.contains(inSet, Int32(k)) { continue }
                if exact {
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
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count && sorted[lo] == value
    }
}
