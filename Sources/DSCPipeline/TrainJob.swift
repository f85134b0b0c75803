import DSCDeep
import DSCNN
import DSCNNIO
import Foundation

/// Training an EBSC model on an HDF5 file and writing it (`dsc train`): the library behind the
/// command, in the manner of ``ClusterJob``.
///
/// With no epochs set, it trains the input's most (20 for images, 30 for feature vectors), or
/// as many as ``EBSCConfiguration/timeBudget`` allows when that is set.
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
        // Training alone: a budget given sizes the epochs to it (no clustering follows).
        if let budget = configuration.timeBudget {
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
                file: input, seconds: configuration.timeBudget ?? 0,
                minimum: Date().timeIntervalSince(start) + needed)
        }
        // Training saves after every epoch; a resumed run that had nothing left to do saves here.
        if trainer.history.isEmpty { try trainer.saveCheckpoint() }
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
