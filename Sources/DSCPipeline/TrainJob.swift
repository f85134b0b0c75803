import DSCDeep
import DSCNN
import DSCNNIO
import Foundation

/// Training an EBSC model on an HDF5 file and writing it (`dsc train`): the library behind the
/// command, in the manner of ``ClusterJob``.
///
/// With no epochs set, it trains as many epochs as the time budget allows
/// (``EBSCConfiguration/timeBudget``, or by default ``TrainingBudget/defaultSeconds(samples:)``,
/// the budget `dsc cluster` gives the same data), at most the input's most (20 for images, 30
/// for feature vectors). At the end the encoder's batch statistics are re-estimated on the clean
/// samples (``EBSCModel/recalibrate(on:batches:batchSize:)``) before the last save, so that the
/// model embeds every file it is given (a database, its queries) with the same statistics.
///
/// The output is a checkpoint (model, optimizer state, step), rewritten atomically every
/// ``checkpointInterval`` seconds and after every epoch; ``resume`` continues from a checkpoint
/// of the same architecture and data shape, exactly where it stopped.
public struct TrainJob: Sendable {
    public var input: String
    public var output: String
    public var featuresDataset = "features"
    public var configuration: EBSCConfiguration
    /// A checkpoint to continue from (may be ``output`` itself).
    public var resume: String?
    public var checkpointInterval: Double = 300
    public var progress: (@Sendable (TrainingProgress) -> Void)?
    /// Told the training's plan once the first steps are timed (and again if it is re-sized).
    public var trainingPlan: (@Sendable (TrainingPlan) -> Void)?

    public init(input: String, output: String, configuration: EBSCConfiguration) {
        self.input = input
        self.output = output
        self.configuration = configuration
    }

    /// Trains and writes ``output``.
    ///
    /// - Throws: HDF5 errors for the input (one line naming file, dataset and value),
    ///   ``EBSCError`` for a shape the encoders cannot take or a checkpoint of another
    ///   architecture, checkpoint errors for a damaged checkpoint.
    public func run() throws -> TrainOutcome {
        let start = Date()
        let existed = FileManager.default.fileExists(atPath: output)
        let samples = try HDF5Samples(path: input, dataset: featuresDataset, inMemoryLimit: 1 << 30)
        let ebsc = EBSC(clusters: 2, configuration: configuration)
        let model = try ebsc.makeModel(for: samples, file: input, dataset: featuresDataset)
        let trainer = EBSCTrainer(model: model, samples: model.standardized(samples))
        trainer.checkpointInterval = checkpointInterval
        trainer.progress = progress
        trainer.onPlan = trainingPlan
        // Training alone: the budget sizes the epochs to it (no clustering follows). With no
        // budget and no epochs given, the budget `dsc cluster` would give the same data.
        let budget =
            configuration.timeBudget
            ?? (configuration.epochs == nil ? TrainingBudget.defaultSeconds(samples: samples.count) : nil)
        if let budget {
            trainer.budget = budget - Date().timeIntervalSince(start)
        }
        var resumedAt = 0
        if let resume {
            try trainer.resume(from: resume)
            resumedAt = trainer.step
        }
        trainer.checkpointPath = output
        do {
            try trainer.train()
        } catch TrainingBudgetError.tooSmall(let needed) {
            // An epoch's checkpoint may have been written before the plan was made: no output
            // is left behind by a refused run.
            if !existed { try? FileManager.default.removeItem(atPath: output) }
            throw EBSCError.budgetTooSmall(
                file: input, seconds: budget ?? 0,
                minimum: Date().timeIntervalSince(start) + needed)
        }
        // Evaluation statistics of the clean samples, then the last save (training saved after
        // every epoch with the statistics of augmented views).
        let settings = configuration.settings(for: model.kind)
        try model.recalibrate(on: model.standardized(samples), batches: settings.calibrationBatches)
        try trainer.saveCheckpoint()
        return TrainOutcome(
            input: input, output: output, samples: samples.count, kind: model.kind,
            steps: trainer.step, resumedAt: resumedAt, history: trainer.history,
            seconds: Date().timeIntervalSince(start),
            parameters: model.configuration.architecture
                + configuration.training)
    }
}

/// What ``TrainJob/run()`` did.
public struct TrainOutcome: Sendable {
    public var input: String
    public var output: String
    public var samples: Int
    public var kind: SampleKind
    public var steps: Int
    /// The step the run continued from (0 for a fresh run).
    public var resumedAt: Int
    /// Losses of the epochs trained in this run.
    public var history: [EpochRecord]
    public var seconds: Double
    public var parameters: [(String, String)]
}
