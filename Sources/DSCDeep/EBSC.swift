import DSCCluster
import DSCNN
import DSCNNIO
import DSCTensor
import Foundation

/// Energy-based self-expressive subspace clustering, in the manner of a scikit-learn estimator:
/// configure, ``fit(_:file:model:)``, read labels, coefficients, affinity, embeddings and timings
/// from the result, ``EBSCResult/predict(_:count:)`` for new samples.
///
/// ```swift
/// var config = EBSCConfiguration()
/// config.epochs = 20
/// let ebsc = EBSC(clusters: 10, configuration: config)
/// let samples = try HDF5Samples(path: "digits.h5")
/// let result = try ebsc.fit(samples, file: "digits.h5")
/// print(result.labels.prefix(10), result.coefficients.nonzeroCount)
/// ```
///
/// 1. Without a given model, a new one is made for the samples' shape (MLP encoder for `[D]`,
///    residual CNN with LDFR for `[C, H, W]`), the input standardisation is estimated, and it is
///    trained by ``EBSCTrainer`` (contrastive + self-expression losses).
/// 2. The encoder's batch norm and LDFR statistics are re-estimated on clean samples
///    (``EBSCModel/recalibrate(on:batches:batchSize:)``); every sample is embedded (`z`,
///    evaluation mode); the energy network is refined on these
///    frozen embeddings (``EnergyRefinement``) and maps them to query and key codes.
/// 3. Every sample is coded against all N samples in streamed blocks, keeping the `keep`
///    strongest coefficients per row (``EnergyCoding``): `C` in CSR, never N×N.
/// 4. ``SelfExpressiveClustering`` on `C`: `W = (|C̃| + |C̃|ᵀ)/2`, spectral clustering.
public struct EBSC {
    public var clusters: Int
    public var configuration: EBSCConfiguration
    /// The eigenvectors and k-means (100 k-means restarts by default); the layout's epochs are
    /// ``EBSCConfiguration/layoutEpochs`` (a default for the input), not this one's.
    public var spectral = SpectralSettings(kmeansRestarts: 100)
    /// How each row of the coefficients is scaled before `(|C| + |C|ᵀ)/2` (unit L2 norm, You et
    /// al.'s choice, by default).
    public var normalization: CoefficientNormalization = .l2
    /// Checkpoints of the training, every ``checkpointInterval`` seconds and after every epoch.
    public var checkpointPath: String?
    public var checkpointInterval: Double = 300
    /// Continue the training stored at ``checkpointPath`` when that file exists.
    public var resume = false
    /// Training progress, called after every step.
    public var trainingProgress: ((TrainingProgress) -> Void)?
    /// Called once the training is sized to the time budget (``TrainingBudget``), with its plan.
    public var trainingPlan: ((TrainingPlan) -> Void)?

    public init(clusters: Int, configuration: EBSCConfiguration = EBSCConfiguration()) {
        self.clusters = clusters
        self.configuration = configuration
    }

    /// A new, untrained model for `samples` (input standardisation estimated from them).
    public func makeModel(for samples: any SampleSource, file: String, dataset: String = "features") throws -> EBSCModel
    {
        guard let kind = SampleKind(sampleShape: samples.sampleShape) else {
            throw EBSCError.unsupportedShape(file: file, dataset: dataset, shape: [samples.count] + samples.sampleShape)
        }
        var config = configuration
        config.input = kind
        // A dictionary larger than the data would hold each sample several times.
        config.queueSize = min(config.queueSize, max(16, samples.count - min(config.batchSize, samples.count)))
        try config.validate()
        if samples.count < max(clusters, 2) {
            throw EBSCError.tooFewSamples(
                file: file, samples: samples.count, needed: max(clusters, 2),
                reason: "one per cluster")
        }
        let model = EBSCModel(config, kind: kind)
        let (shift, scale) = try StandardizedSamples.estimate(samples, images: kind.isImage)
        model.standardization.data = [shift, scale]
        return model
    }

    /// Trains (unless `model` is given) and clusters `samples`. `file` and `dataset` name the
    /// data in error messages. `progress` gets the stages "embed", "refine", "coefficients", "eigen", "kmeans".
    ///
    /// - Throws: ``EBSCError`` for samples the model does not fit or bad settings, checkpoint and
    ///   HDF5 errors, ``ClusterError`` from the spectral stage.
    public func fit(
        _ samples: any SampleSource, file: String, dataset: String = "features", model given: EBSCModel? = nil,
        progress: ProgressHandler? = nil
    ) throws -> EBSCResult {
        let start = ContinuousClock.now
        var timings = StageTimings()
        try ClusterError.checkClusters(clusters, samples: samples.count)
        let model: EBSCModel
        var history: [EpochRecord] = []
        var plan: TrainingPlan?
        if let given {
            try Self.check(given, fits: samples, file: file, dataset: dataset)
            model = given
        } else {
            model = try makeModel(for: samples, file: file, dataset: dataset)
            let trainer = EBSCTrainer(model: model, samples: model.standardized(samples))
            trainer.checkpointPath = checkpointPath
            trainer.checkpointInterval = checkpointInterval
            trainer.progress = trainingProgress
            trainer.onPlan = trainingPlan
            let budget = configuration.timeBudget ?? TrainingBudget.defaultSeconds(samples: samples.count)
            let before = StageTimings.seconds(since: start)
            trainer.budget = budget - before
            let resolved = configuration.settings(for: model.kind)
            let n = samples.count
            trainer.afterTraining = { [configuration] forward in
                TrainingBudget.secondsAfterTraining(
                    samples: n, forwardSecondsPerSample: forward, codeWidth: configuration.energyHidden,
                    keep: resolved.keep, layoutEpochs: resolved.layoutEpochs,
                    calibrationBatches: resolved.calibrationBatches, refineSteps: resolved.refineSteps,
                    batchSize: configuration.batchSize)
            }
            if resume, let path = checkpointPath, FileManager.default.fileExists(atPath: path) {
                try trainer.resume(from: path)
            }
            do {
                try timings.measure("train") { try trainer.train() }
            } catch TrainingBudgetError.tooSmall(let needed) {
                throw EBSCError.budgetTooSmall(file: file, seconds: budget, minimum: before + needed)
            }
            history = trainer.history
            plan = trainer.plan
        }
        let settings = configuration.settings(for: model.kind)
        // Batch statistics of clean samples, re-estimated from scratch (so a model file clusters
        // the same however often it is used).
        _ = try timings.measure("calibrate") {
            try model.recalibrate(
                on: model.standardized(samples), batches: settings.calibrationBatches)
        }
        let candidates = settings.candidates
        let (embeddings, features) = try timings.measure("embed") {
            try Self.embeddings(of: samples, model: model, candidates: candidates, progress: progress)
        }
        // Refinement works on a copy: the model (a file's, or the one just trained) stays as it was.
        let energy = model.energy.copy()
        let refinementLosses = timings.measure("refine") {
            EnergyRefinement(configuration, kind: model.kind).fit(
                energy, embeddings: embeddings, count: samples.count, progress: progress)
        }
        let codes = Self.codes(of: embeddings, count: samples.count, energy: energy)
        // Coding and clustering settings are the estimator's (a loaded model stores only its architecture).
        let keep = settings.keep
        var coding = EnergyCoding(
            keep: keep, threshold: energy.currentThreshold,
            scale: 1 / Float(energy.dimensions))
        coding.block = 512
        let shortlist = Self.shortlist(
            candidates, embeddings: (embeddings, embeddings), features: features.map { ($0, $0) },
            count: samples.count)
        let (c, rescued) = timings.measure("coefficients") {
            coding.coefficients(
                queries: codes.queries, keys: codes.keys, dimension: energy.dimensions,
                selfExcluded: true, shortlist: shortlist, progress: progress)
        }
        var spectral = self.spectral
        spectral.layoutEpochs = settings.layoutEpochs
        var sec = SelfExpressiveClustering(
            clusters: clusters, normalization: normalization, spectral: spectral,
            seed: configuration.seed)
        sec.connectivityHint = "try keeping more coefficients per sample"
        let clustered = try sec.fit(coefficients: c, progress: progress)
        for stage in clustered.timings.stages where stage.name != "total" {
            timings.record(stage.name, seconds: stage.seconds)
        }
        timings.record("total", seconds: StageTimings.seconds(since: start))
        var warnings = clustered.warnings
        if rescued > 0 {
            warnings.insert(
                "\(rescued) of \(samples.count) samples had every coefficient under the learnt threshold "
                    + "\(energy.currentThreshold); each keeps its strongest one", at: 0)
        }
        return EBSCResult(
            model: model, energy: energy, clustering: clustered, embeddings: codes.embeddings, keys: codes.keys,
            history: history, plan: plan, refinementLosses: refinementLosses, timings: timings, warnings: warnings,
            keep: keep,
            candidates: candidates, features: features)
    }

    /// Throws ``EBSCError/architectureMismatch`` unless `model` takes samples of this shape.
    static func check(_ model: EBSCModel, fits samples: any SampleSource, file: String, dataset: String) throws {
        guard let kind = SampleKind(sampleShape: samples.sampleShape) else {
            throw EBSCError.unsupportedShape(file: file, dataset: dataset, shape: [samples.count] + samples.sampleShape)
        }
        if kind != model.kind {
            throw EBSCError.architectureMismatch(
                file: file, setting: "input (dataset \"\(dataset)\")",
                stored: model.kind.description, expected: kind.description)
        }
    }

    /// Embeddings `z` `[N, d]` of every sample, in evaluation mode, 512 samples at a time, and the
    /// rows that choose the pairs for `candidates`: for ``Candidates/features`` the features before
    /// the encoder's last layer (``Encoder/representations(_:)``), for ``Candidates/featuresAndInput``
    /// each features row followed by the sample as the encoder reads it, both unit rows scaled by
    /// `1/√2`, so that the dot product of two rows is the mean of the two cosines; nil otherwise.
    static func embeddings(
        of samples: any SampleSource, model: EBSCModel, candidates: Candidates,
        progress: ProgressHandler?
    ) throws -> (z: [Float], features: [Float]?) {
        let features = candidates.usesFeatures
        let withInput = candidates == .featuresAndInput
        let rawRows = candidates == .input
        model.eval()
        let standardized = model.standardized(samples)
        let n = samples.count
        let size = samples.sampleSize
        var z = [Float]()
        var f = [Float]()
        z.reserveCapacity(n * model.embeddingWidth)
        let block = 512
        var start = 0
        while start < n {
            let rows = min(block, n - start)
            var values = [Float](repeating: 0, count: rows * size)
            let indices = Array(start..<(start + rows))
            if rawRows {
                // The rows as the file holds them choose the pairs; the encoder reads them
                // standardised (the same arithmetic as StandardizedSamples, from one read).
                try values.withUnsafeMutableBufferPointer { try samples.read(indices, into: $0) }
                for r in 0..<rows { Self.appendUnitRow(values, row: r, width: size, length: 1, into: &f) }
                values = values.map { ($0 - standardized.shift) * standardized.scale }
            } else {
                try values.withUnsafeMutableBufferPointer { try standardized.read(indices, into: $0) }
            }
            let x = Tensor(values, shape: [rows] + samples.sampleShape)
            Tensor.withNoGrad {
                if features {
                    let (zb, fb) = model.encoder.representations(x)
                    z += zb.data
                    if withInput {
                        Self.appendJoined(fb.data, values, rows: rows, into: &f)
                    } else {
                        f += fb.data
                    }
                } else {
                    z += model.encoder(x).data
                }
            }
            start += rows
            progress?("embed", Double(start) / Double(n))
        }
        return (z, features || rawRows ? f : nil)
    }

    /// Appends row `r` of `x` (`width` values a row) scaled to length `length` (a zero row stays
    /// zero).
    static func appendUnitRow(_ x: [Float], row r: Int, width b: Int, length: Float, into out: inout [Float]) {
        var norm: Float = 0
        for j in 0..<b { norm += x[r * b + j] * x[r * b + j] }
        let k = norm > 0 ? length / norm.squareRoot() : 0
        for j in 0..<b { out.append(x[r * b + j] * k) }
    }

    /// Appends `rows` rows `[f_r, x_r / ‖x_r‖] / √2` to `out`, for unit rows `f` `[rows, a]` and
    /// samples `x` `[rows, b]` (a zero sample contributes zeros).
    static func appendJoined(_ f: [Float], _ x: [Float], rows: Int, into out: inout [Float]) {
        let a = f.count / max(1, rows)
        let b = x.count / max(1, rows)
        let half = Float(0.5).squareRoot()
        out.reserveCapacity(out.count + rows * (a + b))
        for r in 0..<rows {
            for j in 0..<a { out.append(f[r * a + j] * half) }
            appendUnitRow(x, row: r, width: b, length: half, into: &out)
        }
    }

    /// What chooses the coded pairs: the embeddings `z` for ``Candidates/embedding``, the rows
    /// ``embeddings(of:model:candidates:progress:)`` gave for ``Candidates/features`` and
    /// ``Candidates/featuresAndInput`` (each `queries` against `keys`, `count` query rows), nil
    /// (the energies themselves) for ``Candidates/energy``.
    static func shortlist(
        _ candidates: Candidates, embeddings: (queries: [Float], keys: [Float]),
        features: (queries: [Float], keys: [Float])?, count: Int
    ) -> EnergyCoding.Shortlist? {
        let chosen: (queries: [Float], keys: [Float])
        switch candidates {
        case .energy: return nil
        case .embedding: chosen = embeddings
        case .features, .featuresAndInput, .input:
            guard let features else { preconditionFailure("shortlist: \(candidates) candidates without features") }
            chosen = features
        }
        return EnergyCoding.Shortlist(
            queries: chosen.queries, keys: chosen.keys, dimension: chosen.queries.count / max(1, count))
    }

    /// The embeddings `z` of `n` samples with their query and key codes `[n, h]`, 4096 at a time.
    static func codes(
        of z: [Float], count n: Int, energy: EnergyNetwork
    ) -> (embeddings: [Float], queries: [Float], keys: [Float]) {
        let d = z.count / max(1, n)
        let h = energy.dimensions
        var q = [Float]()
        var k = [Float]()
        q.reserveCapacity(n * h)
        k.reserveCapacity(n * h)
        energy.eval()
        for start in stride(from: 0, to: n, by: 4096) {
            let rows = min(4096, n - start)
            let e = Tensor(Array(z[(start * d)..<((start + rows) * d)]), shape: [rows, d])
            Tensor.withNoGrad {
                q += energy.queries(e).data
                k += energy.keys(e).data
            }
        }
        return (z, q, k)
    }
}

/// A fitted EBSC: labels, sparse coefficients, affinity, embeddings, timings, and the model,
/// with ``predict(_:count:)`` for samples it has not seen.
public struct EBSCResult {
    /// The trained model (evaluation mode).
    public let model: EBSCModel
    /// The energy network that coded the samples: the model's, refined on their embeddings
    /// (``EnergyRefinement``); ``predict(_:count:)`` codes new samples with it.
    public let energy: EnergyNetwork
    /// Coefficients, spectral clustering, labels.
    public let clustering: SelfExpressiveClusteringResult
    /// `z` of every sample, `[N, d]` row-major (L2-normalised).
    public let embeddings: [Float]
    /// Key codes of every sample `[N, h]`: the dictionary new samples are coded against.
    public let keys: [Float]
    /// Per-epoch losses of the training (empty for a given model).
    public let history: [EpochRecord]
    /// How the training was sized to the time budget (nil: a given model, or epochs set).
    public let plan: TrainingPlan?
    /// The self-expression loss of every step of ``EnergyRefinement`` (empty when it is off).
    public let refinementLosses: [Double]
    /// Seconds per stage: train, calibrate, embed, refine, coefficients, affinity, eigen, kmeans, total.
    public let timings: StageTimings
    public let warnings: [String]
    /// Coefficients kept per row (also for ``predict(_:count:)``).
    public let keep: Int
    /// How the coded pairs were chosen (also for ``predict(_:count:)``).
    public let candidates: Candidates
    /// What chose the pairs, for ``predict(_:count:)``: the features before the encoder's last
    /// layer of every sample, `[N, f]` (L2-normalised), for ``Candidates/features``, each joined
    /// with the sample for ``Candidates/featuresAndInput``; nil otherwise.
    public let features: [Float]?

    public var labels: [Int] { clustering.labels }
    /// `C` `[N, N]`: row i codes sample i against the others (top `keep`, thresholded).
    public var coefficients: SparseMatrix { clustering.coefficients }
    /// `W = (|C̃| + |C̃|ᵀ)/2` that was clustered.
    public var affinity: SparseMatrix { clustering.affinity }

    /// Labels for new samples (`count` raw samples of the model's shape, row-major): each is
    /// coded against the N fitted samples and takes the cluster with the largest total `|c|`.
    ///
    /// - Precondition: `values.count == count · sample size`.
    public func predict(_ values: [Float], count: Int) -> [Int] {
        precondition(
            values.count == count * model.kind.size,
            "predict: \(values.count) values are not \(count) samples of \(model.kind)")
        let samples = ArraySamples(values: values, shape: [count] + model.kind.shape)
        // ArraySamples cannot fail to read, and the model fits its own kind.
        let new = try! EBSC.embeddings(of: samples, model: model, candidates: candidates, progress: nil)
        let codes = EBSC.codes(of: new.z, count: count, energy: energy)
        var coding = EnergyCoding(keep: keep, threshold: energy.currentThreshold, scale: 1 / Float(energy.dimensions))
        coding.keepStrongest = true
        let shortlist = EBSC.shortlist(
            candidates, embeddings: (codes.embeddings, embeddings),
            features: new.features.map { ($0, features ?? []) }, count: count)
        let c = coding.coefficients(
            queries: codes.queries, keys: keys, dimension: energy.dimensions,
            selfExcluded: false, shortlist: shortlist
        ).matrix
        let k = clustering.clusters
        let fitted = labels
        return (0..<count).map { i in
            var votes = [Float](repeating: 0, count: k)
            for p in c.indptr[i]..<c.indptr[i + 1] { votes[fitted[Int(c.indices[p])]] += Swift.abs(c.values[p]) }
            return votes.indices.max { votes[$0] < votes[$1] } ?? 0
        }
    }
}

extension EBSC: ClusteringMethod {
    /// The seed of ``configuration``, behind every random choice.
    public var seed: UInt64 {
        get { configuration.seed }
        set { configuration.seed = newValue }
    }

    /// Trains a model and clusters `samples`; errors name an ``HDF5Samples`` source's file and
    /// dataset, other sources as "samples".
    public func fit(_ samples: any SampleSource, progress: ProgressHandler?) throws -> EBSCResult {
        let file = samples as? HDF5Samples
        return try fit(samples, file: file?.path ?? "samples", dataset: file?.dataset ?? "features", progress: progress)
    }
}

extension EBSCResult: ClusteringResult {
    public var spectralResult: SpectralClusteringResult? { clustering.spectral }
}
