import ArgumentParser

/// The `dsc` command: deep subspace clustering from the command line.
@main
struct DSC: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "dsc",
        abstract: "Cluster samples in an HDF5 file and report ACC, NMI and ARI.",
        discussion: """
            Samples are the rows of a dataset in an HDF5 file: feature vectors [N, D] or images \
            [N, H, W] / [N, C, H, W], float or integer. The default method, ebsc, trains a contrastive \
            encoder and an energy network (an MLP for vectors, a residual CNN with LDFR layers for \
            images) and clusters their sparse self-expressive coefficients; the classical methods \
            flatten images. Results are written atomically: \
            an output file either appears whole or not at all.

            Quick start:
              dsc demo
              dsc cluster data.h5 --clusters 10 --output result.h5 --report out/
              dsc train images.h5 --output model.h5
              dsc cluster images.h5 --clusters 10 --model model.h5
              dsc evaluate --truth data.h5:labels --pred result.h5:labels
              dsc report result.h5 --output out/
              dsc index database.h5 --output index.h5 --kind itq --bits 32
              dsc search index.h5 queries.h5 --top 10

            Exit status: 0 on success, 1 when an input or output file is unusable (one line on \
            stderr names the file, dataset and value), 64 for a command-line usage error.
            """,
        version: version,
        subcommands: [
            ClusterCommand.self, TrainCommand.self, EvaluateCommand.self, ReportCommand.self, EmbedCommand.self,
            IndexCommand.self, SearchCommand.self, DemoCommand.self,
        ]
    )
}
