import DSCNN
import DSCNNIO
import DSCTensor
import Foundation

/// Where training stands, for progress lines: step `step` of `totalSteps`, the running means of
/// the losses over the current epoch, and the seconds spent so far in this process.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var step: Int
    public var totalSteps: Int
    /// Epochs in the whole run (both phases without joint training).
    public var totalEpochs: Int
    public var loss: Double
    public var contrastiveLoss: Double
    public var selfExpressionLoss: Double
    public var threshold: Float
    public var seconds: Double
    /// Steps already done when this process started (a resumed run), for the ETA.
    public var resumedAt: Int
    /// What this epoch trains: `joint` (encoder and energy network together), `encoder` (the
    /// first of two phases: the contrastive loss alone) or `energy` (the second phase, or raw
    /// features: the energy network on fixed embeddings).
    public var phase: String = "joint"
    /// Seconds the stages after training are expected to take (0 until a time budget's plan is
    /// made, ``TrainingPlan``).
    public var afterTraining: Double = 0

    /// Seconds left at the pace of this process's steps so far, with the stages after training.
    public var eta: Double? {
        let done = step - resumedAt
        guard done > 0 else { return nil }
        return seconds / Double(done) * Double(totalSteps - step) + afterTraining
    }
}

/// Per-epoch means of the losses.
public struct EpochRecord: Sendable, Equatable {
    public var epoch: Int
    public var loss: Double
    public var contrastiveLoss: Double
    public var selfExpressionLoss: Double
    /// Mean number of non-zero coefficients per sample against the dictionary.
    public var nonzeros: Double
    public var threshold: Float
    public var seconds: Double
}

/// Trains an ``EBSCModel`` on samples: the contrastive loss and the self-expression loss,
/// jointly (the default for feature vectors) or one after the other (for images), with AdamW, a warm-up + cosine schedule and
/// checkpoints.
///
/// One step on a batch of B samples (indices `I`) with two augmented views `x₁`, `x₂`:
///
///     z  = encoder(x₁)                       (L2-normalised, with gradient)
///     k  = keyEncoder(x₂)                    (no gradient; MoCo's key; SimCLR: encoder(x₂) detached)
///     L_con = InfoNCE(z, k, queue) | NT-Xent(z, encoder(x₂))
///     C  = T_b(query(z) · key(D)ᵀ) / h ⊙ mask        D = queue [M, d], mask drops own copies
///     L_se = γ/2 · mean‖z − C D‖² + mean(λ‖C_i‖₁ + (1 − λ)/2 ‖C_i‖²)
///     L = L_con + w · L_se ;  AdamW ;  keyEncoder ← momentum ;  queue ← k (with I)
///
/// Without joint training (``EBSCConfiguration/settings(for:)``: off for images by default) the encoder trains on `L_con` alone
/// for `epochs` epochs, then the energy network on `L_se` for `epochs` epochs with the encoder
/// frozen (`z` detached). With raw features there is no encoder: only the energy network trains.
///
/// Memory per step is O(B·M + model), never O(N²).
public final class EBSCTrainer {
    public let model: EBSCModel
    public let configuration: EBSCConfiguration
    public let optimizer: AdamW
    public let loader: DataLoader
    /// Steps done (over both phases).
    public private(set) var step = 0
    /// Where and how often to save checkpoints (seconds); nil saves none.
    public var checkpointPath: String?
    public var checkpointInterval: Double = 300
    public private(set) var history: [EpochRecord] = []
    /// Called after every step.
    public var progress: ((TrainingProgress) -> Void)?
    /// Epochs per phase: the configuration's, or (when it sets none) the input's most until the
    /// budget sizes them.
    public private(set) var epochs: Int
    /// The most epochs a budget may give: the input's default (``EBSCConfiguration/defaults(for:)``).
    private let maximumEpochs: Int
    /// Seconds the training and everything after it may take from the start of ``train(stoppingAt:)``;
    /// nil: no budget. It sizes ``epochs`` only when the configuration sets none.
    public var budget: Double?
    /// Seconds the stages after training are expected to take, given the measured seconds of the
    /// encoder's forward pass per sample (evaluation mode); 0 when nil.
    public var afterTraining: ((Double) -> Double)?
    /// The plan, once the first steps have been timed (budget-sized runs only).
    public private(set) var plan: TrainingPlan?
    /// Called once the plan is made.
    public var onPlan: ((TrainingPlan) -> Void)?
    /// Steps timed before the plan is made (the first step, which allocates, is not counted).
    static let probeSteps = 8

    /// - Parameter samples: the standardised samples (``StandardizedSamples``).
    public init(model: EBSCModel, samples: any SampleSource) {
        self.model = model
        configuration = model.configuration
        let c = configuration
        let augmentation = c.augmentation()
        let raw = c.rawFeatures
        loader = DataLoader(
            samples, batchSize: min(c.batchSize, samples.count), shuffle: true, dropLast: true,
            seed: c.seed, prefetch: 2
        ) { batch, generator in
            var b = batch
            if !raw {
                b.views = [
                    augmentation.applied(to: batch.inputs, generator: &generator),
                    augmentation.applied(to: batch.inputs, generator: &generator),
                ]
            }
            return b
        }
        let settings = c.settings(for: model.kind)
        epochs = settings.epochs
        maximumEpochs = settings.epochs
        optimizer = AdamW(learningRate: settings.learningRate, weightDecay: c.weightDecay)
        setSchedule()
    }

    /// The warm-up + cosine schedule over ``totalSteps``.
    private func setSchedule() {
        let peak = configuration.settings(for: model.kind).learningRate
        let warmup = max(1, min(configuration.warmupSteps, totalSteps / 10))
        optimizer.schedule = .warmupCosine(
            peak: peak, warmupSteps: warmup, totalSteps: max(warmup + 1, totalSteps))
    }

    /// Steps in the whole run: `epochs` per phase, two phases without joint training.
    public var totalSteps: Int {
        loader.batchesPerEpoch * epochs * (twoPhases ? 2 : 1)
    }

    /// Whether the encoder and the energy network train together (``EBSCConfiguration/settings(for:)``).
    public var joint: Bool { configuration.settings(for: model.kind).joint }

    /// Whether the run trains the encoder and then the energy network (raw features train the
    /// energy network alone, in one phase).
    private var twoPhases: Bool { !joint && !configuration.rawFeatures }

    /// What a checkpoint of this training stores and a resumed one must match: the architecture,
    /// and the schedule when the phases are separate (a joint run resumed as two phases, or the
    /// reverse, would read its step count against the wrong schedule).
    var checkpointConfiguration: String {
        configuration.architectureString + (twoPhases ? ";joint=false" : "")
    }

    /// Restores model, optimizer and step count from a checkpoint of the same architecture.
    ///
    /// - Throws: ``EBSCError/architectureMismatch`` naming the first setting that differs, or
    ///   the checkpoint's own errors (missing tensor, wrong shape, unreadable file).
    public func resume(from path: String) throws {
        let info = try Checkpoint.info(path)
        try EBSCError.checkArchitecture(stored: info.configuration, expected: checkpointConfiguration, file: path)
        try Checkpoint.load(path, into: model, optimizer: optimizer)
        step = info.step
    }

    /// Saves model, optimizer and step to ``checkpointPath`` (atomically).
    public func saveCheckpoint() throws {
        guard let checkpointPath else { return }
        try Checkpoint.save(
            model, optimizer: optimizer, to: checkpointPath, configuration: checkpointConfiguration,
            step: step, epoch: step / max(1, loader.batchesPerEpoch))
    }

    /// Trains from ``step`` to ``totalSteps``, or only up to `stopStep` (as if interrupted there;
    /// no checkpoint is written at that point).
    ///
    /// - Throws: ``TrainingBudgetError/tooSmall(needed:)`` when a ``budget`` cannot hold one
    ///   epoch per phase and the stages after training (after the first steps, which time it).
    public func train(stoppingAt stopStep: Int? = nil) throws {
        let perEpoch = loader.batchesPerEpoch
        var endStep = min(totalSteps, stopStep ?? totalSteps)
        let start = Date()
        let resumedAt = step
        let sizing = budget != nil && configuration.epochs == nil
        var probeStart: Date?
        var lastSave = Date()
        if step == 0 { model.updateKeyEncoder(momentum: 0) }
        model.train()
        while step < endStep {
            let e = step / perEpoch
            let first = step % perEpoch
            let phase: Phase =
                configuration.rawFeatures
                ? .energyOnly
                : joint ? .joint : (e < epochs ? .contrastiveOnly : .energyOnly)
            let epochStart = Date()
            var sums = (loss: 0.0, con: 0.0, se: 0.0, nnz: 0.0)
            var count = 0
            // A whole epoch is loaded ahead on the loader's thread; a resumed partial one here.
            let epochBatches = first == 0 ? loader.epoch(e) : nil
            let order = first == 0 ? [] : loader.order(epoch: e)
            for k in first..<min(perEpoch, endStep - e * perEpoch) {
                let batch: Batch
                if let epochBatches {
                    guard let next = epochBatches.next() else { break }
                    batch = next
                } else {
                    batch = try loader.batch(k, of: order, epoch: e)
                }
                let r = trainStep(batch, phase: phase)
                step += 1
                count += 1
                if sizing && plan == nil {
                    if step == resumedAt + 1 { probeStart = Date() }
                    if step == resumedAt + 1 + Self.probeSteps || step == endStep, let probeStart {
                        let timed = step - resumedAt - 1
                        let stepSeconds = timed > 0 ? Date().timeIntervalSince(probeStart) / Double(timed) : 0
                        try makePlan(
                            batch, stepSeconds: stepSeconds, elapsed: Date().timeIntervalSince(start),
                            stopStep: stopStep)
                        endStep = min(totalSteps, stopStep ?? totalSteps)
                    }
                }
                sums.loss += r.loss
                sums.con += r.contrastive
                sums.se += r.selfExpression
                sums.nnz += r.nonzeros
                progress?(
                    TrainingProgress(
                        epoch: e, step: step, totalSteps: totalSteps,
                        totalEpochs: totalSteps / max(1, perEpoch), loss: sums.loss / Double(count),
                        contrastiveLoss: sums.con / Double(count),
                        selfExpressionLoss: sums.se / Double(count),
                        threshold: model.energy.currentThreshold,
                        seconds: Date().timeIntervalSince(start), resumedAt: resumedAt,
                        phase: phase.name, afterTraining: plan?.afterTrainingSeconds ?? 0))
                if checkpointPath != nil && Date().timeIntervalSince(lastSave) >= checkpointInterval {
                    try saveCheckpoint()
                    lastSave = Date()
                }
            }
            if step < (e + 1) * perEpoch { break }  // stopped within the epoch
            try epochBatches?.check()
            history.append(
                EpochRecord(
                    epoch: e, loss: sums.loss / Double(max(1, count)),
                    contrastiveLoss: sums.con / Double(max(1, count)),
                    selfExpressionLoss: sums.se / Double(max(1, count)),
                    nonzeros: sums.nnz / Double(max(1, count)),
                    threshold: model.energy.currentThreshold,
                    seconds: Date().timeIntervalSince(epochStart)))
            try saveCheckpoint()
            lastSave = Date()
            if sizing, phase != .energyOnly, plan != nil {
                replan(afterEpoch: e, elapsed: Date().timeIntervalSince(start), resumedAt: resumedAt)
                endStep = min(totalSteps, stopStep ?? totalSteps)
            }
        }
        model.eval()
    }

    /// After an epoch of the first phase (or of joint training), sizes the epochs again from the
    /// pace of all the steps so far (the first steps' timing can be off by a fifth): as many as
    /// fit the ``budget``, at most the input's most, never fewer than the epochs done. Tells
    /// ``onPlan`` when the number changes.
    private func replan(afterEpoch e: Int, elapsed: Double, resumedAt: Int) {
        guard let current = plan, let budget, step > resumedAt else { return }
        let pace = elapsed / Double(step - resumedAt)
        let perEpoch = loader.batchesPerEpoch
        func projected(_ epochs: Int) -> Double {
            elapsed + Double(epochs * perEpoch - step) * pace
                + (twoPhases ? Double(epochs * perEpoch) * current.energyStepSeconds : 0)
                + current.afterTrainingSeconds
        }
        // Shorter as soon as the plan would overrun; longer only with 3 % to spare, so that the
        // plan does not swing by an epoch on the noise of one epoch's pace.
        var fitted = epochs
        if projected(fitted) > budget {
            while fitted > e + 1 && projected(fitted) > budget { fitted -= 1 }
        } else {
            while fitted < maximumEpochs && projected(fitted + 1) <= 0.97 * budget { fitted += 1 }
        }
        guard fitted != epochs else { return }
        epochs = fitted
        setSchedule()
        var made = current
        made.epochs = fitted
        made.limitedByBudget = fitted < maximumEpochs
        made.stepSeconds = pace
        made.trainingSeconds = projected(fitted) - current.afterTrainingSeconds
        made.replannedAfterEpoch = e + 1
        plan = made
        onPlan?(made)
    }

    /// Sizes ``epochs`` to the ``budget`` from the measured seconds of a step, a timed energy
    /// step (two phases) and the encoder's forward pass on `batch`, then resets the schedule.
    private func makePlan(_ batch: Batch, stepSeconds: Double, elapsed: Double, stopStep: Int?) throws {
        // The median of three timings of an energy step (one alone varied by 40 %).
        let probes = (0..<3).map { _ in probeEnergyStep(batch) }.sorted { $0.energy < $1.energy }
        let probe = probes[1]
        let energySeconds = twoPhases ? probe.energy : 0
        let after = afterTraining?(probe.forwardPerSample) ?? 0
        let perEpoch = Double(loader.batchesPerEpoch)
        let epochSeconds = perEpoch * (stepSeconds + energySeconds)
        // The steps already done count towards the first epoch.
        let doneSeconds = Double(step) * stepSeconds
        let available = (budget ?? 0) - elapsed - after + doneSeconds
        let maximum = epochs
        guard let fitted = TrainingBudget.epochs(fitting: available, epochSeconds: epochSeconds, maximum: maximum)
        else {
            throw TrainingBudgetError.tooSmall(needed: epochSeconds + after + elapsed - doneSeconds)
        }
        epochs = fitted
        setSchedule()
        let made = TrainingPlan(
            epochs: fitted, limitedByBudget: fitted < maximum, stepSeconds: stepSeconds,
            energyStepSeconds: energySeconds, stepsPerEpoch: loader.batchesPerEpoch,
            trainingSeconds: Double(fitted) * epochSeconds, afterTrainingSeconds: after)
        plan = made
        onPlan?(made)
    }

    /// Seconds of one energy-phase step on `batch` (the encoder's forward pass on the first view
    /// and the key encoder's on the second, in evaluation mode, then the self-expression loss
    /// against the whole dictionary and its gradient; no update, no state changed), and the
    /// forward pass's seconds per sample.
    private func probeEnergyStep(_ batch: Batch) -> (energy: Double, forwardPerSample: Double) {
        let x = configuration.rawFeatures ? batch.inputs : batch.views[0]
        let t0 = Date()
        model.encoder.eval()
        let z = Tensor.withNoGrad { model.encoder(x) }.detached()
        model.encoder.train()
        let forward = Date().timeIntervalSince(t0)
        guard twoPhases else { return (0, forward / Double(max(1, batch.count))) }
        let t1 = Date()
        // The energy phase also embeds the second view with the key encoder for the dictionary.
        model.keyEncoder.eval()
        _ = Tensor.withNoGrad { model.keyEncoder(batch.views[1]) }
        model.keyEncoder.train()
        let (loss, _) = model.energy.selfExpressionLoss(
            z, dictionary: model.queue.detached(), mask: model.dictionaryMask(for: batch.indices),
            gamma: configuration.gamma, lambda: configuration.lambda)
        model.zeroGrad()
        loss.backward()
        model.zeroGrad()
        return (forward + Date().timeIntervalSince(t1), forward / Double(max(1, batch.count)))
    }

    enum Phase {
        case joint, contrastiveOnly, energyOnly

        /// ``TrainingProgress/phase``.
        var name: String {
            switch self {
            case .joint: return "joint"
            case .contrastiveOnly: return "encoder"
            case .energyOnly: return "energy"
            }
        }
    }

    struct StepLosses { var loss, contrastive, selfExpression, nonzeros: Double }

    /// One optimisation step; returns the losses.
    func trainStep(_ batch: Batch, phase: Phase) -> StepLosses {
        let c = configuration
        let raw = c.rawFeatures
        let jointWeight = c.settings(for: model.kind).selfExpressionWeight
        let x1 = raw ? batch.inputs : batch.views[0]
        let x2 = raw ? batch.inputs : batch.views[1]
        // The embedding that codes (with gradient only when the encoder learns from L_se too).
        let z: Tensor
        if phase == .energyOnly {
            model.encoder.eval()
            z = Tensor.withNoGrad { model.encoder(x1) }.detached()
            model.encoder.train()
        } else {
            z = model.encoder(x1)
        }
        // SimCLR embeds x₂ with the encoder itself; its (detached) embeddings fill the queue, so
        // the momentum encoder's forward pass is spared (a fifth of the step's work).
        let simclr = phase != .energyOnly && c.objective == .simclr && !raw
        let z2 = simclr ? model.encoder(x2) : nil
        let keys = z2?.detached() ?? Tensor.withNoGrad { model.keyEncoder(x2) }.detached()
        var total: Tensor?
        var contrastive = 0.0
        let filled = model.filledAtoms
        if phase != .energyOnly && c.objective != .none {
            let lc: Tensor
            switch c.objective {
            case .simclr:
                lc = Loss.ntXent(z, z2 ?? model.encoder(x2), temperature: c.temperature)
            default:
                let negatives =
                    filled == 0
                    ? keys
                    : (filled < c.queueSize ? model.queue.sliced(axis: 0, 0..<filled) : model.queue).detached()
                lc = Loss.infoNCE(query: z, key: keys, queue: negatives, temperature: c.temperature)
            }
            contrastive = Double(lc.item())
            total = lc
        }
        var selfExpression = 0.0
        var nonzeros = 0.0
        if phase != .contrastiveOnly && filled > 0 {
            let zq = phase == .joint ? z : z.detached()
            let dictionary = model.queue.detached()
            let (ls, coefficients) = model.energy.selfExpressionLoss(
                zq, dictionary: dictionary,
                mask: model.dictionaryMask(for: batch.indices),
                gamma: c.gamma, lambda: c.lambda)
            selfExpression = Double(ls.item())
            nonzeros = Double(coefficients.data.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }) / Double(batch.count)
            let weighted = phase == .joint && c.objective != .none ? ls * jointWeight : ls
            total = total.map { $0 + weighted } ?? weighted
        }
        if let total {
            model.zeroGrad()
            total.backward()
            _ = clipGradNorm(model.trainable.map(\.1).filter { $0.grad != nil }, maxNorm: 5)
            optimizer.update(model)
        }
        if !raw { model.updateKeyEncoder(momentum: c.momentum) }
        model.enqueue(raw ? z.detached() : keys, indices: batch.indices)
        return StepLosses(
            loss: contrastive + (phase == .joint ? Double(jointWeight) : 1) * selfExpression,
            contrastive: contrastive, selfExpression: selfExpression, nonzeros: nonzeros)
    }
}

/// A budget that cannot hold the smallest useful training run.
public enum TrainingBudgetError: Error, Equatable {
    /// The seconds, from the start of training, that one epoch per phase and the stages after
    /// training are expected to need.
    case tooSmall(needed: Double)
}
