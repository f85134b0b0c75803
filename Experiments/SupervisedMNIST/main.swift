// Supervised MNIST with the residual backbone, with or without LDFR layers
// (notebooks-md/supervised-mnist.md). Not part of `make test`.
//
//   SupervisedMNIST [--epochs 3] [--batch 128] [--lr 0.002] [--ldfr] [--rank 8] [--selected 64]
//                   [--train N] [--seed 0] [--data datasets/mnist.h5] [--out DIR]
//
// Trains on the first 60,000 images (MNIST's training set), tests on the last 10,000 (its test
// set), and writes DIR/log.json (one object per epoch: train loss, train accuracy, test accuracy,
// seconds) and DIR/model.h5 (a checkpoint). Progress with ETA goes to stderr.
import DSCIO
import DSCNN
import DSCNNIO
import DSCTensor
import Foundation

struct Options {
    var epochs = 3, batch = 128, rank = 8, selected = 64, train = 60000
    var lr: Float = 2e-3
    var ldfr = false
    var seed: UInt64 = 0
    var data = "datasets/mnist.h5"
    var out = "supervised-out"

    init(_ args: [String]) {
        var i = 0
        func value() -> String {
            i += 1
            return i < args.count ? args[i] : ""
        }
        while i < args.count {
            switch args[i] {
            case "--epochs": epochs = Int(value()) ?? epochs
            case "--batch": batch = Int(value()) ?? batch
            case "--rank": rank = Int(value()) ?? rank
            case "--selected": selected = Int(value()) ?? selected
            case "--train": train = Int(value()) ?? train
            case "--lr": lr = Float(value()) ?? lr
            case "--ldfr": ldfr = true
            case "--seed": seed = UInt64(value()) ?? seed
            case "--data": data = value()
            case "--out": out = value()
            default:
                FileHandle.standardError.write(Data("unknown option \(args[i])\n".utf8))
                exit(64)
            }
            i += 1
        }
    }
}

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

func now() -> Double { Date().timeIntervalSince1970 }

/// Images as `[N, 1, 28, 28]` floats normalised with MNIST's mean and standard deviation.
func loadImages(_ path: String) throws -> (x: [Float], y: [Int]) {
    let reader = try HDF5Reader(path: path)
    let images = try reader.readMatrix("images")
    let labels = try reader.readLabels("labels", matchingRowsOf: "images")
    let scale: Float = images.values.max()! > 1.5 ? 1 / 255 : 1
    let mean: Float = 0.1307
    let std: Float = 0.3081
    return (images.values.map { ($0 * scale - mean) / std }, labels)
}

func argmaxAccuracy(_ logits: Tensor, _ labels: [Int]) -> Int {
    let k = logits.shape[1]
    var correct = 0
    logits.data.withUnsafeBufferPointer { p in
        for (i, label) in labels.enumerated() {
            var best = 0
            for j in 1..<k where p[i * k + j] > p[i * k + best] { best = j }
            if best == label { correct += 1 }
        }
    }
    return correct
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
do {
    let (x, y) = try loadImages(options.data)
    let pixels = 28 * 28
    let nTrain = min(options.train, 60000)
    let trainSource = ArraySamples(
        values: Array(x[0..<(nTrain * pixels)]), shape: [nTrain, 1, 28, 28],
        labels: Array(y[0..<nTrain]))
    let testX = Array(x[(60000 * pixels)...])
    let testY = Array(y[60000...])
    let loader = DataLoader(
        trainSource, batchSize: options.batch, shuffle: true, dropLast: true,
        seed: options.seed, prefetch: 2)
    let model = ResNetBackbone(
        inputChannels: 1, widths: [32, 64, 128], outputDimensions: 10,
        imageSize: (28, 28), seed: options.seed,
        afterStage: options.ldfr
            ? { _, h, w in
                LDFR(rank: options.rank, selected: options.selected, spatialSize: h * w)
            } : nil)
    let steps = loader.batchesPerEpoch * options.epochs
    let optimizer = AdamW(
        learningRate: options.lr, weightDecay: 5e-4,
        schedule: .warmupCosine(
            peak: options.lr, warmupSteps: loader.batchesPerEpoch / 4,
            totalSteps: steps))
    try FileManager.default.createDirectory(atPath: options.out, withIntermediateDirectories: true)
    log(
        "model: \(model.parameterCount) parameters, LDFR \(options.ldfr ? "on (rank \(options.rank), \(options.selected) maps)" : "off"); \(nTrain) train / \(testY.count) test; \(options.epochs) epochs of \(loader.batchesPerEpoch) steps"
    )
    var records: [[String: Any]] = []
    let start = now()
    var step = 0
    for epoch in 0..<options.epochs {
        model.train()
        let t0 = now()
        var lossSum = 0.0
        var correct = 0
        var seen = 0
        var stepLosses: [Double] = []
        let batches = loader.epoch(epoch)
        for batch in batches {
            let logits = model(batch.inputs)
            let loss = Loss.crossEntropy(logits: logits, targets: batch.labels!)
            model.zeroGrad()
            loss.backward()
            optimizer.update(model)
            let l = Double(loss.item())
            lossSum += l * Double(batch.count)
            seen += batch.count
            stepLosses.append(l)
            correct += argmaxAccuracy(logits, batch.labels!)
            step += 1
            if step % 50 == 0 {
                let elapsed = now() - start
                let eta = elapsed / Double(step) * Double(steps - step)
                log(
                    String(
                        format: "epoch %d step %d/%d  loss %.4f  %.0f img/s  ETA %.0fs", epoch + 1, step, steps,
                        lossSum / Double(seen), Double(step * options.batch) / elapsed, eta))
            }
        }
        try batches.check()
        let trainSeconds = now() - t0
        model.eval()
        var testCorrect = 0
        Tensor.withNoGrad {
            for lo in stride(from: 0, to: testY.count, by: 1000) {
                let hi = min(testY.count, lo + 1000)
                let xb = Tensor(Array(testX[(lo * pixels)..<(hi * pixels)]), shape: [hi - lo, 1, 28, 28])
                testCorrect += argmaxAccuracy(model(xb), Array(testY[lo..<hi]))
            }
        }
        let record: [String: Any] = [
            "epoch": epoch + 1, "train_loss": lossSum / Double(seen), "train_accuracy": Double(correct) / Double(seen),
            "test_accuracy": Double(testCorrect) / Double(testY.count), "seconds": trainSeconds,
            "images_per_second": Double(seen) / trainSeconds, "step_losses": stepLosses,
        ]
        records.append(record)
        log(
            String(
                format: "epoch %d: train loss %.4f  train acc %.4f  test acc %.4f  (%.0f s)", epoch + 1,
                lossSum / Double(seen), Double(correct) / Double(seen), Double(testCorrect) / Double(testY.count),
                trainSeconds))
        let json = try JSONSerialization.data(
            withJSONObject: [
                "ldfr": options.ldfr, "epochs": records,
                "batch": options.batch, "lr": options.lr, "seed": options.seed,
            ],
            options: [.sortedKeys])
        try json.write(to: URL(fileURLWithPath: options.out + "/log.json"), options: .atomic)
    }
    try Checkpoint.save(
        model, optimizer: optimizer, to: options.out + "/model.h5",
        configuration: "supervised-mnist ldfr=\(options.ldfr)", step: step, epoch: options.epochs)
} catch {
    log("error: \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
    exit(1)
}
