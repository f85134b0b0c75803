import DSCIO
import DSCNN
import DSCNNIO
import DSCTensor
import DSCTestSupport
import XCTest

final class CheckpointTests: XCTestCase {
    func testRoundTripGivesIdenticalOutputs() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let path = dir.appendingPathComponent("model.h5").path
        let a = ResNetBackbone(widths: [4, 8], outputDimensions: 3, seed: 1)
        // Move the running statistics away from their initial values.
        _ = a(NNTest.randn([4, 1, 28, 28], seed: 2))
        a.eval()
        try Checkpoint.save(a, to: path, configuration: "{\"widths\":[4,8]}", step: 17, epoch: 2)

        let b = ResNetBackbone(widths: [4, 8], outputDimensions: 3, seed: 99)
        b.eval()
        let x = NNTest.randn([3, 1, 28, 28], seed: 3)
        XCTAssertNotEqual(a(x).data, b(x).data)
        let info = try Checkpoint.load(path, into: b)
        XCTAssertEqual(info, CheckpointInfo(configuration: "{\"widths\":[4,8]}", step: 17, epoch: 2))
        XCTAssertEqual(a(x).data, b(x).data, "identical outputs after loading")
        XCTAssertEqual(b.namedBuffers().map(\.1.data), a.namedBuffers().map(\.1.data))
        XCTAssertEqual(try Checkpoint.info(path).step, 17)

        // The file is plain HDF5: one dataset per tensor under model/, with its own shape.
        let reader = try HDF5Reader(path: path)
        XCTAssertEqual(try reader.shape(of: "model/stem.0.weight"), [4, 1, 3, 3])
        XCTAssertEqual(try reader.shape(of: "model/head.bias"), [3])
        XCTAssertEqual(reader.datasetNames.count, a.namedParameters().count + a.namedBuffers().count)
    }

    func testScalarAndRankOneTensorsRoundTrip() throws {
        final class Scaled: Module, UnaryLayer {
            let gamma = Tensor(scalar: 0, requiresGrad: true)
            let fused = Tensor.zeros([2, 3, 4, 5, 6])
            override func ownParameters() -> [(String, Tensor)] { [("gamma", gamma)] }
            override func ownBuffers() -> [(String, Tensor)] { [("fused", fused)] }
            func callAsFunction(_ x: Tensor) -> Tensor { x * gamma }
        }
        let path = try TestFiles.scratchDirectory(self).appendingPathComponent("s.h5").path
        let a = Scaled()
        a.gamma.data = [0.25]
        a.fused.data = (0..<720).map(Float.init)
        try Checkpoint.save(a, to: path)
        let b = Scaled()
        try Checkpoint.load(path, into: b)
        XCTAssertEqual(b.gamma.data, [0.25])
        XCTAssertEqual(b.fused.data, a.fused.data)
    }

    func testShapeMismatchMissingAndExtraTensorsAreOneLineErrors() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let path = dir.appendingPathComponent("model.h5").path
        try Checkpoint.save(ResNetBackbone(widths: [4, 8], seed: 1), to: path)

        let wider = ResNetBackbone(widths: [6, 8], seed: 1)
        let before = wider.parameters().map(\.data)
        assertCheckpointError(
            try Checkpoint.load(path, into: wider),
            "\(path): \"stem.0.weight\" has shape [4, 1, 3, 3], the model expects [6, 1, 3, 3]")
        XCTAssertEqual(wider.parameters().map(\.data), before, "nothing loaded after an error")

        let deeper = ResNetBackbone(widths: [4, 8, 16], seed: 1)
        assertCheckpointError(
            try Checkpoint.load(path, into: deeper),
            "\(path): \"stages.2.0.conv1.weight\" is missing (the model expects shape [16, 8, 3, 3])")
        let shallower = ResNetBackbone(widths: [4], seed: 1)
        assertCheckpointError(
            try Checkpoint.load(path, into: shallower),
            "\(path): \"head.weight\" has shape [10, 8], the model expects [10, 4]")
        let noHead = ResNetBackbone(widths: [4, 8], outputDimensions: nil, seed: 1)
        assertCheckpointError(
            try Checkpoint.load(path, into: noHead),
            "\(path): \"head.bias\" is in the file but not in the model")
        assertCheckpointError(
            try Checkpoint.load(path, into: ResNetBackbone(widths: [4, 8]), optimizer: SGD(learningRate: 1)),
            "\(path): holds no optimizer state (saved without an optimizer)")

        let other = dir.appendingPathComponent("other.h5").path
        try HDF5Writer.writeFile(other) { try $0.write([1, 2], to: "x") }
        assertCheckpointError(
            try Checkpoint.load(other, into: noHead),
            "\(other): not a DeepSubspace checkpoint (no format attribute \"DeepSubspace checkpoint 1\")")
        XCTAssertThrowsError(try Checkpoint.load(dir.appendingPathComponent("none.h5").path, into: noHead)) {
            XCTAssertTrue($0 is HDF5Error)
        }
    }

    func testOptimizerStateResumesTrainingExactly() throws {
        let path = try TestFiles.scratchDirectory(self).appendingPathComponent("run.h5").path
        let x = NNTest.randn([8, 4], seed: 1)
        let targets = [0, 1, 2, 0, 1, 2, 0, 1]
        func train(_ model: MLP, _ optimizer: Optimizer, steps: Int) {
            for _ in 0..<steps {
                model.zeroGrad()
                Loss.crossEntropy(logits: model(x), targets: targets).backward()
                optimizer.update(model)
            }
        }
        func makeOptimizer() -> AdamW {
            AdamW(learningRate: 0.01, schedule: .warmupCosine(peak: 0.01, warmupSteps: 2, totalSteps: 10))
        }
        // Uninterrupted: 6 steps.
        let straight = MLP(dimensions: [4, 8, 3], batchNorm: true, seed: 5)
        train(straight, makeOptimizer(), steps: 6)
        // Interrupted after 3 steps, saved, resumed in fresh objects.
        let first = MLP(dimensions: [4, 8, 3], batchNorm: true, seed: 5)
        let firstOptimizer = makeOptimizer()
        train(first, firstOptimizer, steps: 3)
        try Checkpoint.save(first, optimizer: firstOptimizer, to: path, step: 3)
        let resumed = MLP(dimensions: [4, 8, 3], batchNorm: true, seed: 6)
        let resumedOptimizer = makeOptimizer()
        try Checkpoint.load(path, into: resumed, optimizer: resumedOptimizer)
        XCTAssertEqual(resumedOptimizer.stepCount, 3)
        XCTAssertEqual(resumedOptimizer.state.keys.sorted(), firstOptimizer.state.keys.sorted())
        train(resumed, resumedOptimizer, steps: 3)
        XCTAssertEqual(resumed.parameters().map(\.data), straight.parameters().map(\.data), "bit-identical resume")
        XCTAssertEqual(resumed.namedBuffers().map(\.1.data), straight.namedBuffers().map(\.1.data))

        assertCheckpointError(
            try Checkpoint.load(path, into: resumed, optimizer: SGD(learningRate: 0.1, momentum: 0.9)),
            "\(path): optimizer state is for AdamW, not SGD")
    }

    private func assertCheckpointError<T>(
        _ body: @autoclosure () throws -> T, _ message: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            _ = try body()
            XCTFail("expected: \(message)", file: file, line: line)
        } catch let error as CheckpointError {
            XCTAssertEqual(error.localizedDescription, message, file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }
}
