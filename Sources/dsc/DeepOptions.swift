import ArgumentParser
import DSCDeep
import DSCPipeline

extension ContrastiveObjective: ExpressibleByArgument {}
extension AugmentationStrength: ExpressibleByArgument {}
extension Candidates: ExpressibleByArgument {}
extension ImageEncoder: ExpressibleByArgument {}

/// The model and training options shared by `dsc train` and `dsc cluster --method ebsc`.
struct DeepOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "EBSC: minutes the whole run may take; training is sized to it from the step time it measures in its first seconds (default: 1 min up to 2,000 samples, 20 min at 70,000).",
            valueName: "minutes"))
    var timeBudget: String?

    @Option(
        help:
            "EBSC: training epochs over the data (default: as many as the time budget allows, at most 20 for images and 30 for feature vectors)."
    )
    var epochs: Int?

    @Option(help: "EBSC: samples per mini-batch.")
    var batchSize = 256

    @Option(
        help:
            "EBSC: peak learning rate (AdamW, warm-up then cosine decay; default: 3e-3 for images, 1e-3 for feature vectors)."
    )
    var learningRate: Float?

    @Option(
        help: ArgumentHelp(
            "EBSC: contrastive objective (simclr: NT-Xent between two views; moco: InfoNCE against the queue; none).",
            visibility: .hidden))
    var objective: ContrastiveObjective = .simclr

    @Option(
        help: ArgumentHelp(
            "EBSC: how strongly the contrastive views are altered (strong: images get crops, affine jitter, noise and cutout, vectors 20% masking and noise; mild: images affine jitter and noise only, vectors 10% masking and noise).",
            visibility: .hidden))
    var augment: AugmentationStrength = .strong

    @Option(
        help: ArgumentHelp(
            "EBSC: momentum of MoCo's key encoder (0 copies the encoder every step).", visibility: .hidden))
    var momentum: Float = 0.99

    @Option(
        help: ArgumentHelp("EBSC: dictionary (queue) size M; memory per step is O(batch × M).", visibility: .hidden))
    var queue = 4096

    @Option(help: ArgumentHelp("EBSC: embedding width of the encoder.", visibility: .hidden))
    var embedding = 64

    @Option(
        help: ArgumentHelp(
            "EBSC: the encoder for images: the residual CNN with LDFR, or an MLP on the flattened pixels (same augmentations, no LDFR).",
            visibility: .hidden))
    var encoder: ImageEncoder = .cnn

    @Option(
        help: ArgumentHelp(
            "EBSC: widths of the MLP encoder's hidden layers (feature vectors, or images with --encoder mlp), comma-separated.",
            valueName: "w,w,…"))
    var hidden = "512,512"

    @Option(
        help: ArgumentHelp("EBSC: channel widths of the CNN's stages (images), comma-separated.", valueName: "w,w,…"))
    var widths = "16,32,64"

    @Option(help: ArgumentHelp("EBSC: self-expression weight gamma in gamma/2 |z - C D|^2.", visibility: .hidden))
    var seGamma: Float = 50

    @Option(
        help: ArgumentHelp(
            "EBSC: weight of the self-expression loss against the contrastive loss (default: 0.01 for images, 0.1 for feature vectors).",
            visibility: .hidden))
    var seWeight: Float?

    @Option(
        help:
            "EBSC: coefficients kept per sample when coding all N samples (default: 10 for images, 5 for feature vectors)."
    )
    var keep: Int?

    @Option(
        help: ArgumentHelp(
            "EBSC: which pairs get a coefficient when coding all N: the --keep strongest energies, or the --keep nearest samples by the cosine of the embeddings, of the encoder's features before its last layer (the CNN's backbone, the MLP's last hidden layer), or by the mean of that cosine and the samples' own (features+input), weighted by their energies (default: features+input for images, energy for feature vectors).",
            visibility: .hidden))
    var candidates: Candidates?

    @Option(
        help: ArgumentHelp(
            "EBSC: when clustering, steps fitting the energy network to the final embeddings before all N samples are coded (0: none; default: 100 for images, 0 for feature vectors).",
            visibility: .hidden))
    var refineSteps: Int?

    @Option(
        help: ArgumentHelp(
            "EBSC: when clustering, clean batches that first re-estimate the encoder's batch-norm and LDFR statistics (0: keep the training's; default: 50 for images, 0 for feature vectors).",
            visibility: .hidden))
    var calibrationBatches: Int?

    @Flag(help: ArgumentHelp("EBSC: no LDFR layers in the CNN encoder (ablation).", visibility: .hidden))
    var noLdfr = false

    @Flag(
        inversion: .prefixedNo,
        help: ArgumentHelp(
            "EBSC: train the encoder and the energy network together (--joint), or the encoder first and then the energy network on frozen embeddings (--no-joint, twice the epochs). Default: --no-joint for images, --joint for feature vectors.",
            visibility: .hidden))
    var joint: Bool?

    @Flag(
        help: ArgumentHelp("EBSC: code the standardised raw samples, with no encoder (ablation).", visibility: .hidden))
    var rawFeatures = false

    /// Only the lists are checked here (parsing is the command line's job); the ranges of the
    /// settings are checked once, by the library (``EBSCConfiguration/validateAsOptions()``).
    func validate() throws {
        if parsedWidths == nil {
            throw ValidationError("--widths \(widths) must be positive integers separated by commas.")
        }
        if let timeBudget, Self.minutes(timeBudget) == nil {
            throw ValidationError("--time-budget \(timeBudget) must be a positive number of minutes.")
        }
        if Self.parse(hidden) == nil {
            throw ValidationError("--hidden \(hidden) must be positive integers separated by commas.")
        }
    }

    /// A positive, finite number of minutes, nil otherwise.
    static func minutes(_ text: String) -> Double? {
        guard let m = Double(text.trimmingCharacters(in: .whitespaces)), m > 0, m.isFinite else { return nil }
        return m
    }

    /// `--widths` as integers, nil when malformed.
    var parsedWidths: [Int]? { Self.parse(widths) }

    /// Comma-separated positive integers, nil when malformed.
    static func parse(_ list: String) -> [Int]? {
        let parts = list.split(separator: ",", omittingEmptySubsequences: false).map {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        return parts.map { $0! }
    }

    /// The configuration these options describe.
    func configuration(seed: UInt64) -> EBSCConfiguration {
        var c = EBSCConfiguration()
        c.epochs = epochs
        c.timeBudget = timeBudget.flatMap(Self.minutes).map { $0 * 60 }
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
        box.value.update(
            "train", Double(p.step) / Double(max(1, p.totalSteps)),
            detail: String(format: "epoch %d/%d (%@)  loss %.4f", p.epoch + 1, p.totalEpochs, p.phase, p.loss),
            eta: p.eta)
        if perEpoch && !quiet && !box.value.isEnabled { box.value.logEpochIfDone(p) }
    }
}

/// Holds a non-Sendable reference for a closure that runs on one thread at a time.
final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
