import DSCNN
import DSCTensor
import DSCTestSupport
import XCTest

/// Gradients through whole layers against central differences (GradCheck: ε = 1e-3, tolerance 1e-3).
final class LayerGradientTests: XCTestCase {
    func testLinear() {
        var g = SeededGenerator(seed: 1)
        let layer = Linear(inputDimensions: 4, outputDimensions: 3, generator: &g)
        layer.bias!.data = [0.1, -0.2, 0.3]
        let x = NNTest.randn([5, 4], seed: 2, requiresGrad: true)
        assertGradients([x, layer.weight, layer.bias!]) { _ in layer(x) }
    }

    func testConv2dWithStrideAndPadding() {
        var g = SeededGenerator(seed: 3)
        let conv = Conv2d(inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, padding: 1, generator: &g)
        conv.bias!.data = [0.5, 0, -0.5]
        let x = NNTest.randn([2, 2, 5, 5], seed: 4, requiresGrad: true)
        assertGradients([x, conv.weight, conv.bias!]) { _ in conv(x) }
    }

    func testBatchNormTrainingAndEval() {
        let bn = BatchNorm(features: 3)
        bn.weight!.data = [1.5, -0.5, 2]
        bn.bias!.data = [0.1, 0.2, 0.3]
        let x = NNTest.randn([4, 3, 2, 2], seed: 5, requiresGrad: true)
        assertGradients([x, bn.weight!, bn.bias!]) { _ in bn(x) }
        let flat = NNTest.randn([6, 3], seed: 6, requiresGrad: true)
        assertGradients([flat, bn.weight!, bn.bias!]) { _ in bn(flat) }
        bn.eval()
        assertGradients([x, bn.weight!, bn.bias!]) { _ in bn(x) }
    }

    func testFusedBatchNormResidualReLU() {
        // relu(bn(x) + r) as one primitive against the same built from separate primitives, and
        // against central differences (seeds chosen so no pre-activation is within 0.03 of 0).
        let x = NNTest.randn([3, 2, 3, 3], seed: 71, requiresGrad: true)
        let r = NNTest.randn([3, 2, 3, 3], seed: 72, requiresGrad: true)
        let gamma = Tensor([1.5, -0.7], requiresGrad: true)
        let beta = Tensor([0.2, -0.1], requiresGrad: true)
        let running = BatchNormStatistics.running(mean: [0.1, -0.2], variance: [0.8, 1.3])
        Tensor.withNoGrad {
            let pre = x.batchNorm(gamma: gamma, beta: beta).output + r
            let preRunning = x.batchNorm(gamma: gamma, statistics: running).output
            XCTAssertGreaterThan((pre.data + preRunning.data).map { abs($0) }.min()!, 0.03)
        }
        let fused = x.batchNorm(gamma: gamma, beta: beta, residual: r, relu: true).output
        let separate = (x.batchNorm(gamma: gamma, beta: beta).output + r).relu()
        assertClose(fused.data, separate.data, accuracy: 1e-6)
        let seed = NNTest.randn(fused.shape, seed: 23)
        fused.backward(seed: seed)
        let fusedGrads = [x, r, gamma, beta].map { $0.grad!.data }
        for t in [x, r, gamma, beta] { t.grad = nil }
        separate.backward(seed: seed)
        for (k, t) in [x, r, gamma, beta].enumerated() {
            assertClose(fusedGrads[k], t.grad!.data, accuracy: 1e-5, "input \(k)")
        }
        assertGradients([x, r, gamma, beta]) { _ in
            x.batchNorm(gamma: gamma, beta: beta, residual: r, relu: true).output
        }
        assertGradients([x, gamma]) { _ in x.batchNorm(gamma: gamma, statistics: running, relu: true).output }
        assertGradients([x, r]) { _ in x.batchNorm(statistics: running, residual: r).output }
    }

    func testFusedBatchNormReLUMaskFromInput() {
        // Maps larger than one SIMD run: the moments against a Double reference, and the ReLU mask
        // of a fused batch norm without residual recomputed from x (against separate primitives).
        let x = NNTest.randn([4, 3, 6, 7], seed: 81, requiresGrad: true)
        let gamma = Tensor([1.2, -0.8, 0.5], requiresGrad: true)
        let beta = Tensor([0.1, 0.3, -0.2], requiresGrad: true)
        let fused = x.batchNorm(gamma: gamma, beta: beta, relu: true)
        let xv = x.data.map(Double.init)
        let n = 4.0 * 42
        for c in 0..<3 {
            let values = (0..<4).flatMap { b in (0..<42).map { xv[(b * 3 + c) * 42 + $0] } }
            let mean = values.reduce(0, +) / n
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n
            XCTAssertEqual(Double(fused.mean[c]), mean, accuracy: 1e-6)
            XCTAssertEqual(Double(fused.variance[c]), variance, accuracy: 1e-5)
        }
        let separate = x.batchNorm(gamma: gamma, beta: beta).output.relu()
        XCTAssertEqual(fused.output.data, separate.data)
        let seed = NNTest.randn(separate.shape, seed: 24)
        fused.output.backward(seed: seed)
        let fusedGrads = [x, gamma, beta].map { $0.grad!.data }
        for t in [x, gamma, beta] { t.grad = nil }
        separate.backward(seed: seed)
        for (k, t) in [x, gamma, beta].enumerated() {
            assertClose(fusedGrads[k], t.grad!.data, accuracy: 1e-5, "input \(k)")
        }
    }

    func testResidualBlockWithProjection() {
        var g = SeededGenerator(seed: 0)
        let block = ResidualBlock(inputChannels: 2, outputChannels: 3, stride: 2, generator: &g)
        let x = NNTest.randn([3, 2, 4, 4], seed: 100, requiresGrad: true)
        // Central differences need every ReLU input well away from its kink at 0 (a step of ε = 1e-3
        // moves them by a few 1e-3): checked here for these seeds.
        Tensor.withNoGrad {
            let inner = block.conv1(x).batchNorm(gamma: block.bn1.weight, beta: block.bn1.bias).output
            let outer =
                block.conv2(inner.relu()).batchNorm(gamma: block.bn2.weight, beta: block.bn2.bias).output
                + block.shortcut!(x)
            XCTAssertGreaterThan((inner.data + outer.data).map { abs($0) }.min()!, 0.03)
        }
        assertGradients([
            x, block.conv1.weight, block.conv2.weight, block.bn2.weight!,
            block.shortcut!.parameters()[0],
        ]) { _ in block(x) }
    }

    func testMLPWithBatchNormAndGELU() {
        let mlp = MLP(dimensions: [3, 5, 2], activation: .gelu, batchNorm: true, seed: 9)
        let x = NNTest.randn([6, 3], seed: 10, requiresGrad: true)
        assertGradients([x] + mlp.parameters()) { _ in mlp(x) }
    }
}
