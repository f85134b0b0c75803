import DSCNN
import DSCTensor

/// The encoder `f`: samples → L2-normalised embeddings `z` `[B, embeddingDimensions]`.
///
/// - Feature vectors: an MLP `D → hidden… → embedding` with BatchNorm and ReLU between layers.
/// - Images: the residual CNN (``ResNetBackbone``) with an LDFR layer after every stage whose maps
///   are at least 2×2, global average pooling, then a projection head `widths.last → widths.last →
///   embedding`; or, with ``ImageEncoder/mlp``, the MLP on the flattened image.
public final class Encoder: Module, UnaryLayer {
    public let kind: SampleKind
    /// The CNN for images, nil for feature vectors and for the MLP image encoder.
    public let backbone: ResNetBackbone?
    /// The MLP for feature vectors (and for images with ``ImageEncoder/mlp``), or the CNN's projection head; nil when coding raw
    /// features (``EBSCConfiguration/rawFeatures``: `z` is the standardised sample, normalised).
    public let head: MLP?

    public init(_ configuration: EBSCConfiguration, kind: SampleKind, seed: UInt64) {
        self.kind = kind
        if configuration.rawFeatures {
            backbone = nil
            head = nil
            super.init()
            return
        }
        switch (kind, configuration.imageEncoder) {
        case (.features, _), (.images, .mlp):
            backbone = nil
            head = MLP(
                dimensions: [kind.size] + configuration.hiddenDimensions + [configuration.embeddingDimensions],
                activation: .relu, batchNorm: true, seed: seed)
        case (.images(let c, let h, let w), .cnn):
            let rank = configuration.ldfrRank
            let selected = configuration.ldfrSelected
            let net = ResNetBackbone(
                inputChannels: c, widths: configuration.widths, outputDimensions: nil,
                imageSize: (h, w), seed: seed
            ) { _, mh, mw in
                guard configuration.ldfr, mh * mw >= 4, rank <= min(selected, mh * mw) else { return nil }
                return LDFR(rank: rank, selected: selected, spatialSize: mh * mw)
            }
            backbone = net
            head = MLP(
                dimensions: [net.featureDimensions, net.featureDimensions, configuration.embeddingDimensions],
                activation: .relu, batchNorm: true, seed: seed &+ 1)
        }
        super.init()
    }

    public override func children() -> [(String, Module)] {
        var out: [(String, Module)] = []
        if let backbone { out.append(("backbone", backbone)) }
        if let head { out.append(("head", head)) }
        return out
    }

    /// `z = f(x) / ‖f(x)‖`, `[B, embeddingDimensions]` (`[B, sample size]` for raw features).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        if let backbone, let head { return head(backbone.features(x)).l2Normalized(axis: 1) }
        let flat = Self.flattened(x)
        return (head.map { $0(flat) } ?? flat).l2Normalized(axis: 1)
    }

    /// `[B, …]` as `[B, sample size]`, for the MLP and raw-feature paths.
    private static func flattened(_ x: Tensor) -> Tensor {
        x.rank == 2 ? x : x.reshaped([x.shape[0], x.count / max(1, x.shape[0])])
    }

    /// `z` and the features before the encoder's last layer (``Candidates/features``), both
    /// L2-normalised, in one pass: the CNN's pooled backbone features `[B, widths.last]`, the MLP's
    /// last hidden layer `[B, hidden.last]`, or `z` itself for raw features.
    public func representations(_ x: Tensor) -> (z: Tensor, features: Tensor) {
        if let backbone, let head {
            let h = backbone.features(x)
            return (head(h).l2Normalized(axis: 1), h.l2Normalized(axis: 1))
        }
        let flat = Self.flattened(x)
        guard let head, let last = head.layers.last else {
            let z = flat.l2Normalized(axis: 1)
            return (z, z)
        }
        var y = flat
        for layer in head.layers.dropLast() { y = layer(y) }
        return (last(y).l2Normalized(axis: 1), y.l2Normalized(axis: 1))
    }
}

/// Query and key networks and the learnable soft threshold: the energy `E(z_i, d_j) = −q_i·k_j`
/// of a sample and a dictionary atom, and coefficients `c_ij = T_b(q_i·k_j) / h` (low energy,
/// large coefficient; `T_b` the soft threshold with `b = |threshold|`, `h` the code width, after
/// SENet's `c_ij = T_b(q_iᵀ k_j)`).
public final class EnergyNetwork: Module {
    public let query: MLP
    public let key: MLP
    /// The learnt threshold (its magnitude is used), shape `[1]`.
    public let threshold: Tensor
    /// Code width h.
    public let dimensions: Int
    /// The settings it was built with (hidden width, initial threshold).
    public let configuration: EBSCConfiguration

    /// Residual codes: `q = z + Q(z)`, `k = z + K(z)` with two-layer MLPs `Q`, `K` whose output
    /// layers start at zero, so training starts from the cosine energy `q·k = z_i·z_j` (already
    /// a good affinity for contrastive embeddings) and learns a correction, where plain MLP codes
    /// (SENet's form) start from random energies (compared in notebooks-md/mnist.md).
    /// - Parameter width: the embedding width the networks take; codes have the same width.
    public init(_ configuration: EBSCConfiguration, width: Int, seed: UInt64) {
        let dims = [width, configuration.energyHidden, width]
        query = MLP(dimensions: dims, activation: .relu, seed: seed)
        key = MLP(dimensions: dims, activation: .relu, seed: seed &+ 1)
        for net in [query, key] {
            if let last = net.layers.last as? Linear {
                last.weight.data = [Float](repeating: 0, count: last.weight.count)
            }
        }
        threshold = Tensor([configuration.initialThreshold], shape: [1], requiresGrad: true)
        dimensions = width
        self.configuration = configuration
        super.init()
    }

    /// Query codes `z + Q(z)`.
    public func queries(_ z: Tensor) -> Tensor { z + query(z) }
    /// Key codes `z + K(z)`.
    public func keys(_ z: Tensor) -> Tensor { z + key(z) }

    public override func ownParameters() -> [(String, Tensor)] { [("threshold", threshold)] }
    public override func children() -> [(String, Module)] { [("query", query), ("key", key)] }

    /// The threshold b ≥ 0 in use.
    public var currentThreshold: Float { Swift.abs(threshold.data[0]) }

    /// Coefficients `[B, M]` of the embeddings `z` `[B, d]` against the dictionary `[M, d]`;
    /// `mask` `[B, M]` (0 or 1) removes pairs, e.g. a sample and its own copy in the dictionary.
    public func coefficients(_ z: Tensor, dictionary: Tensor, mask: Tensor?) -> Tensor {
        let u = queries(z).matmul(keys(dictionary), transposeB: true)
        let c = u.shrink(threshold.abs()) * (1 / Float(dimensions))
        return mask.map { c * $0 } ?? c
    }

    /// An independent copy (same configuration, parameters and threshold).
    public func copy() -> EnergyNetwork {
        let twin = EnergyNetwork(configuration, width: dimensions, seed: 0)
        for (a, b) in zip(twin.namedParameters() + twin.namedBuffers(), namedParameters() + namedBuffers()) {
            a.1.data = b.1.data
        }
        return twin
    }

    /// The self-expression loss `γ/2 · mean‖z − C D‖² + mean(λ‖C_i‖₁ + (1 − λ)/2 ‖C_i‖²)` of `z`
    /// `[B, d]` against `dictionary` `[M, d]`, and the coefficients `C` behind it.
    public func selfExpressionLoss(
        _ z: Tensor, dictionary: Tensor, mask: Tensor?, gamma: Float, lambda: Float
    )
        -> (loss: Tensor, coefficients: Tensor)
    {
        let c = coefficients(z, dictionary: dictionary, mask: mask)
        let residual = z - c.matmul(dictionary)
        let fit = (residual * residual).sum(axes: [1]).mean() * (gamma / 2)
        let l1 = c.abs().sum(axes: [1]).mean() * lambda
        let l2 = (c * c).sum(axes: [1]).mean() * ((1 - lambda) / 2)
        return (fit + l1 + l2, c)
    }
}

/// Everything an energy-based self-expressive model holds: the encoder, its momentum copy (the
/// key encoder, whose embeddings fill the dictionary), the energy network, the dictionary queue
/// with the sample index of each atom, and the input standardisation. All of it is saved in a
/// checkpoint under these names (`encoder.…`, `keyEncoder.…`, `energy.…`, `queue`, …).
public final class EBSCModel: Module {
    public let configuration: EBSCConfiguration
    public let kind: SampleKind
    public let encoder: Encoder
    public let keyEncoder: Encoder
    public let energy: EnergyNetwork
    /// The dictionary `[M, d]` (L2-normalised key embeddings; zeros where not yet filled).
    public let queue: Tensor
    /// Sample index of each atom, −1 where empty, `[M]` (exact as Float32 up to 2²⁴ samples).
    public let queueIndex: Tensor
    /// Next slot to overwrite, `[1]`.
    public let queuePointer: Tensor
    /// Input standardisation `x ← (x − shift) · scale`, `[2]`: (shift, scale).
    public let standardization: Tensor
    /// Width d of the embeddings and dictionary atoms.
    public let embeddingWidth: Int

    public init(_ configuration: EBSCConfiguration, kind: SampleKind) {
        self.configuration = configuration
        self.kind = kind
        encoder = Encoder(configuration, kind: kind, seed: configuration.seed)
        keyEncoder = Encoder(configuration, kind: kind, seed: configuration.seed)
        embeddingWidth = configuration.embeddingWidth(for: kind)
        energy = EnergyNetwork(configuration, width: embeddingWidth, seed: configuration.seed &+ 7)
        queue = Tensor.zeros([configuration.queueSize, embeddingWidth])
        queueIndex = Tensor.full([configuration.queueSize], value: -1)
        queuePointer = Tensor.zeros([1])
        standardization = Tensor([0, 1], shape: [2])
        super.init()
        for p in keyEncoder.parameters() { p.requiresGrad = false }
    }

    public override func ownBuffers() -> [(String, Tensor)] {
        [
            ("queue", queue), ("queueIndex", queueIndex), ("queuePointer", queuePointer),
            ("standardization", standardization),
        ]
    }

    public override func children() -> [(String, Module)] {
        [("encoder", encoder), ("keyEncoder", keyEncoder), ("energy", energy)]
    }

    /// The trainable parameters (the key encoder follows by momentum, not by gradient).
    public var trainable: [(String, Tensor)] {
        encoder.namedParameters().map { ("encoder.\($0.0)", $0.1) }
            + energy.namedParameters().map { ("energy.\($0.0)", $0.1) }
    }

    /// `θ_k ← m θ_k + (1 − m) θ_q` for every parameter of the key encoder; `m = 0` copies.
    public func updateKeyEncoder(momentum m: Float) {
        for (k, q) in zip(keyEncoder.parameters(), encoder.parameters()) {
            let source = q.data
            k.data.withUnsafeMutableBufferPointer { kp in
                for i in 0..<kp.count { kp[i] = m * kp[i] + (1 - m) * source[i] }
            }
        }
        if m == 0 {
            for (k, q) in zip(keyEncoder.namedBuffers(), encoder.namedBuffers()) { k.1.data = q.1.data }
        }
    }

    /// Writes `keys` `[B, d]` (normalised) of samples `indices` into the queue, oldest first out.
    public func enqueue(_ keys: Tensor, indices: [Int]) {
        let m = configuration.queueSize
        let d = embeddingWidth
        var pointer = Int(queuePointer.data[0])
        let values = keys.data
        queue.data.withUnsafeMutableBufferPointer { q in
            queueIndex.data.withUnsafeMutableBufferPointer { qi in
                for (b, index) in indices.enumerated() {
                    for t in 0..<d { q[pointer * d + t] = values[b * d + t] }
                    qi[pointer] = Float(index)
                    pointer = (pointer + 1) % m
                }
            }
        }
        queuePointer.data[0] = Float(pointer)
    }

    /// Atoms filled so far.
    public var filledAtoms: Int { queueIndex.data.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }

    /// `[B, M]` mask: 0 where atom j is empty or a copy of sample `indices[b]`, else 1.
    public func dictionaryMask(for indices: [Int]) -> Tensor {
        let m = configuration.queueSize
        let owners = queueIndex.data
        var mask = [Float](repeating: 1, count: indices.count * m)
        for (b, index) in indices.enumerated() {
            let own = Float(index)
            for j in 0..<m where owners[j] < 0 || owners[j] == own { mask[b * m + j] = 0 }
        }
        return Tensor(mask, shape: [indices.count, m])
    }

    /// `samples` as this model sees them: read through the stored standardisation.
    public func standardized(_ samples: any SampleSource) -> StandardizedSamples {
        StandardizedSamples(samples, shift: standardization.data[0], scale: standardization.data[1])
    }
}
