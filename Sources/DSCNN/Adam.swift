import DSCTensor

#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif

/// Adam (Kingma & Ba, 2015) as PyTorch's `torch.optim.Adam`, with optional L2 weight decay
/// added to the gradient:
///
///     g ← g + weightDecay · p
///     m ← β₁ · m + (1 − β₁) · g
///     v ← β₂ · v + (1 − β₂) · g²
///     p ← p − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
///
/// with `t` the 1-based update count. Slots: `m`, `v`. Defaults `betas = (0.9, 0.999)`, `ε = 1e-8`.
public class Adam: Optimizer {
    public var betas: (Float, Float)
    public var epsilon: Float
    public var weightDecay: Float
    /// AdamW: decay the weights directly instead of adding `weightDecay · p` to the gradient.
    let decoupled: Bool

    /// - Precondition: `0 ≤ β < 1`, `epsilon > 0`, `weightDecay ≥ 0`.
    public convenience init(
        learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), epsilon: Float = 1e-8,
        weightDecay: Float = 0, schedule: LRSchedule? = nil
    ) {
        self.init(
            learningRate: learningRate, betas: betas, epsilon: epsilon, weightDecay: weightDecay,
            decoupled: false, schedule: schedule)
    }

    init(
        learningRate: Float, betas: (Float, Float), epsilon: Float, weightDecay: Float, decoupled: Bool,
        schedule: LRSchedule?
    ) {
        precondition(
            (0..<1).contains(betas.0) && (0..<1).contains(betas.1),
            "Adam: betas=\(betas) must lie in [0, 1)")
        precondition(
            epsilon > 0 && weightDecay >= 0, "Adam: epsilon=\(epsilon) must be > 0, weightDecay=\(weightDecay) >= 0")
        self.betas = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        super.init(learningRate: learningRate, schedule: schedule)
    }

    public override var slotNames: [String] { ["m", "v"] }

    public override var summary: String {
        "\(decoupled ? "AdamW" : "Adam")(learningRate: \(learningRate), betas: (\(betas.0), \(betas.1)), epsilon: \(epsilon), weightDecay: \(weightDecay))"
    }

    public override func applyUpdate(
        to p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
        state: ParameterState, learningRate lr: Float, step: Int
    ) {
        let (b1, b2) = betas
        let eps = epsilon
        let wd = weightDecay
        let correction1 = 1 - pow(b1, Float(step))
        let correction2 = 1 - pow(b2, Float(step))
        let stepSize = lr / correction1
        let invRoot2 = 1 / correction2.squareRoot()
        let shrink = decoupled ? 1 - lr * wd : 1
        let l2 = decoupled ? 0 : wd
        state.withSlots("m", "v") { m, v in
            for i in 0..<p.count {
                let pi = p[i] * shrink
                let gi = g[i] + l2 * pi
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                p[i] = pi - stepSize * m[i] / (v[i].squareRoot() * invRoot2 + eps)
            }
        }
    }
}

/// AdamW (Loshchilov & Hutter, 2019) as PyTorch's `torch.optim.AdamW`: weight decay decoupled
/// from the gradient, `p ← p · (1 − lr · weightDecay)`, then the ``Adam`` update without L2 term.
/// Default `weightDecay = 0.01` (PyTorch's).
public final class AdamW: Adam {
    /// - Precondition: as ``Adam``.
    public init(
        learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999), epsilon: Float = 1e-8,
        weightDecay: Float = 0.01, schedule: LRSchedule? = nil
    ) {
        super.init(
            learningRate: learningRate, betas: betas, epsilon: epsilon, weightDecay: weightDecay,
            decoupled: true, schedule: schedule)
    }
}
