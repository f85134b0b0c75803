import DSCCluster
import DSCDeep
import DSCIO
import DSCMetrics
import DSCNeighbors
import DSCSearch
import DSCTensor
import Foundation

/// Building an index file from a database file, as `dsc index` does: read the samples (images
/// flattened), train the encoder on them (LSH, ITQ), add them, write the index atomically.
public struct IndexJob: Sendable {
    /// The database HDF5 file and its datasets.
    public var input: String
    public var featuresDataset = "features"
    public var labelsDataset = "labels"
    /// A missing labels dataset is an error (the user named it).
    public var labelsRequired = false
    /// The index file to write.
    public var output: String
    public var kind: IndexKind = .flat
    /// Bits per code (LSH, ITQ): `1…4096`, and at most the sample's dimension for ITQ.
    public var bits = 32
    /// The seed of the encoder's random choices (LSH's hyperplanes, ITQ's starting rotation).
    public var seed: UInt64 = 0

    /// Largest code length this build writes.
    public static let maxBits = 4096

    public init(input: String, output: String, kind: IndexKind = .flat) {
        self.input = input
        self.output = output
        self.kind = kind
    }

    /// Checks the settings that need no file.
    public func validateSettings() throws {
        if kind == .cie && model == nil {
            throw PipelineError.invalidSetting(
                flag: "--kind", value: "cie", requirement: "needs --model: CIE improves a model's embeddings")
        }
        for (flag, value) in [("--ldph-inputs", ldphInputs), ("--ldph-hidden", ldphHidden)] {
            if let value, value < 1 {
                throw PipelineError.invalidSetting(flag: flag, value: String(value), requirement: "at least 1")
            }
        }
        if pseudoLabels != nil && kind != .ldph {
            throw PipelineError.invalidSetting(
                flag: "--pseudo-labels", value: pseudoLabels!, requirement: "only with --kind ldph")
        }
        if kind.isBinary && !(1...Self.maxBits).contains(bits) {
            throw PipelineError.invalidSetting(
                flag: "--bits", value: String(bits), requirement: "in 1...\(Self.maxBits) for --kind \(kind.rawValue)")
        }
    }

    /// Samples the encoder trains on at most: a database larger than this trains on evenly spaced
    /// rows (all of MNIST's 69,000 fit).
    public var maxTrainingSamples = 200_000
    /// Rows read, encoded and added at a time: the database is streamed, so that binary codes of a
    /// file larger than memory can be built.
    public var blockRows = 65_536

    /// The model whose embeddings are indexed instead of the samples (`--model`); queries are
    /// then embedded by it too.
    public var model: String?
    /// The model's representation that is indexed.
    public var layer: EmbeddingLayer = .embedding
    /// LDPH: principal directions its network reads, and hidden units (nil: ``LDPH``'s defaults).
    public var ldphInputs: Int?
    public var ldphHidden: Int?
    /// LDPH: a result file whose `labels` (a clustering of the database, as `dsc cluster
    /// --output` writes it) are an extra reference (``LDPH/referenceLabels``).
    public var pseudoLabels: String?

    /// Builds and writes the index; returns what was built with seconds per stage (check, embed,
    /// train, add, write). Without a model the database is read in blocks of ``blockRows``:
    /// memory is the training sample plus the index itself. With a model its embeddings of
    /// every sample are held in memory (`4 · width` bytes per sample).
    public func run(progress: ProgressHandler? = nil) throws -> IndexOutcome {
        try validateSettings()
        try checkWritable(output)
        var timings = StageTimings()
        var cieAgreement: [Double]?
        var rows: IndexRows
        var metadata: IndexMetadata
        if let model {
            let loaded = try timings.measure("load") { try EBSCModel.load(model) }
            let embedded = try timings.measure("embed") {
                try ModelEmbedding.embed(
                    input, dataset: featuresDataset, labels: labelsDataset, labelsRequired: labelsRequired,
                    model: loaded, layer: layer, progress: progress)
            }
            rows = .memory(embedded.vectors, dimension: embedded.width)
            if kind == .cie {
                // The second space is the samples themselves, flattened.
                let samples = try timings.measure("read") {
                    try HDF5Reader(path: input).readMatrix(featuresDataset, checkFinite: true)
                }
                var cie = CIE()
                cie.progress = progress
                let improved = try timings.measure("cie") {
                    try cie.improve(
                        first: samples.values, dimension: samples.columns, second: embedded.vectors,
                        dimension: embedded.width)
                }
                rows = .memory(improved.vectors, dimension: embedded.width)
                cieAgreement = improved.report.agreement
            }
            metadata = IndexMetadata(
                sampleShape: embedded.sampleShape, labels: embedded.labels, seed: seed,
                model: ModelReference(
                    path: ModelEmbedding.absolute(model), fingerprint: loaded.fingerprint, layer: layer.rawValue))
        } else {
            let (source, labels) = try timings.measure("check") { () throws -> (HDF5RowSource, [Int]?) in
                let reader = try HDF5Reader(path: input)
                let source = try reader.rowSource(featuresDataset)
                try source.validateFinite()
                let labels = try reader.readLabels(
                    labelsDataset, matchingRowsOf: featuresDataset, required: labelsRequired)
                return (source, labels)
            }
            rows = .file(source)
            metadata = IndexMetadata(sampleShape: Array(source.shape.dropFirst()), labels: labels, seed: seed)
        }
        metadata.featuresDataset = featuresDataset
        let n = rows.count
        let d = rows.dimension
        if (kind == .itq || kind == .ldph) && bits > d {
            throw PipelineError.invalidSetting(
                flag: "--bits", value: String(bits),
                requirement:
                    "at most the \(d) values per sample\(model == nil ? "" : " of the model's embeddings") of \(input) for --kind \(kind.rawValue)"
            )
        }
        var index: any SearchIndex = try timings.measure("train") { () throws -> any SearchIndex in
            switch kind {
            case .flat, .cie: return FlatIndex(dimension: d, kind: kind)
            case .lsh, .itq:
                return try BinaryIndex.train(
                    kind, bits: bits, samples: try rows.trainingSample(maxTrainingSamples), dimension: d, seed: seed)
            case .ldph:
                var ldph = LDPH(bits: bits, seed: seed)
                ldph.progress = progress
                ldph.inputs = ldphInputs
                ldph.hidden = ldphHidden
                if let pseudoLabels {
                    let labels = try HDF5Reader(path: pseudoLabels).readLabels("labels")
                    guard labels.count == n else {
                        throw PipelineError.invalidSetting(
                            flag: "--pseudo-labels", value: pseudoLabels,
                            requirement: "labels for the \(n) samples of \(input) (it holds \(labels.count))")
                    }
                    ldph.referenceLabels = rows.trainingRows(maxTrainingSamples).map { labels[$0] }
                }
                return BinaryIndex(
                    kind: .ldph, encoder: try ldph.fit(try rows.trainingSample(maxTrainingSamples), dimension: d))
            }
        }
        try timings.measure("add") {
            for start in stride(from: 0, to: n, by: blockRows) {
                index.add(try rows.read(start..<min(n, start + blockRows)))
            }
        }
        try timings.measure("write") { try IndexFile.write(index, metadata: metadata, to: output) }
        return IndexOutcome(
            kind: kind, count: index.count, dimension: index.dimension, bits: kind.isBinary ? bits : nil,
            bytesPerSample: kind.isBinary ? BinaryCodes.stride(bits: bits) : 4 * index.dimension,
            timings: timings, cieAgreement: cieAgreement)
    }
}

/// The rows an index is built from: a file's samples, streamed, or a model's embeddings in memory.
enum IndexRows {
    case file(HDF5RowSource)
    case memory([Float], dimension: Int)

    var dimension: Int {
        switch self {
        case .file(let source): return source.dimension
        case .memory(_, let d): return d
        }
    }

    var count: Int {
        switch self {
        case .file(let source): return source.rowCount
        case .memory(let values, let d): return values.count / d
        }
    }

    /// Rows `range`, `[range.count, dimension]`.
    func read(_ range: Range<Int>) throws -> [Float] {
        switch self {
        case .file(let source):
            var buffer = [Float](repeating: 0, count: range.count * source.dimension)
            try buffer.withUnsafeMutableBufferPointer { try source.readRows(range, into: $0.baseAddress!) }
            return buffer
        case .memory(let values, let d):
            return Array(values[(range.lowerBound * d)..<(range.upperBound * d)])
        }
    }

    /// The rows ``trainingSample(_:)`` reads.
    func trainingRows(_ limit: Int) -> [Int] {
        let n = count
        return n <= limit ? Array(0..<n) : (0..<limit).map { $0 * n / limit }
    }

    /// All rows when there are at most `limit`, else `limit` evenly spaced ones.
    func trainingSample(_ limit: Int) throws -> [Float] {
        if count <= limit { return try read(0..<count) }
        var sample = [Float]()
        sample.reserveCapacity(limit * dimension)
        for row in trainingRows(limit) { sample += try read(row..<(row + 1)) }
        return sample
    }
}

/// What ``IndexJob`` built.
public struct IndexOutcome: Sendable {
    public var kind: IndexKind
    public var count: Int
    public var dimension: Int
    public var bits: Int?
    /// Index memory per database sample.
    public var bytesPerSample: Int
    public var timings: StageTimings
    /// CIE: the agreement of the two spaces' neighbourhoods before the first round and after each.
    public var cieAgreement: [Double]? = nil
}

/// Searching an index file with the samples of a query file, as `dsc search` does.
public struct SearchJob: Sendable {
    public var index: String
    public var queries: String
    /// The queries' sample dataset; nil: the one the index was built from.
    public var featuresDataset: String?
    public var labelsDataset = "labels"
    /// Results per query, `≥ 1`; clamped to the database size.
    public var top: Int

    public init(index: String, queries: String, top: Int) {
        self.index = index
        self.queries = queries
        self.top = top
    }

    /// The rankings' scores are computed when both files have labels: mAP over the full ranking
    /// and over the top 5,000, precision@500, and (codes) precision within Hamming radius 2.
    /// An index built with a model embeds the queries by that model, which must be the same file
    /// as when the index was built.
    public func run(progress: ProgressHandler? = nil) throws -> SearchOutcome {
        if top < 1 { throw PipelineError.invalidSetting(flag: "--top", value: String(top), requirement: "at least 1") }
        var timings = StageTimings()
        let (loaded, metadata) = try timings.measure("load") { try IndexFile.read(index) }
        let dataset = featuresDataset ?? metadata.featuresDataset ?? "features"
        let rows: Int
        let vectors: [Float]
        let labels: [Int]?
        if let reference = metadata.model {
            let model = try timings.measure("load") { try Self.model(reference, index: index) }
            let embedded = try timings.measure("embed") { () throws -> ModelEmbedding.Embedded in
                let reader = try HDF5Reader(path: queries)
                let shape = Array(try reader.matrixShape(dataset).shape.dropFirst())
                if shape != metadata.sampleShape {
                    throw SearchError.shapeMismatch(
                        file: queries, dataset: dataset, shape: shape, expected: metadata.sampleShape, index: index)
                }
                return try ModelEmbedding.embed(
                    queries, dataset: dataset, labels: labelsDataset, labelsRequired: false, model: model,
                    layer: EmbeddingLayer(rawValue: reference.layer) ?? .embedding, progress: progress)
            }
            (rows, vectors, labels) = (embedded.count, embedded.vectors, embedded.labels)
        } else {
            let (matrix, truth) = try timings.measure("read") {
                try SearchInput.read(queries, dataset, labelsDataset, false)
            }
            if matrix.columns != loaded.dimension {
                throw SearchError.shapeMismatch(
                    file: queries, dataset: dataset, shape: Array(matrix.shape.dropFirst()),
                    expected: metadata.sampleShape, index: index)
            }
            (rows, vectors, labels) = (matrix.rows, matrix.values, truth)
        }
        let k = min(top, max(loaded.count, 1))
        var outcome = SearchOutcome(
            kind: loaded.kind, queries: rows, database: loaded.count,
            bits: (loaded as? BinaryIndex)?.bits, top: k, requestedTop: top)
        progress?("search", 0)
        if let binary = loaded as? BinaryIndex {
            let codes = timings.measure("encode") { binary.encoder.encode(vectors) }
            let (ids, distances) = timings.measure("search") { HammingSearch(k: k).search(codes, in: binary.codes) }
            outcome.results = SearchResults(queries: rows, k: k, ids: ids, distances: .hamming(distances))
        } else {
            outcome.results = timings.measure("search") { loaded.search(vectors, k: k) }
        }
        progress?("search", 1)
        if let labels, let truth = metadata.labels {
            outcome.scores = timings.measure("evaluate") {
                RetrievalScores(
                    index: loaded, queries: vectors, queryLabels: labels, databaseLabels: truth,
                    progress: progress)
            }
        }
        outcome.timings = timings
        return outcome
    }
}

extension SearchJob {
    /// The model an index refers to, refused when it is missing or has changed since.
    static func model(_ reference: ModelReference, index: String) throws -> EBSCModel {
        guard FileManager.default.fileExists(atPath: reference.path) else {
            throw SearchError.modelUnavailable(index: index, model: reference.path, reason: "does not exist")
        }
        let model = try EBSCModel.load(reference.path)
        if model.fingerprint != reference.fingerprint {
            throw SearchError.modelUnavailable(
                index: index, model: reference.path,
                reason:
                    "has changed since the index was built (fingerprint \(model.fingerprint), expected \(reference.fingerprint))"
            )
        }
        return model
    }
}

/// What ``SearchJob`` found.
public struct SearchOutcome: Sendable {
    public var kind: IndexKind
    public var queries: Int
    public var database: Int
    public var bits: Int?
    /// Results per query, after clamping to the database size.
    public var top: Int
    public var requestedTop: Int
    public var results = SearchResults(queries: 0, k: 0, ids: [], distances: .hamming([]))
    /// The rankings' scores, when both files have labels.
    public var scores: RetrievalScores?
    public var timings = StageTimings()

    /// Writes `ids` `[Q, k]` int64 and `distances` `[Q, k]` (int32 Hamming distances, or float32
    /// squared Euclidean ones) to `path`, atomically.
    public func write(to path: String) throws {
        try HDF5Writer.writeFile(path) { out in
            try out.write(results.ids.map { Int64($0) }, shape: [results.queries, results.k], to: "ids")
            switch results.distances {
            case .hamming(let d): try out.write(d, shape: [results.queries, results.k], to: "distances")
            case .squaredEuclidean(let d): try out.write(d, shape: [results.queries, results.k], to: "distances")
            }
            try out.setAttribute("kind", kind.rawValue)
            try out.setAttribute("top", top)
            try out.setAttribute("ties", "broken by database row, the smaller first")
        }
    }
}
