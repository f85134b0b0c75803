import DSCTensor

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
        var l1 = 0.0
        var l2 = 0.0
        var quadratic = 0.0
        var linear = 0.0
        for k in 0..<size {
            l1 += abs(c[k])
            l2 += c[k] * c[k]
            linear += rhs[k] * c[k]
            var gc = 0.0
            for l in 0..<size { gc += gram[k * size + l] * c[l] }
            quadratic += c[k] * gc
        }
        return lambda * l1 + (1 - lambda) / 2 * l2 + gamma / 2 * (quadratic - 2 * linear)
    }
}

/// Solves an ``ElasticNetSubproblem`` by cyclic coordinate descent accelerated by exact steps on
/// the current orthant face.
///
/// Coordinate descent (Friedman, Hastie & Tibshirani 2010) keeps `q = b − G c` and updates
/// `c_k ← S(γ(q_k + G_kk c_k), λ) / (γ G_kk + 1 − λ)` with the soft threshold
/// `S(z, λ) = sign(z)·max(|z| − λ, 0)`, O(t) per changed coordinate.
///
/// Every few sweeps a face step (as in Lee et al.'s feature-sign search, NIPS 2006): with `A` the
/// support of `c` and `s` its signs, the objective restricted to that orthant face is the
/// quadratic minimised by `(γ G_AA + (1−λ) I) ĉ_A = γ b_A − λ s` (a Cholesky solve, LAPACK's
/// `dpotrf` and `dpotrs`). If `ĉ_A` keeps the signs `s` and the atoms off `A` satisfy
/// `γ|b_k − G_kA ĉ_A| ≤ λ`, `ĉ` is the optimum to rounding and the solver returns it. Otherwise
/// `c` moves toward `ĉ` up to the first coordinate that reaches zero (that coordinate leaves the
/// support): the objective is convex along the segment and least at `ĉ`, so the move never
/// increases it. Descent goes on until a face step succeeds, or the largest step of a sweep is at
/// most `tolerance · max|c|` (then `c` is returned as converged), or after `maxSweeps` sweeps.
enum ElasticNetSolver {
    struct Solution {
        var coefficients: [Double]
        var sweeps: Int
        var converged: Bool
    }

    /// Sweeps between face steps while the coordinate steps are still large.
    static let faceStepInterval = 4

    static func solve(_ p: ElasticNetSubproblem, start: [Double], tolerance: Double, maxSweeps: Int) -> Solution {
        let t = p.size
        let gamma = p.gamma
        let lambda = p.lambda
        let ridge = 1 - p.lambda
        precondition(start.count == t, "ElasticNetSolver: start.count=\(start.count) != size=\(t)")
        if t == 0 { return Solution(coefficients: [], sweeps: 0, converged: true) }
        var c = start
        var q = [Double](repeating: 0, count: t)
        func refreshGradient() {
            for k in 0..<t { q[k] = p.rhs[k] }
            for k in 0..<t where c[k] != 0 {
                for l in 0..<t { q[l] -= p.gram[k * t + l] * c[k] }
            }
        }
        refreshGradient()
        for sweep in 1...max(1, maxSweeps) {
            var maxStep = 0.0
            var maxC = 0.0
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
                maxStep = max(maxStep, abs(step))
                maxC = max(maxC, abs(updated))
            }
            let converged = maxStep <= tolerance * maxC
            if converged || sweep % faceStepInterval == 0 || maxStep <= 1e-3 * maxC {
                switch faceStep(p, from: c) {
                case .optimal(let exact): return Solution(coefficients: exact, sweeps: sweep, converged: true)
                case .moved(let moved):
                    c = moved
                    refreshGradient()
                case .none: break
                }
            }
            if converged { return Solution(coefficients: c, sweeps: sweep, converged: true) }
        }
        return Solution(coefficients: c, sweeps: maxSweeps, converged: false)
    }

    enum FaceStep {
        /// The optimum.
        case optimal([Double])
        /// A point with no larger objective on the way to the face's minimiser.
        case moved([Double])
        /// The face's system is singular (pure lasso with dependent atoms): no step.
        case none
    }

    /// The face step from `c` (see the type's description).
    static func faceStep(_ p: ElasticNetSubproblem, from c: [Double]) -> FaceStep {
        let t = p.size
        let support = (0..<t).filter { c[$0] != 0 }
        let a = support.count
        var target = [Double](repeating: 0, count: t)
        if a > 0 {
            var system = [Double](repeating: 0, count: a * a)
            for i in 0..<a {
                for j in 0...i { system[i * a + j] = p.gamma * p.gram[support[i] * t + support[j]] }
                system[i * a + i] += 1 - p.lambda
            }
            let rhs = support.map { p.gamma * p.rhs[$0] - p.lambda * (c[$0] > 0 ? 1 : -1) }
            guard let solution = LAPACK.choleskySolve(system, n: a, rhs, relativeTolerance: 1e-12) else { return .none }
            for i in 0..<a { target[support[i]] = solution[i] }
        }
        // The first zero crossing on the segment c → target, if any.
        var theta = 1.0
        var crossing = -1
        for k in support where target[k] * c[k] <= 0 {
            let at = c[k] / (c[k] - target[k])
            if at < theta {
                theta = at
                crossing = k
            }
        }
        if crossing >= 0 {
            var moved = c
            for k in support { moved[k] = c[k] + theta * (target[k] - c[k]) }
            moved[crossing] = 0
            for k in support where moved[k] * c[k] <= 0 { moved[k] = 0 }
            return .moved(moved)
        }
        // Same signs: optimal iff the atoms off the support satisfy |γ (b_k − G_kA c_A)| ≤ λ.
        let bound = p.lambda * (1 + 1e-9)
        for k in 0..<t where target[k] == 0 {
            var r = p.rhs[k]
            for l in support { r -= p.gram[k * t + l] * target[l] }
            if abs(p.gamma * r) > bound { return .moved(target) }
        }
        return .optimal(target)
    }
}
