import DSCCluster
import DSCIO
import DSCMetrics
import DSCNN
import DSCNNIO
import DSCTensor
import DSCTestSupport
import Foundation
import XCTest

@testable import DSCDeep

/// The whole method on real and synthetic data, checkpoints and resuming, model files, errors.
final class EBSCTests: XCTestCase {
    var digits: String { TestFiles.dataset("digits.h5") }

    func temporaryFile(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ebsc-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir.appendingPathComponent(name).path
    }

    /// `clusters` random subspaces of dimension `dim` in R^ambient, `perCluster` points each
    /// (unit-norm coefficients, small noise), interleaved.
    static func unionOfSubspaces(
        clusters: Int, dim: Int, ambient: Int, perCluster: Int, seed: UInt64
    )
        -> (values: [Float], labels: [Int])
    {
        var g = SeededGenerator(seed: seed)
        let bases = (0..<clusters).map { _ in (0..<(ambient * dim)).map { _ in Float(g.nextGaussian()) } }
        var values: [Float] = []
        var labels: [Int] = []
        for i in 0..<(clusters * perCluster) {
            let c = i % clusters
            let w = (0..<dim).map { _ in Float(g.nextGaussian()) }
            for a in 0..<ambient {
                var v: Float = 0
                for t in 0..<dim { v += bases[c][a * dim + t] * w[t] }
                values.append(v + 0.01 * Float(g.nextGaussian()))
            }
            labels.append(c)
        }
        return (values, labels)
    }

    static func smallConfiguration(epochs: Int) -> EBSCConfiguration {
        var c = EBSCConfiguration()
        c.epochs = epochs
        c.batchSize = 64
        c.queueSize = 256
        c.hiddenDimensions = [128]
        c.embeddingDimensions = 32
        c.energyHidden = 64
        c.seed = 1
        return c
    }

    func testAugmentationFollowsStrengthAndKind() {
        var c = EBSCConfiguration(input: .images(channels: 1, height: 8, width: 8))
        XCTAssertEqual(c.augmentationStrength, .strong)
        XCTAssertTrue(c.augmentation().steps.contains { $0 is RandomResizedCrop })
        c.augmentationStrength = .mild
        XCTAssertFalse(c.augmentation().steps.contains { $0 is RandomResizedCrop || $0 is RandomApply })
        XCTAssertTrue(c.training.contains { $0.0 == "augment" && $0.1 == "mild" })
        c.input = .features(64)
        XCTAssertEqual(c.augmentation().steps.compactMap { ($0 as? RandomMasking)?.probability }, [0.1])
        c.augmentationStrength = .strong
        XCTAssertEqual(c.augmentation().steps.compactMap { ($0 as? RandomMasking)?.probability }, [0.2])
    }

    /// The self-expression weight of joint training: 0.01 for images, 0.1 for feature vectors,
    /// unless set; the training settings report the weight in use.
    func testSelfExpressionWeightFollowsKind() {
        var c = EBSCConfiguration()
        XCTAssertEqual(c.settings(for: .images(channels: 1, height: 28, width: 28)).selfExpressionWeight, 0.01)
        XCTAssertEqual(c.settings(for: .features(64)).selfExpressionWeight, 0.1)
        XCTAssertTrue(c.training.contains { $0.0 == "se_weight" && $0.1 == "auto" })
        c.input = .images(channels: 1, height: 8, width: 8)
        XCTAssertTrue(c.training.contains { $0.0 == "se_weight" && $0.1 == "0.01" })
        c.selfExpressionWeight = 0.5
        XCTAssertEqual(c.settings(for: .features(64)).selfExpressionWeight, 0.5)
        XCTAssertTrue(c.training.contains { $0.0 == "se_weight" && $0.1 == "0.5" })
        c.selfExpressionWeight = -1
        XCTAssertThrowsError(try c.validate())
    }

    func testCandidatesFollowKind() {
        var c = EBSCConfiguration()
        XCTAssertEqual(c.settings(for: .images(channels: 1, height: 28, width: 28)).candidates, .featuresAndInput)
        XCTAssertEqual(c.settings(for: .features(64)).candidates, .input)
        XCTAssertTrue(c.training.contains { $0.0 == "candidates" && $0.1 == "auto" })
        c.input = .features(64)
        XCTAssertTrue(c.training.contains { $0.0 == "candidates" && $0.1 == "input" })
        c.candidates = .embedding
        XCTAssertEqual(c.settings(for: .images(channels: 1, height: 8, width: 8)).candidates, .embedding)
        XCTAssertTrue(c.training.contains { $0.0 == "candidates" && $0.1 == "embedding" })
    }

    func testUnionOfSubspacesIsRecovered() throws {
        let (values, labels) = Self.unionOfSubspaces(clusters: 5, dim: 3, ambient: 30, perCluster: 80, seed: 11)
        let samples = ArraySamples(values: values, shape: [400, 30], labels: labels)
        let result = try EBSC(clusters: 5, configuration: Self.smallConfiguration(epochs: 15)).fit(
            samples, file: "synthetic")
        let m = ClusteringMetrics(truth: labels, predicted: result.labels)
        XCTAssertGreaterThanOrEqual(m.acc, 0.95, "union of 5 subspaces: \(m)")
        // Sparse, never N×N, and no sample codes itself.
        XCTAssertLessThanOrEqual(result.coefficients.nonzeroCount, 400 * 5, "keep = 5 per row")
        for i in 0..<400 { XCTAssertFalse(result.coefficients.row(i).contains { $0.column == i }) }
        // Most coefficients stay inside the sample's own subspace.
        var inside = 0.0
        var total = 0.0
        for i in 0..<400 {
            for (j, v) in result.coefficients.row(i) {
                total += Double(abs(v))
                if labels[j] == labels[i] { inside += Double(abs(v)) }
            }
        }
        XCTAssertGreaterThan(inside / total, 0.9, "share of |C| within subspaces")
    }

    func testDigitsFeatures() throws {
        let samples = try HDF5Samples(path: digits, labels: "labels")
        // The defaults `dsc cluster` runs (at most 30 epochs in a 1-minute budget, SimCLR, joint,
        // the reference graph's pairs, no refinement for feature vectors): ACC 0.9154 for seed 0
        // (notebooks-md/research-switches.md, `--candidates`).
        let config = EBSCConfiguration()
        let result = try EBSC(clusters: 10, configuration: config).fit(samples, file: digits)
        let m = ClusteringMetrics(truth: samples.labels!, predicted: result.labels)
        XCTAssertGreaterThanOrEqual(m.acc, 0.88, "digits EBSC: \(m)")
        let plan = try XCTUnwrap(result.plan, "no epochs set: the budget plans the training")
        XCTAssertEqual(result.history.count, plan.epochs)
        XCTAssertLessThanOrEqual(plan.epochs, 30)
        XCTAssertEqual(plan.limitedByBudget, plan.epochs < 30)
        XCTAssertTrue(result.refinementLosses.isEmpty, "feature vectors: no refinement by default")
        XCTAssertLessThan(result.history.last!.loss, result.history.first!.loss, "the loss falls")
        XCTAssertEqual(result.embeddings.count, 1797 * 64)
        // Out-of-sample prediction agrees with the fitted labels on the fitted samples.
        var values = [Float](repeating: 0, count: 200 * 64)
        try values.withUnsafeMutableBufferPointer { try samples.read(Array(0..<200), into: $0) }
        let predicted = result.predict(values, count: 200)
        let agree = zip(predicted, result.labels.prefix(200)).filter { $0 == $1 }.count
        XCTAssertGreaterThanOrEqual(agree, 180, "predict vs fit on the same samples")
    }

    /// Training interrupted mid-epoch and resumed from its checkpoint ends bit-identical to an
    /// uninterrupted run.
    func testResumeIsExact() throws {
        let (values, labels) = Self.unionOfSubspaces(clusters: 3, dim: 2, ambient: 10, perCluster: 70, seed: 5)
        let samples = ArraySamples(values: values, shape: [210, 10], labels: labels)
        let config = Self.smallConfiguration(epochs: 3)  // 3 batches per epoch, 9 steps
        func fresh() throws -> EBSCTrainer {
            let model = try EBSC(clusters: 3, configuration: config).makeModel(for: samples, file: "synthetic")
            return EBSCTrainer(model: model, samples: model.standardized(samples))
        }
        let straight = try fresh()
        try straight.train()
        let path = temporaryFile("checkpoint.h5")
        let first = try fresh()
        first.checkpointPath = path
        try first.train(stoppingAt: 4)
        try first.saveCheckpoint()
        let second = try fresh()
        try second.resume(from: path)
        XCTAssertEqual(second.step, 4)
        try second.train()
        for ((name, a), (_, b)) in zip(
            straight.model.namedParameters() + straight.model.namedBuffers(),
            second.model.namedParameters() + second.model.namedBuffers())
        {
            XCTAssertEqual(a.data, b.data, name)
        }
    }

    /// Training in two phases (`--no-joint`) runs twice the steps; its checkpoint stores the
    /// schedule and is refused by a joint run (and a joint checkpoint by a two-phase run) in one
    /// line naming `joint`, where before either resumed against the wrong schedule.
    func testSeparatePhasesAndTheirCheckpoints() throws {
        // By default images train in two phases, feature vectors jointly.
        XCTAssertTrue(EBSCConfiguration().settings(for: .features(10)).joint)
        XCTAssertFalse(EBSCConfiguration().settings(for: .images(channels: 1, height: 8, width: 8)).joint)
        var forced = EBSCConfiguration()
        forced.joint = true
        XCTAssertTrue(forced.settings(for: .images(channels: 1, height: 8, width: 8)).joint)
        let (values, labels) = Self.unionOfSubspaces(clusters: 3, dim: 2, ambient: 10, perCluster: 70, seed: 5)
        let samples = ArraySamples(values: values, shape: [210, 10], labels: labels)
        func trainer(joint: Bool) throws -> EBSCTrainer {
            var config = Self.smallConfiguration(epochs: 2)  // 3 batches per epoch
            config.joint = joint
            let model = try EBSC(clusters: 3, configuration: config).makeModel(for: samples, file: "synthetic")
            return EBSCTrainer(model: model, samples: model.standardized(samples))
        }
        let joint = try trainer(joint: true)
        XCTAssertTrue(joint.joint)
        XCTAssertEqual(joint.totalSteps, 6)
        var jointPhases: [String] = []
        joint.progress = { jointPhases.append($0.phase) }
        try joint.train(stoppingAt: 2)
        XCTAssertEqual(jointPhases, ["joint", "joint"])
        let phases = try trainer(joint: false)
        XCTAssertEqual(phases.totalSteps, 12, "two phases of 2 epochs")
        let path = temporaryFile("phases.h5")
        phases.checkpointPath = path
        try phases.train(stoppingAt: 4)
        try phases.saveCheckpoint()
        XCTAssertTrue(try Checkpoint.info(path).configuration.hasSuffix(";joint=false"))
        XCTAssertThrowsError(try trainer(joint: true).resume(from: path)) { error in
            XCTAssertEqual(
                (error as? LocalizedError)?.errorDescription,
                "\(path): model was built with joint=false, but this run needs joint=(absent)")
        }
        let again = try trainer(joint: false)
        try again.resume(from: path)
        XCTAssertEqual(again.step, 4)
        // Progress names the phase of every step: 2 epochs of the encoder, then 2 of the energy.
        var seen: [String] = []
        again.progress = { seen.append($0.phase) }
        // The finished two-phase model loads as a model.
        try again.train()
        XCTAssertEqual(seen, Array(repeating: "encoder", count: 2) + Array(repeating: "energy", count: 6))
        try again.saveCheckpoint()
        XCTAssertEqual(try EBSCModel.load(path).configuration.joint, false)
        // A joint checkpoint is refused by a two-phase run.
        let jointPath = temporaryFile("joint.h5")
        joint.checkpointPath = jointPath
        try joint.saveCheckpoint()
        XCTAssertThrowsError(try trainer(joint: false).resume(from: jointPath)) { error in
            XCTAssertEqual(
                (error as? LocalizedError)?.errorDescription,
                "\(jointPath): model was built with joint=(absent), but this run needs joint=false")
        }
    }

    /// Refinement trains a copy of the energy network on the final embeddings: the loss falls,
    /// the result codes with the refined copy, and the given model is left as it was.
    func testEnergyRefinementFitsACopy() throws {
        let (values, labels) = Self.unionOfSubspaces(clusters: 3, dim: 2, ambient: 12, perCluster: 40, seed: 3)
        let samples = ArraySamples(values: values, shape: [120, 12], labels: labels)
        var config = Self.smallConfiguration(epochs: 1)
        config.refineSteps = 60
        let ebsc = EBSC(clusters: 3, configuration: config)
        let model = try ebsc.makeModel(for: samples, file: "synthetic")
        let before = model.energy.parameters().map(\.data)
        let result = try ebsc.fit(samples, file: "synthetic", model: model)
        XCTAssertEqual(model.energy.parameters().map(\.data), before, "the given model is not changed")
        XCTAssertNotEqual(result.energy.parameters().map(\.data), before, "the result's energy was refined")
        let losses = result.refinementLosses
        XCTAssertEqual(losses.count, 60)
        let first = losses.prefix(10).reduce(0, +) / 10
        let last = losses.suffix(10).reduce(0, +) / 10
        XCTAssertLessThan(last, first, "the self-expression loss falls: \(first) → \(last)")
        // No refinement: the model's own energy network codes.
        config.refineSteps = 0
        let plain = try EBSC(clusters: 3, configuration: config).fit(samples, file: "synthetic", model: model)
        XCTAssertTrue(plain.refinementLosses.isEmpty)
        XCTAssertEqual(plain.energy.parameters().map(\.data), before)
    }

    /// Recalibration re-estimates only the encoder's buffers (batch norm, LDFR fusion), from
    /// scratch: twice gives the same buffers, parameters stay, and the old buffers come back.
    func testRecalibrationOnCleanImages() throws {
        var generator = SeededGenerator(seed: 4)
        let values = (0..<(48 * 64)).map { _ in Float.random(in: 0...1, using: &generator) }
        let samples = ArraySamples(values: values, shape: [48, 1, 8, 8])
        var config = Self.smallConfiguration(epochs: 0)
        config.widths = [8, 16]
        let model = try EBSC(clusters: 2, configuration: config).makeModel(for: samples, file: "images")
        let parameters = model.parameters().map(\.data)
        let trained = model.encoder.namedBuffers().map(\.1.data)
        let old = try model.recalibrate(on: samples, batches: 3, batchSize: 16)
        XCTAssertEqual(old, trained)
        let once = model.encoder.namedBuffers().map(\.1.data)
        XCTAssertNotEqual(once, trained, "the statistics were re-estimated")
        XCTAssertTrue(
            model.encoder.namedBuffers().contains { $0.0.hasSuffix("fusedCount") && $0.1.data == [3] },
            "LDFR fused the 3 clean batches only")
        try model.recalibrate(on: samples, batches: 3, batchSize: 16)
        XCTAssertEqual(model.encoder.namedBuffers().map(\.1.data), once, "from scratch: the same buffers again")
        XCTAssertEqual(model.parameters().map(\.data), parameters)
        XCTAssertFalse(model.encoder.training)
        model.restoreBuffers(old)
        XCTAssertEqual(model.encoder.namedBuffers().map(\.1.data), trained)
    }

    func testModelFileRoundTripAndMismatchErrors() throws {
        let (values, labels) = Self.unionOfSubspaces(clusters: 3, dim: 2, ambient: 12, perCluster: 40, seed: 8)
        let samples = ArraySamples(values: values, shape: [120, 12], labels: labels)
        let fitted = try EBSC(clusters: 3, configuration: Self.smallConfiguration(epochs: 2)).fit(
            samples, file: "synthetic")
        let path = temporaryFile("model.h5")
        try fitted.model.save(to: path)
        let loaded = try EBSCModel.load(path)
        XCTAssertEqual(loaded.configuration.architectureString, fitted.model.configuration.architectureString)
        let again = try EBSC(clusters: 3).fit(samples, file: "synthetic", model: loaded)
        XCTAssertEqual(again.embeddings, fitted.embeddings)
        var same = EBSCConfiguration()
        same.seed = 1
        let again1 = try EBSC(clusters: 3, configuration: same).fit(samples, file: "synthetic", model: loaded)
        XCTAssertEqual(again1.labels, fitted.labels)
        XCTAssertEqual(ClusteringMetrics(truth: fitted.labels, predicted: again.labels).acc, 1, "same partition")
        // Samples of another width: one line naming the input shapes.
        let other = ArraySamples(values: [Float](repeating: 1, count: 120 * 7), shape: [120, 7])
        XCTAssertThrowsError(try EBSC(clusters: 3).fit(other, file: "other.h5", model: loaded)) { error in
            XCTAssertEqual(
                (error as? LocalizedError)?.errorDescription,
                "other.h5: model was built with input (dataset \"features\")=features[12], but this run needs input (dataset \"features\")=features[7]"
            )
        }
        // A checkpoint of another architecture: names the first setting that differs.
        var wider = Self.smallConfiguration(epochs: 1)
        wider.embeddingDimensions = 16
        let model = try EBSC(clusters: 3, configuration: wider).makeModel(for: samples, file: "synthetic")
        let trainer = EBSCTrainer(model: model, samples: samples)
        XCTAssertThrowsError(try trainer.resume(from: path)) { error in
            XCTAssertEqual(
                (error as? LocalizedError)?.errorDescription,
                "\(path): model was built with embedding=32, but this run needs embedding=16")
        }
        // Not a model at all.
        let plain = temporaryFile("plain.h5")
        try HDF5Writer.writeFile(plain) { try $0.write([1, 2, 3], shape: [3], to: "features") }
        XCTAssertThrowsError(try EBSCModel.load(plain))
    }

    /// `--encoder mlp` on images: an MLP on the flattened pixels, no CNN and no LDFR, trained on
    /// image views; its architecture string round-trips through a model file, and a CNN
    /// checkpoint's string is unchanged by the option.
    func testMLPEncoderForImages() throws {
        var generator = SeededGenerator(seed: 9)
        let values = (0..<(64 * 64)).map { _ in Float.random(in: 0...1, using: &generator) }
        let samples = ArraySamples(values: values, shape: [64, 1, 8, 8])
        var config = Self.smallConfiguration(epochs: 1)
        config.imageEncoder = .mlp
        config.augmentationStrength = .mild
        let fitted = try EBSC(clusters: 2, configuration: config).fit(samples, file: "images")
        let model = fitted.model
        XCTAssertNil(model.encoder.backbone)
        XCTAssertEqual(model.encoder.head?.layers.compactMap { ($0 as? Linear)?.weight.shape }.first, [128, 64])
        XCTAssertFalse(model.encoder.namedBuffers().contains { $0.0.contains("fused") }, "no LDFR")
        XCTAssertEqual(fitted.embeddings.count, 64 * 32)
        XCTAssertTrue(
            model.configuration.architectureString.contains("encoder=mlp;hidden=128;"),
            model.configuration.architectureString)
        let path = temporaryFile("mlp.h5")
        try model.save(to: path)
        let loaded = try EBSCModel.load(path)
        XCTAssertEqual(loaded.configuration.imageEncoder, .mlp)
        XCTAssertEqual(try EBSC(clusters: 2).fit(samples, file: "images", model: loaded).embeddings, fitted.embeddings)
        var cnn = config
        cnn.imageEncoder = .cnn
        cnn.input = .images(channels: 1, height: 8, width: 8)
        XCTAssertFalse(cnn.architectureString.contains("encoder="))
        XCTAssertThrowsError(try EBSCConfiguration(architecture: "input=images[1,8,8];encoder=rnn", file: "x.h5"))
    }

    /// `candidates = .embedding`: the coded pairs are each sample's nearest embeddings.
    func testEmbeddingCandidatesAreNearestEmbeddings() throws {
        let (values, labels) = Self.unionOfSubspaces(clusters: 3, dim: 2, ambient: 10, perCluster: 40, seed: 5)
        var config = Self.smallConfiguration(epochs: 2)
        config.rawFeatures = true
        config.candidates = .embedding
        config.keep = 4
        let samples = ArraySamples(values: values, shape: [120, 10], labels: labels)
        let result = try EBSC(clusters: 3, configuration: config).fit(samples, file: "synthetic")
        let z = result.embeddings
        let d = 10
        for i in 0..<120 {
            let cosines = (0..<120).map { j -> Float in
                j == i ? -.infinity : (0..<d).reduce(0) { $0 + z[i * d + $1] * z[j * d + $1] }
            }
            let nearest = Set(cosines.indices.sorted { cosines[$0] > cosines[$1] }.prefix(4))
            let row = result.coefficients.row(i).map(\.column)
            XCTAssertFalse(row.isEmpty)
            XCTAssertTrue(Set(row).isSubset(of: nearest), "row \(i): \(row) not among \(nearest.sorted())")
        }
        XCTAssertTrue(config.training.contains { $0.0 == "candidates" && $0.1 == "embedding" })
        let again = result.predict(Array(values[0..<(5 * 10)]), count: 5)
        XCTAssertEqual(
            again, Array(result.labels.prefix(5)), "a fitted sample's nearest neighbours vote for its cluster")
    }

    /// EBSC with the small MLP encoder, `keep` 4, on 120 samples of three planes in R^10.
    func fitThreePlanes(candidates: Candidates) throws -> (result: EBSCResult, values: [Float]) {
        let (values, labels) = Self.unionOfSubspaces(clusters: 3, dim: 2, ambient: 10, perCluster: 40, seed: 5)
        var config = Self.smallConfiguration(epochs: 2)
        config.candidates = candidates
        config.keep = 4
        let samples = ArraySamples(values: values, shape: [120, 10], labels: labels)
        return (try EBSC(clusters: 3, configuration: config).fit(samples, file: "synthetic"), values)
    }

    func testFeatureCandidatesAreNearestFeaturesBeforeTheLastLayer() throws {
        let (result, values) = try fitThreePlanes(candidates: .features)
        let f = try XCTUnwrap(result.features)
        let z = result.embeddings
        let d = 128
        let e = 32
        XCTAssertEqual(f.count, 120 * d, "the MLP's last hidden layer")
        func nearest(_ x: [Float], width w: Int, to i: Int) -> Set<Int> {
            let cosines = (0..<120).map { j -> Float in
                j == i ? -.infinity : (0..<w).reduce(0) { $0 + x[i * w + $1] * x[j * w + $1] }
            }
            return Set(cosines.indices.sorted { cosines[$0] > cosines[$1] }.prefix(4))
        }
        var differ = 0
        for i in 0..<120 {
            let byFeatures = nearest(f, width: d, to: i)
            if byFeatures != nearest(z, width: e, to: i) { differ += 1 }
            let row = result.coefficients.row(i).map(\.column)
            XCTAssertFalse(row.isEmpty)
            XCTAssertTrue(Set(row).isSubset(of: byFeatures), "row \(i): \(row) not among \(byFeatures.sorted())")
        }
        XCTAssertGreaterThan(differ, 0, "the features and z must disagree somewhere for this test to tell them apart")
        // The one-pass path gives the encoder's own z, and unit-norm features.
        result.model.eval()
        let x = Tensor(Array(values[0..<30]), shape: [3, 10])
        let both = Tensor.withNoGrad { result.model.encoder.representations(x) }
        let plain = Tensor.withNoGrad { result.model.encoder(x) }
        XCTAssertEqual(both.features.shape, [3, d])
        for (a, b) in zip(both.z.data, plain.data) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        for r in 0..<3 {
            let norm = (0..<d).reduce(Float(0)) { $0 + both.features.data[r * d + $1] * both.features.data[r * d + $1] }
            XCTAssertEqual(norm, 1, accuracy: 1e-4)
        }
        let again = result.predict(Array(values[0..<(5 * 10)]), count: 5)
        XCTAssertEqual(
            again, Array(result.labels.prefix(5)), "a fitted sample's nearest neighbours vote for its cluster")
    }

    func testFeaturesAndInputCandidatesAreNearestByTheMeanOfTwoCosines() throws {
        let (result, values) = try fitThreePlanes(candidates: .featuresAndInput)
        let joined = try XCTUnwrap(result.features)
        let a = 128
        let width = a + 10
        XCTAssertEqual(joined.count, 120 * width, "the MLP's last hidden layer, then the sample")
        for r in [0, 57, 119] {
            let row = Array(joined[(r * width)..<((r + 1) * width)])
            let first = row[0..<a].reduce(Float(0)) { $0 + $1 * $1 }
            let second = row[a...].reduce(Float(0)) { $0 + $1 * $1 }
            XCTAssertEqual(first, 0.5, accuracy: 1e-4, "each half is a unit row scaled by 1/√2")
            XCTAssertEqual(second, 0.5, accuracy: 1e-4)
        }
        func nearest(to i: Int, upTo end: Int) -> Set<Int> {
            let scores = (0..<120).map { j -> Float in
                j == i ? -.infinity : (0..<end).reduce(0) { $0 + joined[i * width + $1] * joined[j * width + $1] }
            }
            return Set(scores.indices.sorted { scores[$0] > scores[$1] }.prefix(4))
        }
        var differ = 0
        for i in 0..<120 {
            let byBoth = nearest(to: i, upTo: width)
            if byBoth != nearest(to: i, upTo: a) { differ += 1 }
            let row = result.coefficients.row(i).map(\.column)
            XCTAssertFalse(row.isEmpty)
            XCTAssertTrue(Set(row).isSubset(of: byBoth), "row \(i): \(row) not among \(byBoth.sorted())")
        }
        XCTAssertGreaterThan(differ, 0, "the samples must change some choices for this test to tell the two apart")
        let again = result.predict(Array(values[0..<(5 * 10)]), count: 5)
        XCTAssertEqual(
            again, Array(result.labels.prefix(5)), "a fitted sample's nearest neighbours vote for its cluster")
    }

    func testRawFeaturesAblationHasNoEncoder() throws {
        let (values, labels) = Self.unionOfSubspaces(clusters: 3, dim: 2, ambient: 10, perCluster: 50, seed: 3)
        var config = Self.smallConfiguration(epochs: 5)
        config.rawFeatures = true
        let result = try EBSC(clusters: 3, configuration: config)
            .fit(ArraySamples(values: values, shape: [150, 10], labels: labels), file: "synthetic")
        XCTAssertTrue(result.model.encoder.parameters().isEmpty)
        XCTAssertEqual(result.embeddings.count, 150 * 10)
        XCTAssertGreaterThanOrEqual(ClusteringMetrics(truth: labels, predicted: result.labels).acc, 0.9)
    }

    func testBadSettingsAreNamed() {
        var config = EBSCConfiguration()
        config.lambda = 2
        let samples = ArraySamples(values: [Float](repeating: 0, count: 40), shape: [10, 4])
        XCTAssertThrowsError(try EBSC(clusters: 2, configuration: config).makeModel(for: samples, file: "x.h5")) {
            error in
            XCTAssertEqual((error as? LocalizedError)?.errorDescription, "lambda = 2.0 is invalid: must be in (0, 1]")
        }
    }
}
