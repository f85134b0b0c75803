import DSCIO
import DSCNN
import DSCTensor
import DSCTestSupport
import XCTest

/// Proof that the layers, losses and optimizers learn: real data, held-out accuracy. Only
/// accuracy is asserted, never time.
final class TrainingTests: XCTestCase {
    /// scikit-learn's digits (1797 × 64, values 0–16) scaled to [0, 1], shuffled with a fixed
    /// seed and split 1500 train / 297 held out.
    struct Digits {
        let trainX: [Float], trainY: [Int], testX: [Float], testY: [Int]
        static let dimension = 64

        init() throws {
            let reader = try HDF5Reader(path: TestFiles.datasets.appendingPathComponent("digits.h5").path)
            let features = try reader.readMatrix("features")
            let labels = try reader.readLabels("labels", matchingRowsOf: "features")
            var order = Array(0..<features.rows)
            var g = SeededGenerator(seed: 2024)
            order.shuffle(using: &g)
            func take(_ rows: ArraySlice<Int>) -> ([Float], [Int]) {
                (rows.flatMap { r in features.values[r * 64..<(r + 1) * 64].map { $0 / 16 } }, rows.map { labels[$0] })
            }
            (trainX, trainY) = take(order[..<1500])
            (testX, testY) = take(order[1500...])
        }
    }

    /// Fraction of rows whose largest logit is the label.
    func accuracy(_ logits: Tensor, _ labels: [Int]) -> Double {
        let k = logits.shape[1]
        var correct = 0
        for (i, label) in labels.enumerated() {
            let row = logits.data[i * k..<(i + 1) * k]
            if row.firstIndex(of: row.max()!)! - i * k == label { correct += 1 }
        }
        return Double(correct) / Double(labels.count)
    }

    func testMLPLearnsDigitsToNinetyFivePercentHeldOut() throws {
        let data = try Digits()
        let model = MLP(dimensions: [64, 128, 10], batchNorm: true, seed: 0)
        let epochs = 15
        let batch = 50
        let stepsPerEpoch = data.trainY.count / batch
        let optimizer = AdamW(
            learningRate: 3e-3, weightDecay: 1e-4,
            schedule: .warmupCosine(
                peak: 3e-3, warmupSteps: stepsPerEpoch,
                totalSteps: epochs * stepsPerEpoch))
        var g = SeededGenerator(seed: 1)
        var firstLoss: Float = 0
        var lastLoss: Float = 0
        for epoch in 0..<epochs {
            var order = Array(0..<data.trainY.count)
            order.shuffle(using: &g)
            var total: Float = 0
            for s in 0..<stepsPerEpoch {
                let rows = order[s * batch..<(s + 1) * batch]
                let x = Tensor(rows.flatMap { data.trainX[$0 * 64..<($0 + 1) * 64] }, shape: [batch, 64])
                let loss = Loss.crossEntropy(logits: model(x), targets: rows.map { data.trainY[$0] })
                model.zeroGrad()
                loss.backward()
                optimizer.update(model)
                total += loss.item()
            }
            if epoch == 0 { firstLoss = total / Float(stepsPerEpoch) }
            lastLoss = total / Float(stepsPerEpoch)
        }
        XCTAssertLessThan(lastLoss, firstLoss / 4, "training loss falls")
        model.eval()
        let logits = Tensor.withNoGrad { model(Tensor(data.testX, shape: [data.testY.count, 64])) }
        let acc = accuracy(logits, data.testY)
        XCTAssertGreaterThanOrEqual(acc, 0.95, "held-out accuracy \(acc)")
    }

    func testBackboneLossFallsOnDigitImages() throws {
        let data = try Digits()
        let model = ResNetBackbone(inputChannels: 1, widths: [8, 16], outputDimensions: 10, imageSize: (8, 8), seed: 0)
        let optimizer = Adam(learningRate: 1e-2)
        let batch = 100
        let x = Tensor(Array(data.trainX[..<(batch * 64)]), shape: [batch, 1, 8, 8])
        let y = Array(data.trainY[..<batch])
        var losses: [Float] = []
        for _ in 0..<15 {
            let loss = Loss.crossEntropy(logits: model(x), targets: y)
            model.zeroGrad()
            loss.backward()
            clipGradNorm(model.parameters(), maxNorm: 5)
            optimizer.update(model)
            losses.append(loss.item())
        }
        XCTAssertLessThan(losses.last!, losses.first! / 2, "losses \(losses)")
    }
}
