import ArgumentParser
import DSCDeep
import DSCPipeline
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an EBSC model (contrastive encoder + energy network) on the samples of an HDF5 file.",
        discussion: """
            Feature vectors [N, D] get an MLP encoder with masking and noise augmentations; images \
            [N, H, W] or [N, C, H, W] get the residual CNN with LDFR layers and image augmentations. \
            With no --epochs, training fits the time budget dsc cluster gives the same data. \
            The model file is a checkpoint, rewritten atomically every --checkpoint-every seconds and \
            after every epoch, so an interrupted run (even a kill) loses at most that much work: run \
            the same command with --resume MODEL.h5 to continue. Then cluster with it:

              dsc train mnist.h5 --features-dataset images -o model.h5
              dsc train mnist.h5 --features-dataset images -o model.h5 --epochs 20 \\
                  --resume model.h5
              dsc cluster mnist.h5 --features-dataset images -k 10 --model model.h5
              dsc embed model.h5 mnist.h5 --features-dataset images -o embeddings.h5
            """
    )

    @Argument(help: ArgumentHelp("HDF5 file whose rows are the samples.", valueName: "input.h5"))
    var input: String

    @Option(
        name: [.short, .long], help: ArgumentHelp("Model file to write (an HDF5 checkpoint).", valueName: "model.h5"))
    var output: String

    @Option(help: ArgumentHelp("Dataset holding the samples.", valueName: "name"))
    var featuresDataset = "features"

    @Option(
        help: ArgumentHelp("Continue the training stored in this checkpoint (same settings).", valueName: "model.h5"))
    var resume: String?

    @Option(help: ArgumentHelp("Seconds between checkpoints within an epoch.", valueName: "s"))
    var checkpointEvery: Double = 300

    @Option(help: "Seed for every random choice; the same seed gives the same model.")
    var seed: UInt64 = 0

    @OptionGroup var deep: DeepOptions

    @OptionGroup var options: OutputOptions

    func validate() throws {
        if !(checkpointEvery > 0) { throw ValidationError("--checkpoint-every \(checkpointEvery) must be positive.") }
        try asUsageError { try deep.configuration(seed: seed).validateAsOptions() }
    }

    func run() throws {
        try runReportingErrors {
            try checkWritable(output)
            var job = TrainJob(input: input, output: output, configuration: deep.configuration(seed: seed))
            job.featuresDataset = featuresDataset
            job.resume = resume
            job.checkpointInterval = checkpointEvery
            let progress = ProgressLine(quiet: options.quiet)
            job.progress = trainingReporter(progress, quiet: options.quiet, perEpoch: true)
            if !options.quiet { job.trainingPlan = { plan in printError(planLine(plan)) } }
            let outcome: TrainOutcome
            do {
                outcome = try job.run()
                progress.finish()
            } catch {
                progress.finish()
                throw error
            }
            if options.json {
                print(trainJSON(outcome).serialized)
            } else {
                print(trainSummary(outcome))
            }
        }
    }
}
