import DSCTensor
import Foundation

/// The state of one sample's orthogonal matching pursuit.
struct PursuitState {
    /// Chosen atoms, in the order chosen.
    var atoms: [Int32] = []
    /// Cholesky factor of the Gram matrix `X_S X_Sᵀ` of the chosen atoms.
    var factor = GrowingCholesky()
    /// `X_S x_j`, the right-hand side of the normal equations.
    var rhs: [Double] = []
    /// Least-squares coefficients of the chosen atoms.
    var coefficients: [Double] = []
    /// `‖x_j‖₂`.
    var norm = 0.0
}

extension SSCOMP {
    /// OMP for every sample of validated, loaded `data` (see the type's description).
    func code(_ data: SelfExpressiveSamples, progress: ProgressHandler?) -> SelfExpressiveCoefficients {
        let n = data.count
        let d = data.dimension
        let kMax = min(maxAtoms, n - 1)
        let tolerance = residualTolerance
        let blocks = SelfExpressiveBlocks(samples: data, blockSize: blockSize)
        let (rows, stats) = data.data.withUnsafeBufferPointer { buffer in
            let x = buffer.baseAddress!
            return blocks.run(
                stage: "coefficients", progress: progress,
                start: { i in
                    var s = PursuitState()
                    s.norm = doubleDot(x + i * d, x + i * d, d).squareRoot()
                    return s
                },
                step: { state, i, h, next in
                    Self.pursuitStep(
                        &state, sample: i, correlations: h, next: next, x: x, n: n, d: d,
                        maxAtoms: kMax, tolerance: tolerance)
                },
                finish: { state, _ in
                    var row = coefficientRow(ids: state.atoms, values: state.coefficients, limit: nil)
                    row.iterations = state.atoms.count
                    return row
                })
        }
        return SelfExpressiveCoefficients(matrix: SelfExpressiveBlocks.matrix(rows), stats: stats)
    }

    /// One OMP iteration for sample `i`: `h = X · r` (`[n]`) for the current residual `r`.
    /// Returns false when the pursuit is over, true after writing the new residual to `next`.
    static func pursuitStep(
        _ s: inout PursuitState, sample i: Int, correlations h: UnsafePointer<Float>,
        next: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, n: Int, d: Int,
        maxAtoms: Int, tolerance: Double
    ) -> Bool {
        if s.norm == 0 { return false }
        // The atom most correlated with the residual; self and chosen atoms excluded.
        var best = -1
        var bestValue: Float = 0
        for k in 0..<n where k != i {
            let v = abs(h[k])
            if v > bestValue && !s.atoms.contains(Int32(k)) {
                best = k
                bestValue = v
            }
        }
        if best < 0 { return false }
        let atom = x + best * d
        let xi = x + i * d
        var g = s.atoms.map { doubleDot(atom, x + Int($0) * d, d) }
        let grown = g.withUnsafeBufferPointer { s.factor.append($0.baseAddress!, diagonal: doubleDot(atom, atom, d)) }
        if !grown { return false }
        s.atoms.append(Int32(best))
        s.rhs.append(doubleDot(atom, xi, d))
        s.coefficients = s.factor.solved(s.rhs)
        // r = x_i − Σ c_a x_a, in Double.
        g = (0..<d).map { Double(xi[$0]) }
        for (a, c) in zip(s.atoms, s.coefficients) {
            let row = x + Int(a) * d
            for t in 0..<d { g[t] -= c * Double(row[t]) }
        }
        let residual = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if residual <= tolerance * s.norm || s.atoms.count >= maxAtoms { return false }
        for t in 0..<d { next[t] = Float(g[t]) }
        return true
    }
}
