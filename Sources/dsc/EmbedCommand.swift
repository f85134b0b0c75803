import ArgumentParser
import DSCDeep
import DSCPipeline
import DSCReport
import Foundation

extension EmbeddingLayer: ExpressibleByArgument {}

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Write a model's embeddings of the samples of an HDF5 file.",
        discussion: """
            Embeds every sample with the model (in evaluation mode, with the batch statistics \
            dsc train stored) and writes embeddings [N, d] float32, each row of unit length, and the \
            input's labels when it has them. The same samples always get the same vectors, whatever \
            file they come in.

            Examples:
              dsc train images.h5 --features-dataset images -o model.h5
              dsc embed model.h5 images.h5 --features-dataset images -o embeddings.h5
            """
    )

    @Argument(help: ArgumentHelp("A model file written by dsc train.", valueName: "model.h5"))
    var model: String

    @Argument(help: ArgumentHelp("HDF5 file whose rows are the samples.", valueName: "input.h5"))
    var input: String

    @Option(name: [.short, .long], help: ArgumentHelp("The file to write.", valueName: "out.h5"))
    var output: String

    @Option(help: ArgumentHelp("Dataset holding the samples.", valueName: "name"))
    var featuresDataset = "features"

    @Option(help: ArgumentHelp("Dataset holding the labels, copied to the output.", valueName: "name"))
    var labelsDataset: String?

    @Option(
        help: ArgumentHelp(
            "embedding: the projection head's output z; features: the encoder's features before its last layer.",
            visibility: .hidden))
    var layer: EmbeddingLayer = .embedding

    @OptionGroup var options: OutputOptions

    func run() throws {
        try runReportingErrors {
            var job = EmbedJob(model: model, input: input, output: output)
            job.featuresDataset = featuresDataset
            job.labelsDataset = labelsDataset ?? "labels"
            job.labelsRequired = labelsDataset != nil
            job.layer = layer
            let progress = ProgressLine(quiet: options.quiet)
            let outcome = try progress.running { try job.run(progress: $0) }
            let seconds = secondsJSON(outcome.timings)
            if options.json {
                print(
                    JSONValue.object([
                        ("n", .integer(outcome.count)), ("dimension", .integer(outcome.width)),
                        ("labels", .bool(outcome.hasLabels)), ("seconds", seconds),
                    ]).serialized)
            } else {
                print(
                    "\((input as NSString).lastPathComponent): \(outcome.count) samples → embeddings [\(outcome.count), \(outcome.width)]\(outcome.hasLabels ? " with labels" : "")"
                )
                print(timeLine(outcome.timings))
                print("  wrote  \(output)")
            }
        }
    }
}
