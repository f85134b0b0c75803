import DSCNN

/// The shape of the samples a model takes.
public enum SampleKind: Equatable, Sendable, CustomStringConvertible {
    /// Feature vectors of `D` floats: an MLP encoder with feature-space augmentations.
    case features(Int)
    /// Images `[C, H, W]`: the residual CNN with LDFR layers and image augmentations.
    case images(channels: Int, height: Int, width: Int)

    /// The kind for a dataset of per-sample shape `[D]`, `[H, W]` or `[C, H, W]`.
    public init?(sampleShape: [Int]) {
        switch sampleShape.count {
        case 1: self = .features(sampleShape[0])
        case 2: self = .images(channels: 1, height: sampleShape[0], width: sampleShape[1])
        case 3: self = .images(channels: sampleShape[0], height: sampleShape[1], width: sampleShape[2])
        default: return nil
        }
    }

    /// Whether the samples are images (CNN encoder, image augmentations).
    public var isImage: Bool {
        if case .images = self { return true }
        return false
    }

    /// Floats per sample.
    public var size: Int {
        switch self {
        case .features(let d): return d
        case .images(let c, let h, let w): return c * h * w
        }
    }

    /// `[D]` or `[C, H, W]`.
    public var shape: [Int] {
        switch self {
        case .features(let d): return [d]
        case .images(let c, let h, let w): return [c, h, w]
        }
    }

    public var description: String {
        switch self {
        case .features(let d): return "features[\(d)]"
        case .images(let c, let h, let w): return "images[\(c),\(h),\(w)]"
        }
    }
}

/// The contrastive objective that trains the encoder.
public enum ContrastiveObjective: String, CaseIterable, Sendable {
    /// MoCo: InfoNCE against a queue of momentum-encoder keys (the queue is also the dictionary).
    case moco
    /// SimCLR: NT-Xent between the two views of the batch; the queue, still the dictionary,
    /// fills with the encoder's (detached) embeddings of the second view.
    case simclr
    /// No contrastive loss: the encoder learns only from the self-expression loss (an ablation).
    case none
}

/// How strongly the two contrastive views are altered (``EBSCConfiguration/augmentation()``).
public enum AugmentationStrength: String, CaseIterable, Sendable {
    /// Images: random resized crop, affine jitter, noise and cutout; feature vectors: 20 %
    /// masking and noise.
    case strong
    /// Images: affine jitter and noise only, no crop and no cutout (for images as small as 8×8,
    /// where a crop or a cutout removes much of the digit); feature vectors: 10 % masking and noise.
    case mild
}

/// The encoder for images.
public enum ImageEncoder: String, CaseIterable, Sendable {
    /// The residual CNN with LDFR layers and a projection head.
    case cnn
    /// An MLP on the flattened image (``EBSCConfiguration/hiddenDimensions``), trained on the
    /// same image augmentations: no LDFR, much cheaper per step.
    case mlp
}

/// Which pairs get a coefficient when every sample is coded against all N.
public enum Candidates: String, CaseIterable, Sendable {
    /// The `keep` pairs of strongest energy `|q_i · k_j|`.
    case energy
    /// The `keep` nearest embeddings by cosine, each weighted by its thresholded energy: the
    /// energy network weighs (and may drop) the embeddings' neighbours but picks none of its own.
    case embedding
    /// The `keep` nearest samples by the cosine of the encoder's features before its last layer
    /// (the CNN's pooled backbone features, before the projection head; the MLP's last hidden
    /// layer), each weighted by its thresholded energy. SimCLR's representation before the
    /// projection head is the one that transfers (Chen et al. 2020); on MNIST its neighbourhoods
    /// are purer than those of `z`.
    case features
    /// The `keep` nearest samples by the mean of two cosines, of those features and of the
    /// samples themselves (as the encoder reads them), each weighted by its thresholded energy.
    /// On MNIST the features alone separate a style of a digit (crossed sevens) from the rest of
    /// its class, which the pixels still join to it.
    case featuresAndInput = "features+input"
    /// The `keep` nearest samples by the cosine of the samples as the file holds them: the
    /// pairs of the exact kNN graph that `--method spectral` clusters (the reference), each
    /// weighted by its thresholded energy.
    case input

    /// Whether the encoder's features before its last layer choose the pairs.
    public var usesFeatures: Bool { self == .features || self == .featuresAndInput }

    /// Whether rows are read for the shortlist besides the embeddings.
    public var needsRows: Bool { usesFeatures || self == .input }
}

/// Everything that defines an energy-based self-expressive model and its training, in the
/// manner of a scikit-learn estimator's parameters. ``architecture`` (the part that fixes tensor
/// shapes) is stored in checkpoints; loading a checkpoint into a model of another architecture
/// fails naming the first setting that differs.
public struct EBSCConfiguration: Equatable, Sendable {
    /// What the samples are; set from the data by ``EBSC/fit(_:)`` when left nil.
    public var input: SampleKind?
    // Encoder.
    /// Hidden widths of the MLP encoder (feature vectors, and images with ``ImageEncoder/mlp``).
    public var hiddenDimensions = [512, 512]
    /// The encoder for images: the residual CNN (the default) or an MLP on the flattened pixels.
    public var imageEncoder: ImageEncoder = .cnn
    /// Stage widths of the residual CNN (images). 16-32-64 clustered MNIST-70k as well as any
    /// wider network tried, in a quarter of the time of 32-64-128 (notebooks-md/research-switches.md).
    public var widths = [16, 32, 64]
    /// LDFR layers after the CNN stages whose maps are larger than 1×1 (images only).
    public var ldfr = true
    /// LDFR rank r and number of selected maps s.
    public var ldfrRank = 8
    public var ldfrSelected = 64
    /// Dimension of the L2-normalised embedding z (the projection head's output).
    public var embeddingDimensions = 64
    // Contrastive training and the dictionary.
    /// The contrastive objective (SimCLR by default).
    public var objective: ContrastiveObjective = .simclr
    public var temperature: Float = 0.2
    /// How strongly the contrastive views are altered.
    public var augmentationStrength: AugmentationStrength = .strong
    /// Dictionary (queue) size M.
    public var queueSize = 4096
    /// Momentum of the key encoder, `θ_k ← m θ_k + (1 − m) θ_q`.
    public var momentum: Float = 0.99
    // Energy network.
    /// Hidden width of the query and key networks.
    public var energyHidden = 256
    /// Initial soft threshold b (learnt; in units of the energy `q·k`).
    public var initialThreshold: Float = 0.05
    /// Elastic-net weight λ: `λ‖c‖₁ + (1 − λ)/2 ‖c‖²`.
    public var lambda: Float = 0.9
    /// Self-expression weight γ: `γ/2 ‖z − Σ c_j d_j‖²`.
    public var gamma: Float = 50
    /// Weight of the self-expression loss against the contrastive loss in joint training; nil:
    /// the default for the input (``defaults(for:)``).
    public var selfExpressionWeight: Float?
    /// Joint training: the self-expression loss also trains the encoder. Without it the encoder
    /// trains first (contrastive only, ``epochs`` epochs) and the energy network after, on frozen
    /// embeddings (``epochs`` more). nil: the default for the input (``defaults(for:)``).
    public var joint: Bool?
    // Optimisation.
    /// Training epochs (per phase without joint training); nil: as many as ``timeBudget`` allows,
    /// at most the input's default (``defaults(for:)``), sized from the step time measured in
    /// the first steps (``TrainingBudget``).
    public var epochs: Int?
    public var batchSize = 256
    /// Peak learning rate; nil: the default for the input (``defaults(for:)``).
    public var learningRate: Float?
    /// Seconds the whole fit may take (training, coding and clustering); nil: the default for
    /// the number of samples (``TrainingBudget/defaultSeconds(samples:)``). It sizes the training
    /// only when ``epochs`` is nil.
    public var timeBudget: Double?
    public var weightDecay: Float = 1e-4
    /// Warm-up steps of the cosine schedule.
    public var warmupSteps = 100
    // Affinity.
    /// Coefficients kept per row when every sample is coded against all N; nil: the default for
    /// the input (``defaults(for:)``).
    public var keep: Int?
    /// Epochs of the graph layout before k-means in the spectral step
    /// (``SpectralSettings/layoutEpochs``); nil: the default for the input (``defaults(for:)``).
    public var layoutEpochs: Int?
    /// Which pairs of the coding of all N get a coefficient (``Candidates``); nil: the default
    /// for the input (``defaults(for:)``).
    public var candidates: Candidates?
    /// Steps of ``EnergyRefinement`` on the final embeddings before the coding of all N (0: none);
    /// nil: the default for the input (``defaults(for:)``).
    public var refineSteps: Int?
    /// Clean batches that re-estimate the encoder's batch norm and LDFR statistics before the
    /// embedding of all N (``EBSCModel/recalibrate(on:batches:batchSize:)``; 0: keep the
    /// training's, gathered on augmented views); nil: the default for the input (``defaults(for:)``).
    public var calibrationBatches: Int?
    /// Code raw (standardised) features instead of embeddings: no encoder training at all.
    public var rawFeatures = false
    /// The seed behind every random choice: weights, batch order, augmentations, k-means.
    public var seed: UInt64 = 0

    public init(input: SampleKind? = nil) { self.input = input }

    /// The settings that fix the model's tensors, as `name=value` pairs in a fixed order.
    public var architecture: [(String, String)] {
        var out: [(String, String)] = [
            ("input", input.map(String.init(describing:)) ?? "?"),
            ("raw_features", String(rawFeatures)),
        ]
        if rawFeatures {
            return out + [("queue", String(queueSize)), ("energy_hidden", String(energyHidden))]
        }
        if case .images = input, imageEncoder == .cnn {
            out += [("widths", widths.map(String.init).joined(separator: ",")), ("ldfr", String(ldfr))]
            if ldfr { out += [("ldfr_rank", String(ldfrRank)), ("ldfr_selected", String(ldfrSelected))] }
        } else {
            if case .images = input { out += [("encoder", imageEncoder.rawValue)] }
            out += [("hidden", hiddenDimensions.map(String.init).joined(separator: ","))]
        }
        out += [
            ("embedding", String(embeddingDimensions)), ("queue", String(queueSize)),
            ("energy_hidden", String(energyHidden)),
        ]
        return out
    }

    /// Width of the embeddings: ``embeddingDimensions``, or the sample size for raw features.
    public func embeddingWidth(for kind: SampleKind) -> Int { rawFeatures ? kind.size : embeddingDimensions }

    /// ``architecture`` as one string, `input=features[64];hidden=512,512;…`, stored in checkpoints.
    public var architectureString: String {
        architecture.map { "\($0.0)=\($0.1)" }.joined(separator: ";")
    }

    /// The training settings, for reports and result files; a data-dependent setting left to
    /// its default reads `auto` while ``input`` is unknown.
    public var training: [(String, String)] {
        let resolved = input.map { settings(for: $0) }
        return [
            ("objective", objective.rawValue), ("augment", augmentationStrength.rawValue),
            ("temperature", String(temperature)), ("momentum", String(momentum)),
            ("lambda", String(lambda)), ("gamma", String(gamma)),
            ("se_weight", (selfExpressionWeight ?? resolved?.selfExpressionWeight).map { String($0) } ?? "auto"),
            ("joint", (joint ?? resolved?.joint).map { String($0) } ?? "auto"),
            ("epochs", epochs.map(String.init) ?? "budget"),
            ("time_budget_s", timeBudget.map { String($0) } ?? "auto"),
            ("batch_size", String(batchSize)),
            ("learning_rate", (learningRate ?? resolved?.learningRate).map { String($0) } ?? "auto"),
            ("weight_decay", String(weightDecay)),
            ("keep", (keep ?? resolved?.keep).map(String.init) ?? "auto"),
            ("layout_epochs", (layoutEpochs ?? resolved?.layoutEpochs).map(String.init) ?? "auto"),
            ("candidates", (candidates ?? resolved?.candidates)?.rawValue ?? "auto"),
            ("refine_steps", refineSteps.map(String.init) ?? "auto"),
            ("calibration_batches", calibrationBatches.map(String.init) ?? "auto"),
            ("raw_features", String(rawFeatures)), ("seed", String(seed)),
        ]
    }

    /// Throws ``EBSCError/invalidSetting`` for a setting outside its range.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ requirement: String) throws {
            if !ok { throw EBSCError.invalidSetting(name: name, value: "\(value)", requirement: requirement) }
        }
        try check(
            !hiddenDimensions.isEmpty && hiddenDimensions.allSatisfy { $0 >= 1 }, "hiddenDimensions",
            hiddenDimensions, "positive integers")
        try check(!widths.isEmpty && widths.allSatisfy { $0 >= 1 }, "widths", widths, "positive integers")
        try check(embeddingDimensions >= 2, "embeddingDimensions", embeddingDimensions, "at least 2")
        try check(temperature > 0, "temperature", temperature, "positive")
        try check(queueSize >= 16, "queueSize", queueSize, "at least 16")
        try check(momentum >= 0 && momentum < 1, "momentum", momentum, "in [0, 1)")
        try check(energyHidden >= 1, "energyHidden", energyHidden, "at least 1")
        try check(initialThreshold >= 0, "initialThreshold", initialThreshold, "at least 0")
        try check(lambda > 0 && lambda <= 1, "lambda", lambda, "in (0, 1]")
        try check(gamma > 0, "gamma", gamma, "positive")
        try check((selfExpressionWeight ?? 0) >= 0, "selfExpressionWeight", selfExpressionWeight ?? 0, "at least 0")
        try check((epochs ?? 0) >= 0, "epochs", epochs ?? 0, "at least 0")
        try check(batchSize >= 2, "batchSize", batchSize, "at least 2")
        try check((learningRate ?? 1) > 0, "learningRate", learningRate ?? 1, "positive")
        try check(
            (timeBudget ?? 1) > 0 && (timeBudget ?? 1).isFinite, "timeBudget", timeBudget ?? 1,
            "a positive number of seconds")
        try check((layoutEpochs ?? 0) >= 0, "layoutEpochs", layoutEpochs ?? 0, "at least 0")
        try check(weightDecay >= 0, "weightDecay", weightDecay, "at least 0")
        try check((keep ?? 1) >= 1, "keep", keep ?? 1, "at least 1")
        try check((refineSteps ?? 0) >= 0, "refineSteps", refineSteps ?? 0, "at least 0")
        try check((calibrationBatches ?? 0) >= 0, "calibrationBatches", calibrationBatches ?? 0, "at least 0")
        try check(
            ldfrRank >= 1 && ldfrSelected >= ldfrRank, "ldfrRank", "\(ldfrRank)/\(ldfrSelected)",
            "a rank of at least 1 and selected maps at least the rank")
    }

    /// The settings whose default depends on the data, as a run uses them.
    public struct DataDependentSettings: Equatable, Sendable {
        /// Weight of the self-expression loss against the contrastive loss in joint training.
        public var selfExpressionWeight: Float
        /// Whether the encoder and the energy network train together.
        public var joint: Bool
        /// Which pairs get a coefficient when every sample is coded against all N.
        public var candidates: Candidates
        /// Steps of ``EnergyRefinement`` on the final embeddings before the coding of all N.
        public var refineSteps: Int
        /// Clean batches that re-estimate the encoder's statistics before the embedding of all N.
        public var calibrationBatches: Int
        /// Training epochs: the most the time budget may give, or the ones set.
        public var epochs: Int
        /// Peak learning rate.
        public var learningRate: Float
        /// Coefficients kept per row in the coding of all N.
        public var keep: Int
        /// Epochs of the graph layout before k-means.
        public var layoutEpochs: Int
    }

    /// The defaults for samples of `kind`, in one place. Images train on strongly augmented
    /// views through the CNN: a small self-expression weight (0.01) that leaves the encoder's
    /// neighbourhoods intact, the encoder trained first and the energy network after, pairs
    /// chosen by the backbone's features joined with the pixels, 100 refinement steps and 50
    /// calibration batches, at most 20 epochs at a learning rate of 3e-3, 10 coefficients per
    /// sample and a 500-epoch layout before k-means. Feature vectors, whose views hardly differ
    /// from the samples: weight 0.1, joint training, the pairs of the reference kNN graph (the
    /// one `--method spectral` clusters) weighted by their energies, no refinement, no
    /// calibration, at most 30 epochs at 1e-3, 5 coefficients, no layout. The evidence for each
    /// is in notebooks-md/research-switches.md.
    public static func defaults(for kind: SampleKind) -> DataDependentSettings {
        kind.isImage
            ? DataDependentSettings(
                selfExpressionWeight: 0.01, joint: false, candidates: .featuresAndInput,
                refineSteps: 100, calibrationBatches: 50, epochs: 20, learningRate: 3e-3, keep: 10,
                layoutEpochs: 500)
            : DataDependentSettings(
                selfExpressionWeight: 0.1, joint: true, candidates: .input,
                refineSteps: 0, calibrationBatches: 0, epochs: 30, learningRate: 1e-3, keep: 5,
                layoutEpochs: 0)
    }

    /// The data-dependent settings for samples of `kind`: each one that is set here, else its
    /// default from ``defaults(for:)``.
    public func settings(for kind: SampleKind) -> DataDependentSettings {
        var s = Self.defaults(for: kind)
        if let selfExpressionWeight { s.selfExpressionWeight = selfExpressionWeight }
        if let joint { s.joint = joint }
        if let candidates { s.candidates = candidates }
        if let refineSteps { s.refineSteps = refineSteps }
        if let calibrationBatches { s.calibrationBatches = calibrationBatches }
        if let epochs { s.epochs = epochs }
        if let learningRate { s.learningRate = learningRate }
        if let keep { s.keep = keep }
        if let layoutEpochs { s.layoutEpochs = layoutEpochs }
        return s
    }

    /// The augmentation for two contrastive views of a sample of this kind, at
    /// ``augmentationStrength``.
    public func augmentation() -> Compose {
        switch (input, augmentationStrength) {
        case (.images(_, let h, let w)?, .strong): return Compose.smallImages(height: h, width: w)
        case (.images(_, let h, let w)?, .mild): return Compose.smallImagesMild(height: h, width: w)
        case (_, .strong): return Compose.features
        case (_, .mild): return Compose.featuresMild
        }
    }
}
