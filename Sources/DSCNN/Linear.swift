import DSCTensor

/// A fully connected layer, `y = x · Wᵀ + b`.
///
/// - `weight`: `[outputDimensions, inputDimensions]` (PyTorch's and MLX's layout), Kaiming
///   uniform (``Initialization/kaimingUniform(_:fanIn:gain:generator:)``, `fanIn = inputDimensions`).
/// - `bias`: `[outputDimensions]`, zeros, or absent with `bias: false`.
///
/// Input `[B, inputDimensions]`, output `[B, outputDimensions]`; the product is one sgemm forward
/// and two backward.
public final class Linear: Module, UnaryLayer {
    public let inputDimensions: Int
    public let outputDimensions: Int
    /// `[outputDimensions, inputDimensions]`.
    public let weight: Tensor
    /// `[outputDimensions]`, or nil.
    public let bias: Tensor?

    /// - Precondition: both dimensions ≥ 1.
    public init(
        inputDimensions: Int, outputDimensions: Int, bias: Bool = true,
        generator: inout SeededGenerator
    ) {
        precondition(
            inputDimensions >= 1 && outputDimensions >= 1,
            "Linear: inputDimensions=\(inputDimensions) outputDimensions=\(outputDimensions) must be >= 1")
        self.inputDimensions = inputDimensions
        self.outputDimensions = outputDimensions
        weight = Initialization.kaimingUniform(
            [outputDimensions, inputDimensions], fanIn: inputDimensions,
            generator: &generator)
        self.bias = bias ? Tensor.zeros([outputDimensions], requiresGrad: true) : nil
        super.init()
    }

    public override func ownParameters() -> [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// - Precondition: `x` is `[B, inputDimensions]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 2 && x.shape[1] == inputDimensions,
            "Linear(\(inputDimensions) → \(outputDimensions)): input \(x.shape) must be [B, \(inputDimensions)]")
        let y = x.matmul(weight, transposeB: true)
        return bias.map { y + $0 } ?? y
    }
}
