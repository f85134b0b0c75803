import ArgumentParser
import DSCDeep
import DSCPipeline

extension ContrastiveObjective: ExpressibleByArgument {}
extension AugmentationStrength: ExpressibleByArgument {}
extension Candidates: ExpressibleByArgument {}
extension ImageEncoder: ExpressibleByArgument {}

/// The model and training options shared by `dsc train` and `dsc cluster --method ebsc`.
struct DeepOptions: ParsableArguments {
    @Option(help: "EBSC: training epochs over the data.")
    var epochs = 30

    @Option(help: "EBSC: samples per mini-batch.")
    var batchSize = 256

    @Option(help: "EBSC: peak learning rate (AdamW, warm-up then cosine decay).")
    var learningRate: Float = 1e-3

    @Option(help: "EBSC: contrastive objective (simclr: NT-Xent between two views; moco: InfoNCE against the queue; none).")
    var objective: ContrastiveObjective = .simclr

    @Option(help: "EBSC: how strongly the contrastive views are altered (strong: images get crops, affine jitter, noise and cutout, vectors 20% masking and noise; mild: images affine jitter and noise only, vectors 10% masking and noise).")
    var augment: AugmentationStrength = .strong

    @Option(help: "EBSC: momentum of MoCo's key encoder (0 copies the encoder every step).")
    var momentum: Float = 0.99

    @Option(help: "EBSC: dictionary (queue) size M; memory per step is O(batch × M).")
    var queue = 4096

    @Option(help: "EBSC: embedding width of the encoder.")
    var embedding = 64

    @Option(help: "EBSC: the encoder for images: the residual CNN with LDFR, or an MLP on the flattened pixels (same augmentations, no LDFR).")
    var encoder: ImageEncoder = .cnn

    @Option(help: ArgumentHelp("EBSC: widths of the MLP encoder's hidden layers (feature vectors, or images with --encoder mlp), comma-separated.", valueName: "w,w,…"))
    var hidden = "512,512"

    @Option(help: ArgumentHelp("EBSC: channel widths of the CNN's stages (images), comma-separated.", valueName: "w,w,…"))
    var widths = "32,64,128"

    @Option(help: "EBSC: self-expression weight gamma in gamma/2 |z - C D|^2.")
    var seGamma: Float = 50

    @Option(help: "EBSC: weight of the self-expression loss against the contrastive loss (default: 0.01 for images, 0.1 for feature vectors).")
    var seWeight: Float?

    @Option(help: "EBSC: coefficients kept per sample when coding all N samples.")
    var keep = 5

    @Option(help: "EBSC: which pairs get a coefficient when coding all N: the --keep strongest energies, or the --keep nearest samples by the cosine of the embeddings, of the encoder's features before its last layer (the CNN's backbone, the MLP's last hidden layer), or by the mean of that cosine and the samples' own (features+input), weighted by their energies (default: features+input for images, energy for feature vectors).")
    var candidates: Candidates?

    @Option(help: "EBSC: when clustering, steps fitting the energy network to the final embeddings before all N samples are coded (0: none; default: 100 for images, 0 for feature vectors).")
    var refineSteps: Int?

    @Option(help: "EBSC: when clustering, clean batches that first re-estimate the encoder's batch-norm and LDFR statistics (0: keep the training's; default: 50 for images, 0 for feature vectors).")
    var calibrationBatches: Int?

    @Flag(help: "EBSC: no LDFR layers in the CNN encoder (ablation).")
    var noLdfr = false

    @Flag(inversion: .prefixedNo, help: "EBSC: train the encoder and the energy network together (--joint), or the encoder first and then the energy network on frozen embeddings (--no-joint, twice the epochs). Default: --no-joint for images, --joint for feature vectors.")
    var joint: Bool?

    @Flag(help: "EBSC: code the standardised raw samples, with no encoder (ablation).")
    var rawFeatures = false

    func validate() throws {
        if epochs < 0 { throw ValidationError("--epochs \(epochs) must be at least 0.") }
        if batchSize < 2 { throw ValidationError("--batch-size \(batchSize) must be at least 2.") }
        if !(learningRate > 0) { throw ValidationError("--learning-rate \(learningRate) must be positive.") }
        if !(momentum >= 0 && momentum < 1) { throw ValidationError("--momentum \(momentum) must be in [0, 1).") }
        if queue < 16 { throw ValidationError("--queue \(queue) must be at least 16.") }
        if embedding < 2 { throw ValidationError("--embedding \(embedding) must be at least 2.") }
        if !(seGamma > 0) { throw ValidationError("--se-gamma \(seGamma) must be positive.") }
        if let seWeight, !(seWeight >= 0) { throw ValidationError("--se-weight \(seWeight) must be at least 0.") }
        if let refineSteps, refineSteps < 0 { throw ValidationError("--refine-steps \(refineSteps) must be at least 0.") }
        if let calibrationBatches, calibrationBatches < 0 { throw ValidationError("--calibration-batches \(calibrationBatches) must be at least 0.") }
        if keep < 1 { throw ValidationError("--keep \(keep) must be at least 1.") }
        if parsedWidths == nil { throw ValidationError("--widths \(widths) must be positive integers separated by commas.") }
        if Self.parse(hidden) == nil { throw ValidationError("--hidden \(hidden) must be positive integers separated by commas.") }
    }

    /// `--widths` as integers, nil when malformed.
    var parsedWidths: [Int]? { Self.parse(widths) }

    /// Comma-separated positive integers, nil when malformed.
    static func parse(_ list: String) -> [Int]? {
        let parts = list.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        return parts.map { $0! }
    }

    /// The configuration these options describe.
    func configuration(seed: UInt64) -> EBSCConfiguration {
        var c = EBSCConfiguration()
        c.epochs = epochs
        c.batchSize = batchSize
        c.learningRate = learningRate
        c.objective = objective
        c.augmentationStrength = augment
        c.momentum = momentum
        c.queueSize = queue
        c.embeddingDimensions = embedding
        c.widths = parsedWidths ?? c.widths
        c.hiddenDimensions = Self.parse(hidden) ?? c.hiddenDimensions
        c.imageEncoder = encoder
        c.gamma = seGamma
        c.selfExpressionWeight = seWeight
        c.keep = keep
        c.candidates = candidates
        c.refineSteps = refineSteps
        c.calibrationBatches = calibrationBatches
        c.ldfr = !noLdfr
        c.joint = joint
        c.rawFeatures = rawFeatures
        c.seed = seed
        return c
    }
}

/// Progress of a training run: the bar with loss and ETA on a terminal, one line per epoch on
/// stderr otherwise (for logs of background runs), nothing with `--quiet`.
func trainingReporter(_ progress: ProgressLine, quiet: Bool, perEpoch: Bool) -> @Sendable (TrainingProgress) -> Void {
    let box = UncheckedBox(progress)
    return { p in
        box.value.update("train", Double(p.step) / Double(max(1, p.totalSteps)),
                         detail: String(format: "epoch %d/%d (%@)  loss %.4f", p.epoch + 1, p.totalEpochs, p.phase, p.loss), eta: p.eta)
        if perEpoch && !quiet && !box.value.isEnabled { box.value.logEpochIfDone(p) }
    }
}

/// Holds a non-Sendable reference for a closure that runs on one thread at a time.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
