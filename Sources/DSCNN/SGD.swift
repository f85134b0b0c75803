import DSCTensor

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// exactly as PyTorch's `torch.optim.SGD` (dampening 0):
///
///     g ← g + weightDecay · p
///     buf ← momentum · buf + g            (buf starts at 0, so buf₁ = g₁)
///     d ← nesterov ? g + momentum · buf : buf      (d = g without momentum)
///     p ← p − lr · d
///
/// Slot: `momentum` (only when `momentum > 0`).
public final class SGD: Optimizer {
    public var momentum: Float
    public var nesterov: Bool
    public var weightDecay: Float

    /// - Precondition: `momentum ≥ 0`, `weightDecay ≥ 0`; Nesterov needs `momentum > 0`.
    public init(
        learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0,
        schedule: LRSchedule? = nil
    ) {
        precondition(
            momentum >= 0 && weightDecay >= 0, "SGD: momentum=\(momentum) weightDecay=\(weightDecay) must be >= 0")
        precondition(!nesterov || momentum > 0, "SGD: nesterov needs momentum > 0 (momentum=\(momentum))")
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        super.init(learningRate: learningRate, schedule: schedule)
    }

    public override var slotNames: [String] { momentum > 0 ? ["momentum"] : [] }

    public override var summary: String {
        "SGD(learningRate: \(learningRate), momentum: \(momentum), nesterov: \(nesterov), weightDecay: \(weightDecay))"
    }

    public override func applyUpdate(
        to p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
        state: ParameterState, learningRate lr: Float, step: Int
    ) {
        let wd = weightDecay
        let mu = momentum
        guard mu > 0 else {
            for i in 0..<p.count { p[i] -= lr * (g[i] + wd * p[i]) }
            return
        }
        state.withSlot("momentum") { buf in
            for i in 0..<p.count {
                let gi = g[i] + wd * p[i]
                buf[i] = mu * buf[i] + gi
                p[i] -= lr * (nesterov ? gi + mu * buf[i] : buf[i])
            }
        }
    }
}
