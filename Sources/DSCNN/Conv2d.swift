import DSCTensor

/// A 2-D convolution layer (cross-correlation, as in PyTorch): `y = conv2d(x, W) + b`.
///
/// - `weight`: `[outputChannels, inputChannels, kernelSize, kernelSize]`, Kaiming uniform with
///   `fanIn = inputChannels · kernelSize²`.
/// - `bias`: `[outputChannels]`, zeros, or absent with `bias: false` (the usual choice before a
///   BatchNorm, which would cancel it).
///
/// Input `[B, inputChannels, H, W]`, output `[B, outputChannels, Ho, Wo]` with
/// `Ho = (H + 2·padding − kernelSize) / stride + 1` (floor). Computed by im2col + sgemm
/// (``Tensor/conv2d(weight:bias:stride:padding:channelMoments:)``). Without a bias, in training
/// mode, the output carries its per-channel moments for the BatchNorm that follows.
public final class Conv2d: Module, UnaryLayer {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    /// `[outputChannels, inputChannels, kernelSize, kernelSize]`.
    public let weight: Tensor
    /// `[outputChannels]`, or nil.
    public let bias: Tensor?

    /// - Precondition: channels and kernel ≥ 1, `stride ≥ 1`, `padding ≥ 0`.
    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, generator: inout SeededGenerator
    ) {
        precondition(
            inputChannels >= 1 && outputChannels >= 1 && kernelSize >= 1 && stride >= 1 && padding >= 0,
            "Conv2d: inputChannels=\(inputChannels) outputChannels=\(outputChannels) kernelSize=\(kernelSize) stride=\(stride) padding=\(padding)"
        )
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        weight = Initialization.kaimingUniform(
            [outputChannels, inputChannels, kernelSize, kernelSize],
            fanIn: inputChannels * kernelSize * kernelSize, generator: &generator)
        self.bias = bias ? Tensor.zeros([outputChannels], requiresGrad: true) : nil
        super.init()
    }

    public override func ownParameters() -> [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// Output extent along an input extent `size` (`(size + 2·padding − kernelSize) / stride + 1`).
    public func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernelSize) / stride + 1 }

    /// - Precondition: `x` is `[B, inputChannels, H, W]` with the kernel fitting the padded image.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 4 && x.shape[1] == inputChannels,
            "Conv2d(\(inputChannels) → \(outputChannels)): input \(x.shape) must be [B, \(inputChannels), H, W]")
        return x.conv2d(
            weight: weight, bias: bias, stride: stride, padding: padding,
            channelMoments: bias == nil && training)
    }
}
