import DSCTensor

/// Layers applied in order, `y = layers[n−1](…layers[1](layers[0](x)))`.
///
/// Children are named by position, `"0"`, `"1"`, …, so parameters are `0.weight`, `2.bias`, …
/// (as in PyTorch's `nn.Sequential`). An empty `Sequential` is the identity.
open class Sequential: Module, UnaryLayer {
    /// The layers, in application order.
    public let layers: [any Module & UnaryLayer]

    public init(_ layers: [any Module & UnaryLayer]) {
        self.layers = layers
        super.init()
    }

    public convenience init(_ layers: any Module & UnaryLayer...) {
        self.init(layers)
    }

    open override func children() -> [(String, Module)] {
        layers.enumerated().map { (String($0.offset), $0.element as Module) }
    }

    open func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        for layer in layers { y = layer(y) }
        return y
    }
}

/// A multi-layer perceptron built as a ``Sequential``: for consecutive `dimensions` `d_i → d_{i+1}`,
/// a ``Linear``, then on every layer but the last an optional ``BatchNorm``, the activation and an
/// optional ``Dropout``.
///
///     MLP(dimensions: [64, 256, 10], seed: 0)
///     // 0: Linear(64 → 256), 1: ReLU, 2: Linear(256 → 10)
///     MLP(dimensions: [64, 256, 10], activation: .gelu, batchNorm: true, seed: 0)
///     // 0: Linear (no bias: BatchNorm's shift replaces it), 1: BatchNorm(256), 2: GELU, 3: Linear
///
/// The output layer is linear (logits, or an embedding). Weights come from one generator seeded
/// with `seed`, in layer order; dropout layers get seeds drawn from it too.
public final class MLP: Sequential {
    public let dimensions: [Int]

    /// - Precondition: at least two dimensions, each ≥ 1; `0 ≤ dropout < 1`.
    public init(
        dimensions: [Int], activation: Activation = .relu, batchNorm: Bool = false,
        dropout: Float = 0, seed: UInt64 = 0
    ) {
        precondition(
            dimensions.count >= 2 && dimensions.allSatisfy { $0 >= 1 },
            "MLP: dimensions \(dimensions) need at least an input and an output size, each >= 1")
        precondition(dropout >= 0 && dropout < 1, "MLP: dropout=\(dropout) outside [0, 1)")
        self.dimensions = dimensions
        var generator = SeededGenerator(seed: seed)
        var layers: [any Module & UnaryLayer] = []
        for i in 0..<(dimensions.count - 1) {
            let hidden = i < dimensions.count - 2
            layers.append(
                Linear(
                    inputDimensions: dimensions[i], outputDimensions: dimensions[i + 1],
                    bias: !(hidden && batchNorm), generator: &generator))
            guard hidden else { continue }
            if batchNorm { layers.append(BatchNorm(features: dimensions[i + 1])) }
            layers.append(activation.makeLayer())
            if dropout > 0 { layers.append(Dropout(probability: dropout, seed: generator.next())) }
        }
        super.init(layers)
    }
}
