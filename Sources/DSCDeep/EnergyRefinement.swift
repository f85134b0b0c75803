import DSCCluster
import DSCNN
import DSCTensor

/// Fits the energy network to the final embeddings before the coding of all N samples.
///
/// During training the energy network learns on embeddings of augmented views from an encoder
/// that is still changing, against a queue filled by earlier batches; the final coding uses the
/// clean evaluation-mode embeddings of the finished encoder. Refinement closes that gap: with the
/// embeddings `z` `[N, d]` frozen, it runs `steps` AdamW steps (warm-up + cosine) of the same
/// self-expression loss, each on a random batch of `B` samples coded against a random dictionary
/// of `M` other samples (memory O(B·M), never N×N). Its effect on the clustering is measured in
/// notebooks-md/mnist.md.
public struct EnergyRefinement {
    /// AdamW steps; 0 leaves the energy network as trained.
    public var steps: Int
    public var batchSize: Int
    public var dictionarySize: Int
    public var learningRate: Float
    public var weightDecay: Float
    public var gamma: Float
    public var lambda: Float
    public var seed: UInt64

    /// The refinement a configuration asks for samples of `kind` (its steps, batch, dictionary,
    /// optimiser, loss and seed).
    public init(_ c: EBSCConfiguration, kind: SampleKind) {
        steps = c.settings(for: kind).refineSteps
        batchSize = c.batchSize
        dictionarySize = c.queueSize
        learningRate = c.settings(for: kind).learningRate
        weightDecay = c.weightDecay
        gamma = c.gamma
        lambda = c.lambda
        seed = c.seed
    }

    /// Trains `energy` in place on the `n` embeddings `z` (`[n, d]` row-major); returns the loss of
    /// every step. Fewer than 4 samples: nothing to do. `progress` gets the stage "refine".
    @discardableResult
    public func fit(
        _ energy: EnergyNetwork, embeddings z: [Float], count n: Int,
        progress: ProgressHandler? = nil
    ) -> [Double] {
        guard steps > 0, n >= 4 else { return [] }
        let d = z.count / n
        let b = min(batchSize, n / 2)
        let m = min(dictionarySize, n - b)
        let optimizer = AdamW(learningRate: learningRate, weightDecay: weightDecay)
        let warmup = max(1, min(100, steps / 10))
        optimizer.schedule = .warmupCosine(peak: learningRate, warmupSteps: warmup, totalSteps: max(warmup + 1, steps))
        var generator = SeededGenerator(seed: seed &+ 0x5EF1_4E)
        let all = Tensor(z, shape: [n, d])
        var order = Array(0..<n)
        var losses: [Double] = []
        losses.reserveCapacity(steps)
        energy.train()
        for _ in 0..<steps {
            // A partial Fisher–Yates shuffle draws b + m distinct samples.
            for i in 0..<(b + m) { order.swapAt(i, Int.random(in: i..<n, using: &generator)) }
            let batch = all.gathered(rows: Array(order[0..<b]))
            let dictionary = all.gathered(rows: Array(order[b..<(b + m)]))
            let (loss, _) = energy.selfExpressionLoss(
                batch, dictionary: dictionary, mask: nil, gamma: gamma, lambda: lambda)
            losses.append(Double(loss.item()))
            energy.zeroGrad()
            loss.backward()
            _ = clipGradNorm(energy.parameters().filter { $0.grad != nil }, maxNorm: 5)
            optimizer.update(energy)
            progress?("refine", Double(losses.count) / Double(steps))
        }
        energy.eval()
        return losses
    }
}
