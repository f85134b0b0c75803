/// A small elastic-net problem in Gram form, the subproblem EnSC solves on an active set `T`:
///
///     minimise  λ‖c‖₁ + (1−λ)/2 ‖c‖₂² + γ/2 (cᵀ G c − 2 bᵀ c)
///
/// with `G = X_T X_Tᵀ` (`[t, t]`, symmetric positive semi-definite) and `b = X_T x` (`[t]`), which
/// is `λ‖c‖₁ + (1−λ)/2‖c‖² + γ/2‖x − X_Tᵀ c‖²` up to the constant `γ/2‖x‖²`.
struct ElasticNetSubproblem {
    let size: Int
    /// `G`, `[size, size]` row-major.
    let gram: [Double]
    /// `b`, `[size]`.
    let rhs: [Double]
    /// `λ ∈ (0, 1]`.
    let lambda: Double
    /// `γ > 0`.
    let gamma: Double

    /// The objective at `c` (without the constant `γ/2‖x‖²`).
    func objective(_ c: [Double]) -> Double {
        var l1 = 0.0, l2 = 0.0, quadratic = 0.0, linear = 0.0
        for k in 0..<size {
            l1 += abs(c[k]); l2 += c[k] * c[k]; linear += rhs[k] * c[k]
            var gc = 0.0
            for l in 0..<size { gc += gram[k * size + l] * c[l] }
            quadratic += c[k] * gc
        }
        return lambda * l1 + (1 - lambda) / 2 * l2 + gamma / 2 * (quadratic - 2 * linear)
    }
}

/// Solves an ``ElasticNetSubproblem`` by cyclic coordinate descent finished by an exact step.
///
/// Coordinate descent (Friedman, Hastie & Tibshirani 2010) keeps `q = b − G c` and updates
/// `c_k ← S(γ(q_k + G_kk c_k), λ) / (γ G_kk + 1 − λ)` with the soft threshold
/// `S(z, λ) = sign(z)·max(|z| − λ, 0)`, O(t) per coordinate. Once the support and signs settle,
/// the optimum is the solution of the linear system on the support `A` with signs `s`:
/// `(γ G_AA + (1−λ) I) c_A = γ b_A − λ s`. The solver tries that exact step (a Cholesky solve) when
/// the steps have become small, and every 10 sweeps; it is kept only when it reproduces the signs
/// and satisfies the optimality conditions of the atoms off the support
/// (`γ|b_k − G_kA c_A| ≤ λ`), which makes it the optimum to rounding. Otherwise descent goes on
/// until the largest step is at most `tolerance · max|c|` or `maxSweeps` sweeps have run.
enum ElasticNetSolver {
    struct Solution {
        var coefficients: [Double]
        var sweeps: Int
        var converged: Bool
    }

    static func solve(_ p: ElasticNetSubproblem, start: [Double], tolerance: Double, maxSweeps: Int) -> Solution {
        let t = p.size, gamma = p.gamma, lambda = p.lambda, ridge = 1 - p.lambda
        precondition(start.count == t, "ElasticNetSolver: start.count=\(start.count) != size=\(t)")
        if t == 0 { return Solution(coefficients: [], sweeps: 0, converged: true) }
        var c = start
        var q = p.rhs
        for k in 0..<t where c[k] != 0 {
            for l in 0..<t { q[l] -= p.gram[k * t + l] * c[k] }
        }
        var lastTried: [Int] = [-1]
        for sweep in 1...max(1, maxSweeps) {
            var maxStep = 0.0, maxC = 0.0
            for k in 0..<t {
                let gkk = p.gram[k * t + k]
                let denominator = gamma * gkk + ridge
                if !(denominator > 0) { continue }  // a zero atom under the pure lasso keeps c_k = 0
                let z = gamma * (q[k] + gkk * c[k])
                let updated = z > lambda ? (z - lambda) / denominator : (z < -lambda ? (z + lambda) / denominator : 0)
                let step = updated - c[k]
                if step != 0 {
                    for l in 0..<t { q[l] -= p.gram[k * t + l] * step }
                    c[k] = updated
                }
                maxStep = max(maxStep, abs(step)); maxC = max(maxC, abs(updated))
            }
            let converged = maxStep <= tolerance * maxC
            if converged || maxStep <= 1e-3 * maxC || sweep % 10 == 0 {
                let support = (0..<t).filter { c[$0] != 0 }
                if support != lastTried || converged {
                    lastTried = support
                    if let exact = exactStep(p, support: support, signs: support.map { c[$0] > 0 ? 1 : -1 }) {
                        return Solution(coefficients: exact, sweeps: sweep, converged: true)
                    }
                }
            }
            if converged { return Solution(coefficients: c, sweeps: sweep, converged: true) }
        }
        return Solution(coefficients: c, sweeps: maxSweeps, converged: false)
    }

    /// The optimum if its support is `support` with `signs`, else nil (see the type's description).
    static func exactStep(_ p: ElasticNetSubproblem, support: [Int], signs: [Double]) -> [Double]? {
        let t = p.size, a = support.count
        var c = [Double](repeating: 0, count: t)
        if a > 0 {
            var factor = GrowingCholesky(capacity: a)
            var column = [Double](repeating: 0, count: a)
            for i in 0..<a {
                for j in 0..<i { column[j] = p.gamma * p.gram[support[i] * t + support[j]] }
                let diagonal = p.gamma * p.gram[support[i] * t + support[i]] + (1 - p.lambda)
                let grown = column.withUnsafeBufferPointer { factor.append($0.baseAddress!, diagonal: diagonal,
                                                                           relativeTolerance: 1e-12) }
                if !grown { return nil }
            }
            var solution = (0..<a).map { p.gamma * p.rhs[support[$0]] - p.lambda * signs[$0] }
            solution = factor.solved(solution)
            for i in 0..<a {
                if !(solution[i] * signs[i] > 0) { return nil }
                c[support[i]] = solution[i]
            }
        }
        // Off the support: |γ (b_k − G_kA c_A)| ≤ λ.
        let bound = p.lambda * (1 + 1e-9)
        var onSupport = [Bool](repeating: false, count: t)
        for k in support { onSupport[k] = true }
        for k in 0..<t where !onSupport[k] {
            var r = p.rhs[k]
            for l in support { r -= p.gram[k * t + l] * c[l] }
            if abs(p.gamma * r) > bound { return nil }
        }
        return c
    }
}
