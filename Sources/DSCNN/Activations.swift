import DSCTensor

/// Parameter-free layers: activations, dropout and shape adapters. Each is a ``Module`` so that it
/// can sit in a ``Sequential``; none has parameters or buffers.

/// `max(x, 0)` elementwise.
public final class ReLU: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.relu() }
}

/// `x` for `x > 0`, else `slope · x`.
public final class LeakyReLU: Module, UnaryLayer {
    public let slope: Float
    public init(slope: Float = 0.01) {
        self.slope = slope
        super.init()
    }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.leakyRelu(slope: slope) }
}

/// Exact GELU, `x · Φ(x)` (PyTorch's default, not the tanh approximation).
public final class GELU: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.gelu() }
}

/// Hyperbolic tangent elementwise.
public final class Tanh: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.tanh() }
}

/// Logistic sigmoid elementwise.
public final class Sigmoid: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x.sigmoid() }
}

/// Returns its input unchanged.
public final class Identity: Module, UnaryLayer {
    public override init() { super.init() }
    public func callAsFunction(_ x: Tensor) -> Tensor { x }
}

/// The activation functions a builder such as ``MLP`` can insert, by name.
public enum Activation: Sendable, Equatable {
    case relu, gelu, tanh, sigmoid, identity
    case leakyRelu(slope: Float)

    /// A fresh layer computing this activation.
    public func makeLayer() -> any Module & UnaryLayer {
        switch self {
        case .relu: return ReLU()
        case .gelu: return GELU()
        case .tanh: return Tanh()
        case .sigmoid: return Sigmoid()
        case .identity: return Identity()
        case .leakyRelu(let slope): return LeakyReLU(slope: slope)
        }
    }
}

/// Inverted dropout: in training mode each element is zeroed with probability `probability` and
/// the survivors are scaled by `1/(1 − probability)`; in evaluation mode the input passes
/// unchanged. The masks come from a generator seeded with `seed`, so a run is reproducible; the
/// generator advances with every training call.
public final class Dropout: Module, UnaryLayer {
    public let probability: Float
    private var generator: SeededGenerator

    /// - Precondition: `0 ≤ probability < 1`.
    public init(probability: Float = 0.5, seed: UInt64 = 0) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability=\(probability) outside [0, 1)")
        self.probability = probability
        generator = SeededGenerator(seed: seed)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard training, probability > 0 else { return x }
        return x.dropout(probability, generator: &generator)
    }
}

/// `[B, d1, d2, …]` → `[B, d1·d2·…]`.
public final class Flatten: Module, UnaryLayer {
    public override init() { super.init() }

    /// - Precondition: rank ≥ 1.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 1, "Flatten: scalar input has no batch axis")
        return x.rank == 2 ? x : x.reshaped([x.shape[0], x.shape.dropFirst().reduce(1, *)])
    }
}

/// The mean of every feature map: `[B, C, H, W]` → `[B, C]`.
public final class GlobalAveragePool: Module, UnaryLayer {
    public override init() { super.init() }

    /// - Precondition: `x` is `[B, C, H, W]` with `H·W ≥ 1`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 4 && x.shape[2] * x.shape[3] >= 1,
            "GlobalAveragePool: input \(x.shape) must be [B, C, H, W] with H·W ≥ 1")
        return x.mean(axes: [2, 3])
    }
}
