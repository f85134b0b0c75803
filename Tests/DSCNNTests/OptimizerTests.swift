import DSCNN
import DSCTensor
import DSCTestSupport
import XCTest

/// Optimizer updates against PyTorch 1.13. Expected values from:
///
///     import torch
///     p0 = [0.5, -1.0, 2.0]
///     grads = [[0.1, -0.2, 0.3], [-0.4, 0.5, 0.05], [0.2, 0.1, -0.3]]
///     def run(make):
///         p = torch.tensor(p0, requires_grad=True); opt = make([p]); out = []
///         for g in grads:
///             p.grad = torch.tensor(g); opt.step()
///             out.append([round(float(v), 7) for v in p.detach()])
///         return out
///     run(lambda ps: torch.optim.SGD(ps, lr=0.1))                                   # sgd
///     run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01))  # sgd_mom_wd
///     run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True))      # sgd_nesterov
///     run(lambda ps: torch.optim.Adam(ps, lr=0.01))                                 # adam
///     run(lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1))
///     run(lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1))              # adamw
final class OptimizerTests: XCTestCase {
    static let start: [Float] = [0.5, -1.0, 2.0]
    static let grads: [[Float]] = [[0.1, -0.2, 0.3], [-0.4, 0.5, 0.05], [0.2, 0.1, -0.3]]

    /// Runs three steps of `optimizer` on the fixed gradients; returns the parameter after each.
    func trajectory(_ optimizer: Optimizer) -> [[Float]] {
        let p = Tensor(Self.start, requiresGrad: true)
        return Self.grads.map { g in
            p.grad = Tensor(g)
            optimizer.step([p])
            return p.data
        }
    }

    func assertTrajectory(
        _ optimizer: Optimizer, _ expected: [[Float]], file: StaticString = #filePath, line: UInt = #line
    ) {
        for (k, (got, want)) in zip(trajectory(optimizer), expected).enumerated() {
            assertClose(got, want, accuracy: 2e-6, "step \(k + 1)", file: file, line: line)
        }
        XCTAssertEqual(optimizer.stepCount, 3, file: file, line: line)
    }

    func testSGD() {
        assertTrajectory(
            SGD(learningRate: 0.1), [[0.49, -0.98, 1.97], [0.53, -1.03, 1.965], [0.5100001, -1.04, 1.995]])
    }

    func testSGDMomentumWeightDecay() {
        assertTrajectory(
            SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01),
            [
                [0.4895, -0.979, 1.9680001], [0.5195605, -1.0091209, 1.932232], [0.5260954, -1.0452207, 1.9281086],
            ])
    }

    func testSGDNesterov() {
        assertTrajectory(
            SGD(learningRate: 0.1, momentum: 0.9, nesterov: true),
            [
                [0.481, -0.962, 1.943], [0.5489, -1.0408, 1.9092], [0.53601, -1.0857199, 1.94028],
            ])
    }

    func testAdam() {
        assertTrajectory(
            Adam(learningRate: 0.01),
            [
                [0.49, -0.99, 1.99], [0.495595, -0.9944221, 1.9821668], [0.4966968, -0.9989499, 1.9823463],
            ])
    }

    func testAdamWithL2WeightDecay() {
        assertTrajectory(
            Adam(learningRate: 0.01, betas: (0.8, 0.99), epsilon: 1e-6, weightDecay: 0.1),
            [
                [0.4900001, -0.99, 1.99], [0.4947465, -0.992524, 1.9808575], [0.4937407, -0.9943636, 1.975621],
            ])
    }

    func testAdamW() {
        assertTrajectory(
            AdamW(learningRate: 0.01, weightDecay: 0.1),
            [
                [0.4895, -0.989, 1.988], [0.4946055, -0.9924332, 1.9781789], [0.4952127, -0.9959685, 1.9763802],
            ])
    }

    func testUpdateByModelNamesSkipsParametersWithoutGradient() {
        var g = SeededGenerator(seed: 1)
        let layer = Linear(inputDimensions: 2, outputDimensions: 2, generator: &g)
        let before = layer.weight.data
        layer.bias!.grad = Tensor([1, -1])
        let optimizer = Adam(learningRate: 0.1)
        optimizer.update(layer)
        XCTAssertEqual(layer.weight.data, before, "no gradient, no update")
        assertClose(layer.bias!.data, [-0.1, 0.1])
        XCTAssertEqual(optimizer.state.keys.sorted(), ["bias"])
        XCTAssertEqual(optimizer.state["bias"]!.slots.keys.sorted(), ["m", "v"])
    }

    func testScheduleDrivesTheLearningRate() {
        // Step t uses schedule(t): 0.1, then 0.05; plain SGD makes the rates visible.
        let optimizer = SGD(learningRate: 1, schedule: .joined([.constant(0.1), .constant(0.05)], boundaries: [1]))
        let p = Tensor([0], requiresGrad: true)
        p.grad = Tensor([1])
        optimizer.step([p])
        XCTAssertEqual(p.data[0], -0.1, accuracy: 1e-7)
        XCTAssertEqual(optimizer.currentLearningRate, 0.05)
        optimizer.step([p])
        XCTAssertEqual(p.data[0], -0.15, accuracy: 1e-7)
    }

    func testSchedules() {
        let cosine = LRSchedule.cosineDecay(initial: 1, decaySteps: 10, final: 0.1)
        XCTAssertEqual(cosine(0), 1, accuracy: 1e-6)
        XCTAssertEqual(cosine(5), 0.55, accuracy: 1e-6)
        XCTAssertEqual(cosine(10), 0.1, accuracy: 1e-6)
        XCTAssertEqual(cosine(50), 0.1, accuracy: 1e-6)
        // math.cos(math.pi * 0.3) → 0.1 + 0.9 · (1 + 0.5877853) / 2
        XCTAssertEqual(cosine(3), 0.1 + 0.9 * (1 + 0.587_785_3) / 2, accuracy: 1e-6)

        let linear = LRSchedule.linear(from: 0, to: 1, steps: 4)
        XCTAssertEqual((0...5).map { linear($0) }, [0, 0.25, 0.5, 0.75, 1, 1])
        let warmup = LRSchedule.linearWarmup(steps: 4, peak: 2)
        XCTAssertEqual((0...4).map { warmup($0) }, [0.5, 1, 1.5, 2, 2])

        let schedule = LRSchedule.warmupCosine(peak: 1, warmupSteps: 2, totalSteps: 12)
        XCTAssertEqual(schedule(0), 0.5, accuracy: 1e-6)
        XCTAssertEqual(schedule(1), 1, accuracy: 1e-6)
        XCTAssertEqual(schedule(2), 1, accuracy: 1e-6, "cosine starts at its own t = 0")
        XCTAssertEqual(schedule(7), 0.5, accuracy: 1e-6)
        XCTAssertEqual(schedule(12), 0, accuracy: 1e-6)
        let chained = LRSchedule.linearWarmup(steps: 2, peak: 1).then(.cosineDecay(initial: 1, decaySteps: 10), at: 2)
        XCTAssertEqual((0..<14).map { chained($0) }, (0..<14).map { schedule($0) })
    }

    func testClipGradNorm() {
        // torch.nn.utils.clip_grad_norm_ with grads [3, 4] and [12]: total 13, factor 1/(13 + 1e-6).
        let a = Tensor([0, 0], requiresGrad: true)
        let b = Tensor([0], requiresGrad: true)
        let c = Tensor([0], requiresGrad: true)
        a.grad = Tensor([3, 4])
        b.grad = Tensor([12])
        let total = clipGradNorm([a, b, c], maxNorm: 1)
        XCTAssertEqual(total, 13, accuracy: 1e-5)
        assertClose(a.grad!.data + b.grad!.data, [3 / 13, 4 / 13, 12 / 13], accuracy: 1e-6)
        XCTAssertNil(c.grad)
        // Under the limit: untouched.
        XCTAssertEqual(clipGradNorm([a, b], maxNorm: 5), 1, accuracy: 1e-5)
        assertClose(a.grad!.data, [3 / 13, 4 / 13], accuracy: 1e-6)
        XCTAssertEqual(clipGradNorm([c], maxNorm: 1), 0)
        b.grad = Tensor([.nan])
        XCTAssertTrue(clipGradNorm([a, b], maxNorm: 1).isNaN)
    }
}
