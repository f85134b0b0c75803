import DSCNN
import DSCTensor
import DSCTestSupport
import XCTest

final class LayerTests: XCTestCase {
    func testLinearShapesNamesAndValues() {
        var g = SeededGenerator(seed: 1)
        let layer = Linear(inputDimensions: 3, outputDimensions: 2, generator: &g)
        XCTAssertEqual(layer.weight.shape, [2, 3])
        XCTAssertEqual(layer.namedParameters().map(\.0), ["weight", "bias"])
        layer.weight.data = [1, 2, 3, 4, 5, 6]
        layer.bias!.data = [0.5, -1]
        let y = layer(Tensor([1, 0, -1, 2, 1, 0], shape: [2, 3]))
        XCTAssertEqual(y.shape, [2, 2])
        assertClose(y.data, [1 - 3 + 0.5, 4 - 6 - 1, 2 + 2 + 0.5, 8 + 5 - 1])
        let noBias = Linear(inputDimensions: 3, outputDimensions: 2, bias: false, generator: &g)
        XCTAssertEqual(noBias.namedParameters().map(\.0), ["weight"])
    }

    func testKaimingInitialisationBoundsAndSeeds() {
        var g1 = SeededGenerator(seed: 7)
        var g2 = SeededGenerator(seed: 7)
        let a = Conv2d(inputChannels: 8, outputChannels: 16, kernelSize: 3, generator: &g1)
        let b = Conv2d(inputChannels: 8, outputChannels: 16, kernelSize: 3, generator: &g2)
        XCTAssertEqual(a.weight.data, b.weight.data, "same seed, same weights")
        let bound = (6 / Float(8 * 9)).squareRoot()
        XCTAssertTrue(a.weight.data.allSatisfy { abs($0) <= bound })
        let variance = a.weight.data.map { $0 * $0 }.reduce(0, +) / Float(a.weight.count)
        XCTAssertEqual(variance, 2 / Float(8 * 9), accuracy: 0.15 * 2 / Float(8 * 9))
        XCTAssertTrue(a.weight.requiresGrad && a.bias!.requiresGrad)
    }

    func testConv2dShapes() {
        var g = SeededGenerator(seed: 2)
        let same = Conv2d(inputChannels: 3, outputChannels: 5, kernelSize: 3, stride: 1, padding: 1, generator: &g)
        XCTAssertEqual(same(Tensor.zeros([2, 3, 28, 28])).shape, [2, 5, 28, 28])
        let down = Conv2d(
            inputChannels: 3, outputChannels: 4, kernelSize: 3, stride: 2, padding: 1, bias: false,
            generator: &g)
        XCTAssertEqual(down(Tensor.zeros([2, 3, 28, 28])).shape, [2, 4, 14, 14])
        XCTAssertEqual(down(Tensor.zeros([1, 3, 7, 7])).shape, [1, 4, 4, 4])
        XCTAssertEqual(down.outputSize(7), 4)
        XCTAssertEqual(down.namedParameters().map(\.0), ["weight"])
    }

    func testBatchNormRunningStatisticsUpdateInTrainingOnly() {
        let bn = BatchNorm(features: 2, momentum: 0.1)
        XCTAssertEqual(bn.namedParameters().map(\.0), ["weight", "bias"])
        XCTAssertEqual(bn.namedBuffers().map(\.0), ["runningMean", "runningVar"])
        // Channel 0: 1, 2, 3, 4 (mean 2.5, unbiased variance 5/3); channel 1: 0, 0, 2, 2 (1, 4/3).
        let x = Tensor([1, 0, 2, 0, 3, 2, 4, 2], shape: [4, 2])
        let y = bn(x)
        assertClose(bn.runningMean.data, [0.25, 0.1])
        assertClose(bn.runningVar.data, [0.9 + 0.1 * 5 / 3, 0.9 + 0.1 * 4 / 3])
        // Training output uses the batch's biased variance: channel 0 normalised by √1.25.
        XCTAssertEqual(y[0, 0], (1 - 2.5) / (1.25 + 1e-5).squareRoot(), accuracy: 1e-5)
        _ = bn(x)
        assertClose(bn.runningMean.data, [0.25 * 0.9 + 0.25, 0.1 * 0.9 + 0.1])

        bn.eval()
        let before = (bn.runningMean.data, bn.runningVar.data)
        let z = bn(x)
        XCTAssertEqual(bn.runningMean.data, before.0, "eval mode leaves running mean alone")
        XCTAssertEqual(bn.runningVar.data, before.1, "eval mode leaves running variance alone")
        let expected = (1 - bn.runningMean.data[0]) / (bn.runningVar.data[0] + 1e-5).squareRoot()
        XCTAssertEqual(z[0, 0], expected, accuracy: 1e-5)
        bn.train()
        XCTAssertTrue(bn.training)
    }

    func testBatchNormOnImages() {
        let bn = BatchNorm(features: 3)
        let x = NNTest.randn([4, 3, 5, 5], seed: 3, std: 2)
        let y = bn(x)
        XCTAssertEqual(y.shape, [4, 3, 5, 5])
        // Every channel of the output has mean 0 and (biased) variance ≈ 1.
        let stats = y.batchNorm(gamma: nil, beta: nil, statistics: .batch, epsilon: 0)
        for c in 0..<3 {
            XCTAssertEqual(stats.mean[c], 0, accuracy: 1e-5)
            XCTAssertEqual(stats.variance[c], 1, accuracy: 1e-3)
        }
    }

    func testActivationsDropoutFlattenAndPooling() {
        let x = Tensor([-1, 2, -3, 4], shape: [2, 2])
        XCTAssertEqual(ReLU()(x).data, [0, 2, 0, 4])
        XCTAssertEqual(LeakyReLU(slope: 0.5)(x).data, [-0.5, 2, -1.5, 4])
        XCTAssertEqual(GELU()(Tensor([0], shape: [1])).data, [0])
        XCTAssertEqual(Identity()(x).data, x.data)
        XCTAssertEqual(Flatten()(Tensor.zeros([2, 3, 4, 5])).shape, [2, 60])
        let maps = Tensor((0..<8).map(Float.init), shape: [1, 2, 2, 2])
        XCTAssertEqual(GlobalAveragePool()(maps).data, [1.5, 5.5])

        let dropout = Dropout(probability: 0.5, seed: 9)
        let ones = Tensor.ones([1000])
        let dropped = dropout(ones)
        XCTAssertTrue(dropped.data.allSatisfy { $0 == 0 || $0 == 2 })
        let kept = dropped.data.filter { $0 != 0 }.count
        XCTAssertTrue((400...600).contains(kept), "kept \(kept) of 1000")
        dropout.eval()
        XCTAssertEqual(dropout(ones).data, ones.data, "identity in eval mode")
        XCTAssertEqual(Dropout(probability: 0.5, seed: 9)(ones).data, dropped.data, "same seed, same mask")
    }

    func testSequentialAndMLPNaming() {
        let mlp = MLP(dimensions: [64, 256, 10], seed: 0)
        XCTAssertEqual(mlp.namedParameters().map(\.0), ["0.weight", "0.bias", "2.weight", "2.bias"])
        XCTAssertEqual(mlp.parameterCount, 64 * 256 + 256 + 256 * 10 + 10)
        XCTAssertEqual(mlp(Tensor.zeros([5, 64])).shape, [5, 10])

        let bn = MLP(dimensions: [8, 16, 16, 4], activation: .gelu, batchNorm: true, dropout: 0.1, seed: 0)
        XCTAssertEqual(
            bn.namedParameters().map(\.0),
            [
                "0.weight", "1.weight", "1.bias", "4.weight", "5.weight", "5.bias", "8.weight", "8.bias",
            ])
        XCTAssertEqual(bn.namedBuffers().map(\.0), ["1.runningMean", "1.runningVar", "5.runningMean", "5.runningVar"])
        XCTAssertTrue(bn.layers[2] is GELU && bn.layers[3] is Dropout)
        bn.eval()
        XCTAssertTrue(bn.layers.allSatisfy { !$0.training }, "eval reaches every child")
        XCTAssertEqual(
            MLP(dimensions: [8, 4], seed: 3).namedParameters().map(\.1.data),
            MLP(dimensions: [8, 4], seed: 3).namedParameters().map(\.1.data))
    }

    func testResidualBlockShapesAndShortcut() {
        var g = SeededGenerator(seed: 4)
        let identity = ResidualBlock(inputChannels: 4, outputChannels: 4, generator: &g)
        XCTAssertNil(identity.shortcut)
        XCTAssertEqual(identity(NNTest.randn([2, 4, 6, 6], seed: 1)).shape, [2, 4, 6, 6])
        let projection = ResidualBlock(inputChannels: 4, outputChannels: 8, stride: 2, generator: &g)
        XCTAssertEqual(projection(NNTest.randn([2, 4, 7, 7], seed: 1)).shape, [2, 8, 4, 4])
        XCTAssertEqual(
            projection.namedParameters().map(\.0),
            [
                "conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight", "bn2.bias",
                "shortcut.0.weight", "shortcut.1.weight", "shortcut.1.bias",
            ])
        XCTAssertEqual(projection.shortcut!.namedParameters()[0].1.shape, [8, 4, 1, 1])
    }

    func testBackboneShapesNamesAndAfterStage() {
        var seen: [[Int]] = []
        let net = ResNetBackbone(
            inputChannels: 1, widths: [8, 16, 32], blocksPerStage: 1, outputDimensions: 10,
            afterStage: { c, h, w in
                seen.append([c, h, w])
                return c == 16 ? Identity() : nil
            })
        XCTAssertEqual(seen, [[8, 28, 28], [16, 14, 14], [32, 7, 7]])
        XCTAssertEqual(net.stageSizes.map { [$0.height, $0.width] }, [[28, 28], [14, 14], [7, 7]])
        let x = NNTest.randn([2, 1, 28, 28], seed: 5)
        XCTAssertEqual(net(x).shape, [2, 10])
        XCTAssertEqual(net.features(x).shape, [2, 32])
        let names = net.namedParameters().map(\.0)
        XCTAssertEqual(names.first, "stem.0.weight")
        XCTAssertEqual(names.last, "head.bias")
        XCTAssertTrue(names.contains("stages.1.0.shortcut.0.weight"))
        XCTAssertFalse(names.contains("stages.0.0.shortcut.0.weight"), "first stage keeps the identity shortcut")
        XCTAssertEqual(Set(names).count, names.count)
        XCTAssertTrue(net.namedBuffers().map(\.0).contains("stages.2.0.bn2.runningVar"))

        let cifar = ResNetBackbone(
            inputChannels: 3, widths: [8, 16], blocksPerStage: 2, outputDimensions: nil,
            imageSize: (32, 32))
        XCTAssertEqual(cifar.stageSizes.map(\.height), [32, 16])
        XCTAssertEqual(cifar(NNTest.randn([2, 3, 32, 32], seed: 6)).shape, [2, 16])
        XCTAssertNil(cifar.head)

        // One seed reaches everything: equal seeds give equal models, different seeds differ.
        let a = ResNetBackbone(widths: [4, 8], seed: 11)
        let b = ResNetBackbone(widths: [4, 8], seed: 11)
        let c = ResNetBackbone(widths: [4, 8], seed: 12)
        XCTAssertEqual(a.parameters().map(\.data), b.parameters().map(\.data))
        XCTAssertNotEqual(a.head!.weight.data, c.head!.weight.data)
        XCTAssertNotEqual(a.parameters().first!.data, c.parameters().first!.data)
    }

    func testZeroGradAndModeSwitch() {
        let mlp = MLP(dimensions: [3, 4, 2], batchNorm: true, seed: 1)
        Loss.mse(mlp(NNTest.randn([4, 3], seed: 2)), Tensor.zeros([4, 2])).backward()
        XCTAssertTrue(mlp.parameters().allSatisfy { $0.grad != nil })
        mlp.zeroGrad()
        XCTAssertTrue(mlp.parameters().allSatisfy { $0.grad == nil })
    }
}
