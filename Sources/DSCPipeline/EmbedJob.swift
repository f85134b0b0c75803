import DSCCluster
import DSCDeep
import DSCIO
import DSCNNIO
import DSCTensor
import Foundation

/// Writing a model's L2-normalised embeddings of the samples of a file, as `dsc embed` does:
/// `embeddings` `[N, d]` float32 and the input's labels when it has them, atomically.
public struct EmbedJob: Sendable {
    /// A model file written by `dsc train`.
    public var model: String
    public var input: String
    public var output: String
    public var featuresDataset = "features"
    public var labelsDataset = "labels"
    /// A missing labels dataset is an error (the user named it).
    public var labelsRequired = false
    /// Which representation: `z` (default) or the features before the encoder's last layer.
    public var layer: EmbeddingLayer = .embedding

    public init(model: String, input: String, output: String) {
        self.model = model
        self.input = input
        self.output = output
    }

    /// Embeds every sample and writes ``output``; returns the shape written and seconds per stage.
    public func run(progress: ProgressHandler? = nil) throws -> EmbedOutcome {
        try checkWritable(output)
        var timings = StageTimings()
        let loaded = try timings.measure("load") { try EBSCModel.load(model) }
        let embedded = try timings.measure("embed") {
            try ModelEmbedding.embed(
                input, dataset: featuresDataset, labels: labelsDataset, labelsRequired: labelsRequired,
                model: loaded, layer: layer, progress: progress)
        }
        try timings.measure("write") {
            try HDF5Writer.writeFile(output) { out in
                try out.write(embedded.vectors, shape: [embedded.count, embedded.width], to: "embeddings")
                if let labels = embedded.labels { try out.write(labels, to: "labels") }
                try out.setAttribute("model", ModelEmbedding.absolute(model))
                try out.setAttribute("model_fingerprint", loaded.fingerprint)
                try out.setAttribute("layer", layer.rawValue)
                try out.setAttribute("input", input)
                try out.setAttribute("features_dataset", featuresDataset)
                try out.setAttribute("normalized", "L2, each row of unit length")
            }
        }
        return EmbedOutcome(
            count: embedded.count, width: embedded.width, hasLabels: embedded.labels != nil, timings: timings)
    }
}

/// What ``EmbedJob`` wrote.
public struct EmbedOutcome: Sendable {
    public var count: Int
    public var width: Int
    public var hasLabels: Bool
    public var timings: StageTimings
}

/// A model's embeddings of a file's samples: shared by `dsc embed`, and by `dsc index` and
/// `dsc search` with a model.
enum ModelEmbedding {
    /// `path` made absolute against the working directory (an index refers to its model by it).
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/")
            ? path : URL(fileURLWithPath: path).standardizedFileURL.path
    }

    struct Embedded {
        var vectors: [Float]
        var count: Int
        var width: Int
        /// Shape of one sample as the file holds it (`[1, 28, 28]` for images `[N, 28, 28]`).
        var sampleShape: [Int]
        var labels: [Int]?
    }

    /// Reads `dataset` of `file` (finite values only) and embeds every sample with `model`.
    static func embed(
        _ file: String, dataset: String, labels: String, labelsRequired: Bool, model: EBSCModel,
        layer: EmbeddingLayer, progress: ProgressHandler?
    ) throws -> Embedded {
        let reader = try HDF5Reader(path: file)
        let truth = try reader.readLabels(labels, matchingRowsOf: dataset, required: labelsRequired)
        let shape = try reader.matrixShape(dataset).shape
        let samples = try HDF5Samples(path: file, dataset: dataset, inMemoryLimit: 1 << 30)
        let vectors = try model.embed(samples, layer: layer, file: file, dataset: dataset, progress: progress)
        let width = vectors.count / max(samples.count, 1)
        return Embedded(
            vectors: vectors, count: samples.count, width: width, sampleShape: Array(shape.dropFirst()),
            labels: truth)
    }
}
