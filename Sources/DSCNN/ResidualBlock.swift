import DSCTensor

/// A basic residual block (He et al., 2016, "Deep Residual Learning"):
///
///     y = relu( bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x) )
///
/// `conv1` is 3×3 with `stride`, `conv2` 3×3 with stride 1, both padding 1 and without bias (the
/// BatchNorms shift). The shortcut is the identity when shapes agree (`stride == 1` and equal
/// channel counts), else a 1×1 convolution with `stride` followed by a BatchNorm
/// (`shortcut.0`, `shortcut.1`), as in torchvision's ResNet. `bn1` carries the first ReLU and `bn2`
/// the residual addition and the last ReLU, fused (``BatchNorm/callAsFunction(_:adding:)``).
///
/// Input `[B, inputChannels, H, W]`, output `[B, outputChannels, Ho, Wo]` with
/// `Ho = (H − 1) / stride + 1`.
public final class ResidualBlock: Module, UnaryLayer {
    public let conv1: Conv2d
    public let bn1: BatchNorm
    public let conv2: Conv2d
    public let bn2: BatchNorm
    /// The projection (1×1 conv + BatchNorm), or nil for the identity.
    public let shortcut: Sequential?

    /// - Precondition: channel counts ≥ 1, `stride ≥ 1`.
    public init(inputChannels: Int, outputChannels: Int, stride: Int = 1, generator: inout SeededGenerator) {
        conv1 = Conv2d(
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 3,
            stride: stride, padding: 1, bias: false, generator: &generator)
        bn1 = BatchNorm(features: outputChannels, relu: true)
        conv2 = Conv2d(
            inputChannels: outputChannels, outputChannels: outputChannels, kernelSize: 3,
            stride: 1, padding: 1, bias: false, generator: &generator)
        bn2 = BatchNorm(features: outputChannels, relu: true)
        if stride != 1 || inputChannels != outputChannels {
            shortcut = Sequential([
                Conv2d(
                    inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: 1,
                    stride: stride, padding: 0, bias: false, generator: &generator),
                BatchNorm(features: outputChannels),
            ])
        } else {
            shortcut = nil
        }
        super.init()
    }

    public var inputChannels: Int { conv1.inputChannels }
    public var outputChannels: Int { conv2.outputChannels }
    public var stride: Int { conv1.stride }

    public override func children() -> [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)]
            + (shortcut.map { [("shortcut", $0 as Module)] } ?? [])
    }

    /// - Precondition: `x` is `[B, inputChannels, H, W]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        bn2(conv2(bn1(conv1(x))), adding: shortcut?(x) ?? x)
    }
}
