import DSCTensor

/// A small residual CNN for 28×28 (MNIST-like) and 32×32 (CIFAR-like) images:
///
///     stem:    conv 3×3 (inputChannels → widths[0], padding 1, no bias) → BatchNorm → ReLU (fused)
///     stage s: blocksPerStage ResidualBlocks of width widths[s]; the first block of every stage
///              after the first has stride 2 (halving H and W), then the optional afterStage layer
///     pool:    global average → [B, widths.last]            (``features(_:)`` returns this)
///     head:    Linear(widths.last → outputDimensions)        (absent when outputDimensions is nil)
///
/// With `widths: [32, 64, 128]` and a 28×28 input the stages see 28×28, 14×14 and 7×7 maps.
///
/// Parameter names: `stem.0.weight`, `stem.1.runningMean`, `stages.1.0.conv1.weight`,
/// `stages.1.0.shortcut.0.weight`, `afterStage.0.…` (only for stages that got a layer),
/// `head.weight`. All weights come from one generator seeded with `seed`, in that order.
///
/// `afterStage(channels, height, width)` is called once per stage at construction with the shape
/// of that stage's output maps; the layer it returns (an LDFR layer, say) is applied to them, and
/// nil inserts nothing. Its output must keep the shape.
public final class ResNetBackbone: Module, UnaryLayer {
    public let inputChannels: Int
    public let widths: [Int]
    public let blocksPerStage: Int
    /// The classifier's outputs, or nil for a backbone without head.
    public let outputDimensions: Int?
    /// `(height, width)` of each stage's output, for the input size given at construction.
    public let stageSizes: [(height: Int, width: Int)]

    public let stem: Sequential
    /// One ``Sequential`` of ``ResidualBlock``s per stage.
    public let stages: Sequential
    /// The layers from `afterStage`, by stage index (absent stages have none).
    public let afterStageLayers: [Int: any Module & UnaryLayer]
    public let pool = GlobalAveragePool()
    public let head: Linear?

    /// - Parameters:
    ///   - imageSize: the input `(height, width)`, used only to tell `afterStage` the map sizes.
    /// - Precondition: `inputChannels ≥ 1`, at least one width, all ≥ 1, `blocksPerStage ≥ 1`,
    ///   `outputDimensions ≥ 1` when given.
    public init(
        inputChannels: Int = 1, widths: [Int] = [32, 64, 128], blocksPerStage: Int = 1,
        outputDimensions: Int? = 10, imageSize: (height: Int, width: Int) = (28, 28), seed: UInt64 = 0,
        afterStage: ((Int, Int, Int) -> (any Module & UnaryLayer)?)? = nil
    ) {
        precondition(
            inputChannels >= 1 && !widths.isEmpty && widths.allSatisfy { $0 >= 1 } && blocksPerStage >= 1,
            "ResNetBackbone: inputChannels=\(inputChannels) widths=\(widths) blocksPerStage=\(blocksPerStage)")
        precondition(
            outputDimensions.map { $0 >= 1 } ?? true,
            "ResNetBackbone: outputDimensions=\(outputDimensions!) must be >= 1")
        precondition(imageSize.height >= 1 && imageSize.width >= 1, "ResNetBackbone: imageSize=\(imageSize)")
        self.inputChannels = inputChannels
        self.widths = widths
        self.blocksPerStage = blocksPerStage
        self.outputDimensions = outputDimensions
        var generator = SeededGenerator(seed: seed)
        stem = Sequential([
            Conv2d(
                inputChannels: inputChannels, outputChannels: widths[0], kernelSize: 3, stride: 1, padding: 1,
                bias: false, generator: &generator),
            BatchNorm(features: widths[0], relu: true),
        ])
        var stageList: [any Module & UnaryLayer] = []
        var sizes: [(height: Int, width: Int)] = []
        var after: [Int: any Module & UnaryLayer] = [:]
        var channels = widths[0]
        var (h, w) = imageSize
        for (s, width) in widths.enumerated() {
            var blocks: [any Module & UnaryLayer] = []
            for b in 0..<blocksPerStage {
                let stride = s > 0 && b == 0 ? 2 : 1
                blocks.append(
                    ResidualBlock(
                        inputChannels: channels, outputChannels: width, stride: stride,
                        generator: &generator))
                if stride == 2 { (h, w) = ((h - 1) / 2 + 1, (w - 1) / 2 + 1) }
                channels = width
            }
            stageList.append(Sequential(blocks))
            sizes.append((h, w))
            if let layer = afterStage?(width, h, w) { after[s] = layer }
        }
        stages = Sequential(stageList)
        afterStageLayers = after
        stageSizes = sizes
        head = outputDimensions.map {
            Linear(inputDimensions: channels, outputDimensions: $0, generator: &generator)
        }
        super.init()
    }

    /// Dimension of ``features(_:)``, `widths.last`.
    public var featureDimensions: Int { widths[widths.count - 1] }

    public override func children() -> [(String, Module)] {
        var out: [(String, Module)] = [("stem", stem), ("stages", stages)]
        if !afterStageLayers.isEmpty { out.append(("afterStage", NamedModules(afterStageLayers))) }
        if let head { out.append(("head", head)) }
        return out
    }

    /// The pooled embedding `[B, widths.last]` before the head.
    ///
    /// - Precondition: `x` is `[B, inputChannels, H, W]`.
    public func features(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 4 && x.shape[1] == inputChannels,
            "ResNetBackbone: input \(x.shape) must be [B, \(inputChannels), H, W]")
        var y = stem(x)
        for (s, stage) in stages.layers.enumerated() {
            y = stage(y)
            if let layer = afterStageLayers[s] { y = layer(y) }
        }
        return pool(y)
    }

    /// Logits `[B, outputDimensions]`, or the features when there is no head.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let f = features(x)
        return head.map { $0(f) } ?? f
    }
}

/// Children under given names, for containers whose members are not numbered 0, 1, … densely.
final class NamedModules: Module {
    private let members: [(String, Module)]

    init(_ layers: [Int: any Module & UnaryLayer]) {
        members = layers.sorted { $0.key < $1.key }.map { (String($0.key), $0.value as Module) }
        super.init()
    }

    override func children() -> [(String, Module)] { members }
}
