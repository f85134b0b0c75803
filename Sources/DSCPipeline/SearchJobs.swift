import DSCCluster
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

    /// Builds and writes the index; returns what was built with seconds per stage (check, train,
    /// add, write). The database is read in blocks of ``blockRows``: memory is the training
    /// sample plus the index itself (`bits / 8` bytes per sample for codes of 64 bits and more).
    public func run() throws -> IndexOutcome {
        try validateSettings()
        try checkWritable(output)
        var timings = StageTimings()
        let (source, labels) = try timings.measure("check") { () throws -> (HDF5RowSource, [Int]?) in
            let reader = try HDF5Reader(path: input)
            let source = try reader.rowSource(featuresDataset)
            try source.validateFinite()
            let labels =
                labelsRequired || reader.contains(labelsDataset)
                ? try reader.readLabels(labelsDataset, matchingRowsOf: featuresDataset) : nil
            return (source, labels)
        }
        let n = source.rowCount
        let d = source.dimension
        if kind == .itq && bits > d {
            throw PipelineError.invalidSetting(
                flag: "--bits", value: String(bits),
                requirement: "at most the \(d) values per sample of \(input) for --kind itq")
        }
        var index: any SearchIndex = try timings.measure("train") { () throws -> any SearchIndex in
            guard kind.isBinary else { return FlatIndex(dimension: d) }
            return try BinaryIndex.train(
                kind, bits: bits, samples: try trainingSample(source), dimension: d, seed: seed)
        }
        try timings.measure("add") {
            var buffer = [Float](repeating: 0, count: min(blockRows, n) * d)
            for start in stride(from: 0, to: n, by: blockRows) {
                let rows = min(blockRows, n - start)
                try buffer.withUnsafeMutableBufferPointer {
                    try source.readRows(start..<(start + rows), into: $0.baseAddress!)
                }
                index.add(rows == blockRows ? buffer : Array(buffer[0..<(rows * d)]))
            }
        }
        let metadata = IndexMetadata(sampleShape: Array(source.shape.dropFirst()), labels: labels, seed: seed)
        try timings.measure("write") { try IndexFile.write(index, metadata: metadata, to: output) }
        return IndexOutcome(
            kind: kind, count: index.count, dimension: index.dimension, bits: kind.isBinary ? bits : nil,
            bytesPerSample: kind.isBinary ? 8 * ((bits + 63) / 64) : 4 * index.dimension,
            timings: timings)
    }

    /// All rows when there are at most ``maxTrainingSamples``, else that many evenly spaced ones.
    func trainingSample(_ source: HDF5RowSource) throws -> [Float] {
        let n = source.rowCount
        let d = source.dimension
        if n <= maxTrainingSamples {
            var all = [Float](repeating: 0, count: n * d)
            try all.withUnsafeMutableBufferPointer { try source.readRows(0..<n, into: $0.baseAddress!) }
            return all
        }
        var sample = [Float](repeating: 0, count: maxTrainingSamples * d)
        try sample.withUnsafeMutableBufferPointer { buffer in
            for t in 0..<maxTrainingSamples {
                let row = t * n / maxTrainingSamples
                try source.readRows(row..<(row + 1), into: buffer.baseAddress! + t * d)
            }
        }
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
}

/// Searching an index file with the samples of a query file, as `dsc search` does.
public struct SearchJob: Sendable {
    public var index: String
    public var queries: String
    public var featuresDataset = "features"
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
    public func run(progress: ProgressHandler? = nil) throws -> SearchOutcome {
        if top < 1 { throw PipelineError.invalidSetting(flag: "--top", value: String(top), requirement: "at least 1") }
        var timings = StageTimings()
        let (loaded, metadata) = try timings.measure("load") { try IndexFile.read(index) }
        let (matrix, labels) = try timings.measure("read") {
            try SearchInput.read(queries, featuresDataset, labelsDataset, false)
        }
        let shape = Array(matrix.shape.dropFirst())
        if matrix.columns != loaded.dimension {
            throw SearchError.shapeMismatch(
                file: queries, dataset: featuresDataset, shape: shape,
                expected: metadata.sampleShape, index: index)
        }
        let k = min(top, max(loaded.count, 1))
        var outcome = SearchOutcome(
            kind: loaded.kind, queries: matrix.rows, database: loaded.count,
            bits: (loaded as? BinaryIndex)?.bits, top: k, requestedTop: top)
        progress?("search", 0)
        if let binary = loaded as? BinaryIndex {
            let codes = timings.measure("encode") { binary.encoder.encode(matrix.values) }
            let (ids, distances) = timings.measure("search") { HammingSearch(k: k).search(codes, in: binary.codes) }
            outcome.results = SearchResults(queries: matrix.rows, k: k, ids: ids, distances: .hamming(distances))
        } else {
            outcome.results = timings.measure("search") { loaded.search(matrix.values, k: k) }
        }
        progress?("search", 1)
        if let labels, let truth = metadata.labels {
            outcome.scores = timings.measure("evaluate") {
                RetrievalScores(
                    index: loaded, queries: matrix.values, queryLabels: labels, databaseLabels: truth,
                    progress: progress)
            }
        }
        outcome.timings = timings
        return outcome
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

/// Retrieval scores over full rankings (relevance: the same label), means over the queries.
public struct RetrievalScores: Sendable, Equatable {
    /// mAP over the full ranking of the database.
    public var meanAveragePrecision: Double
    /// mAP over the top 5,000 (normalised by the relevant items found there).
    public var meanAveragePrecisionAt5000: Double
    /// Precision of the top 500.
    public var precisionAt500: Double
    /// Precision within Hamming radius 2 (codes only; 0 for a query with nothing that close).
    public var precisionWithinRadius2: Double?

    /// Ranks the whole database for every query (in chunks of 64 queries) and scores it.
    public init(
        index: any SearchIndex, queries: [Float], queryLabels: [Int], databaseLabels: [Int],
        progress: ProgressHandler? = nil
    ) {
        let d = index.dimension
        let q = queryLabels.count
        let chunk = 64
        var map = 0.0
        var map5000 = 0.0
        var p500 = 0.0
        var radius = 0.0
        for start in stride(from: 0, to: q, by: chunk) {
            let rows = min(chunk, q - start)
            let all = index.allDistances(Array(queries[(start * d)..<((start + rows) * d)]))
            let n = all.count / max(rows, 1)
            for r in 0..<rows {
                let distances = Array(all[(r * n)..<((r + 1) * n)])
                let label = queryLabels[start + r]
                let relevantByRow = databaseLabels.map { $0 == label }
                let relevant = Retrieval.ranking(distances).map { relevantByRow[$0] }
                map += Retrieval.averagePrecision(relevant)
                map5000 += Retrieval.averagePrecision(relevant, limit: 5000)
                p500 += Retrieval.precision(relevant, at: 500)
                if index.kind.isBinary {
                    radius += Retrieval.precisionWithin(
                        radius: 2, distances: distances.map { Int32($0) },
                        relevant: relevantByRow)
                }
            }
            progress?("evaluate", Double(start + rows) / Double(q))
        }
        let count = Double(max(q, 1))
        meanAveragePrecision = map / count
        meanAveragePrecisionAt5000 = map5000 / count
        precisionAt500 = p500 / count
        precisionWithinRadius2 = index.kind.isBinary ? radius / count : nil
    }
}

/// Reading the samples of a database or query file: flattened rows, finite, with labels when present.
enum SearchInput {
    static func read(
        _ path: String, _ features: String, _ labels: String, _ labelsRequired: Bool
    ) throws
        -> (matrix: HDF5Matrix, labels: [Int]?)
    {
        let reader = try HDF5Reader(path: path)
        let matrix = try reader.readMatrix(features, checkFinite: true)
        let truth =
            labelsRequired || reader.contains(labels) ? try reader.readLabels(labels, matchingRowsOf: features) : nil
        return (matrix, truth)
    }
}
