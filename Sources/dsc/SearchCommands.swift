import ArgumentParser
import DSCDeep
import DSCPipeline
import DSCReport
import DSCSearch
import Foundation

extension IndexKind: ExpressibleByArgument {}

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build a search index of the samples of an HDF5 file.",
        discussion: """
            Reads the rows of FEATURES (images are flattened), or a model's embeddings of them with \
            --model, and writes an index file:
              flat  the float vectors, searched exactly by squared Euclidean distance;
              lsh   binary codes by random hyperplanes through the samples' mean;
              itq   binary codes by PCA and iterative quantisation (50 iterations);
              ldph  binary codes by a network that learns from ITQ's codes, with Hamming
                    distances kept a linear function of the Euclidean ones (LDPH);
              cie   the model's embeddings, improved where the samples' own nearest
                    neighbours agree (collaborative index embedding; needs --model).
            Codes are searched exactly by Hamming distance. The index file is HDF5: the vectors or \
            the codes (uint64 words, bit j of a code is bit j % 64 of word j / 64), the encoder, the \
            database's labels when it has them, the model's path and fingerprint, and attributes \
            naming the kind, bits, seed and version. A search embeds its queries with the same \
            model, and refuses a model file that has changed since.

            Examples:
              dsc index database.h5 --output index.h5 --kind itq --bits 32
              dsc search index.h5 queries.h5 --top 10 --output results.h5
              dsc index database.h5 -o deep.h5 --kind ldph --model model.h5 --features-dataset images
            """
    )

    @Argument(help: ArgumentHelp("HDF5 file whose rows are the database.", valueName: "database.h5"))
    var input: String

    @Option(name: [.short, .long], help: ArgumentHelp("The index file to write.", valueName: "index.h5"))
    var output: String

    @Option(help: "What the index holds.")
    var kind: IndexKind = .flat

    @Option(help: "Bits per code (lsh, itq, ldph; at most the sample's dimension for itq and ldph).")
    var bits = 32

    @Option(
        help: ArgumentHelp(
            "Index this model's embeddings of the samples (a file written by dsc train).", valueName: "model.h5"))
    var model: String?

    @Option(
        help: ArgumentHelp(
            "With --model: embedding (the projection head's output z) or features (before the last layer).",
            visibility: .hidden))
    var layer: EmbeddingLayer = .embedding

    @Option(
        help: ArgumentHelp(
            "ldph: a clustering of the database (dsc cluster --output) whose clusters also teach the codes.",
            valueName: "result.h5"))
    var pseudoLabels: String?

    @Option(help: ArgumentHelp("LDPH: principal directions the network reads (default: bits).", visibility: .hidden))
    var ldphInputs: Int?

    @Option(help: ArgumentHelp("LDPH: hidden units (default: as many as its inputs).", visibility: .hidden))
    var ldphHidden: Int?

    @Option(help: ArgumentHelp("Dataset holding the samples.", valueName: "name"))
    var featuresDataset = "features"

    @Option(help: ArgumentHelp("Dataset holding the labels, stored in the index for scores.", valueName: "name"))
    var labelsDataset: String?

    @Option(help: "Seed of the encoder's random choices.")
    var seed: UInt64 = 0

    @OptionGroup var options: OutputOptions

    var job: IndexJob {
        var job = IndexJob(input: input, output: output, kind: kind)
        job.bits = bits
        job.featuresDataset = featuresDataset
        job.labelsDataset = labelsDataset ?? "labels"
        job.labelsRequired = labelsDataset != nil
        job.seed = seed
        job.model = model
        job.layer = layer
        job.ldphInputs = ldphInputs
        job.ldphHidden = ldphHidden
        job.pseudoLabels = pseudoLabels
        return job
    }

    func validate() throws {
        try asUsageError { try job.validateSettings() }
    }

    func run() throws {
        try runReportingErrors {
            let progress = ProgressLine(quiet: options.quiet)
            let outcome = try progress.running { try job.run(progress: $0) }
            let seconds = secondsJSON(outcome.timings)
            if options.json {
                var fields: [(String, JSONValue)] = [
                    ("kind", .string(outcome.kind.rawValue)), ("n", .integer(outcome.count)),
                    ("dimension", .integer(outcome.dimension)),
                ]
                if let bits = outcome.bits { fields.append(("bits", .integer(bits))) }
                fields.append(("bytes_per_sample", .integer(outcome.bytesPerSample)))
                if let a = outcome.cieAgreement { fields.append(("cie_agreement", .array(a.map { .number($0) }))) }
                fields.append(("seconds", seconds))
                print(JSONValue.object(fields).serialized)
            } else {
                let bits = outcome.bits.map { ", \($0) bits" } ?? ""
                print(
                    "\((input as NSString).lastPathComponent): \(outcome.count) samples × \(outcome.dimension) → \(outcome.kind.rawValue) index\(bits), \(outcome.bytesPerSample) bytes per sample"
                )
                print(timeLine(outcome.timings))
                if let a = outcome.cieAgreement {
                    print(
                        "  cie    neighbourhood agreement "
                            + a.map { String(format: "%.3f", $0) }.joined(separator: " → "))
                }
                print("  wrote  \(output)")
            }
        }
    }
}

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index with the samples of a query file.",
        discussion: """
            Writes the TOP nearest database rows of every query: ids [Q, TOP] int64 (row numbers in \
            the database file, best first) and distances [Q, TOP] (Hamming distances as int32 for \
            codes, squared Euclidean distances as float32 otherwise). Ties are broken by database \
            row, the smaller first. A TOP above the database size is clamped.

            When both files have labels it prints the rankings' scores over the whole database: mAP \
            (full ranking, and over the top 5,000), precision@500 and, for codes, precision within \
            Hamming radius 2.
            """
    )

    @Argument(help: ArgumentHelp("An index file written by dsc index.", valueName: "index.h5"))
    var index: String

    @Argument(help: ArgumentHelp("HDF5 file whose rows are the queries.", valueName: "queries.h5"))
    var queries: String

    @Option(help: "Results per query.")
    var top: Int

    @Option(
        name: [.short, .long], help: ArgumentHelp("Write ids and distances to this HDF5 file.", valueName: "results.h5")
    )
    var output: String?

    @Option(
        help: ArgumentHelp(
            "Dataset holding the query samples (default: the one the index was built from).", valueName: "name"))
    var featuresDataset: String?

    @Option(help: ArgumentHelp("Dataset holding the query labels, for scores.", valueName: "name"))
    var labelsDataset = "labels"

    @OptionGroup var options: OutputOptions

    func validate() throws {
        if top < 1 { throw ValidationError("--top \(top) must be at least 1.") }
    }

    func run() throws {
        try runReportingErrors {
            if let output { try checkWritable(output) }
            var job = SearchJob(index: index, queries: queries, top: top)
            job.featuresDataset = featuresDataset
            job.labelsDataset = labelsDataset
            let progress = ProgressLine(quiet: options.quiet)
            let outcome = try job.run(progress: progress.handler)
            progress.finish()
            if let output { try outcome.write(to: output) }
            let seconds = secondsJSON(outcome.timings)
            if options.json {
                var fields: [(String, JSONValue)] = [
                    ("kind", .string(outcome.kind.rawValue)), ("queries", .integer(outcome.queries)),
                    ("database", .integer(outcome.database)), ("top", .integer(outcome.top)),
                ]
                if let bits = outcome.bits { fields.append(("bits", .integer(bits))) }
                fields.append(("seconds", seconds))
                if let s = outcome.scores { fields.append(("metrics", scoresJSON(s))) }
                print(JSONValue.object(fields).serialized)
            } else {
                let bits = outcome.bits.map { ", \($0) bits" } ?? ""
                print(
                    "\((queries as NSString).lastPathComponent): \(outcome.queries) queries against \(outcome.database) rows (\(outcome.kind.rawValue)\(bits)), top \(outcome.top)"
                )
                if let s = outcome.scores {
                    var line = String(
                        format: "  mAP %.4f  mAP@5000 %.4f  P@500 %.4f", s.meanAveragePrecision,
                        s.meanAveragePrecisionAt5000, s.precisionAt500)
                    if let r = s.precisionWithinRadius2 { line += String(format: "  P(r≤2) %.4f", r) }
                    print(line)
                } else {
                    print("  no labels in both files: scores not computed")
                }
                print(timeLine(outcome.timings, decimals: 3))
                if let output { print("  wrote  \(output)") }
            }
            if outcome.top < outcome.requestedTop && !options.quiet {
                printError(
                    "note: --top \(outcome.requestedTop) is above the \(outcome.database) database rows; clamped to \(outcome.top)"
                )
            }
        }
    }

    func scoresJSON(_ s: RetrievalScores) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("map", .number(s.meanAveragePrecision)), ("map_at_5000", .number(s.meanAveragePrecisionAt5000)),
            ("precision_at_500", .number(s.precisionAt500)),
        ]
        if let r = s.precisionWithinRadius2 { fields.append(("precision_within_radius_2", .number(r))) }
        return .object(fields)
    }
}
