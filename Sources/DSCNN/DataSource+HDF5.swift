import DSCIO

/// Samples of an HDF5 dataset: read whole into memory when small, otherwise read on demand by
/// row blocks (hyperslabs), so a file larger than memory can be trained on.
///
/// The dataset is `[N, D]`, `[N, H, W]` or `[N, C, H, W]` of any numeric type (converted to
/// Float32 by HDF5); samples have shape `[D]`, `[1, H, W]` or `[C, H, W]`. Labels, when named,
/// are read whole (N integers).
///
/// Streaming: ``read(_:into:)`` sorts the requested indices, reads each run of consecutive
/// indices with one hyperslab, and places the rows where they were asked for; a shuffled batch of
/// B samples costs at most B small reads. HDF5 calls are serialised by DSCIO's lock.
public struct HDF5Samples: SampleSource {
    /// Default ``init(path:dataset:labels:inMemoryLimit:checkFinite:)`` limit: 256 MiB.
    public static let defaultInMemoryLimit = 256 << 20

    /// The file as given.
    public let path: String
    /// The sample dataset, e.g. `features`.
    public let dataset: String
    public let count: Int
    public let sampleShape: [Int]
    public let labels: [Int]?
    /// Whether the samples were read into memory (`4·N·D ≤ inMemoryLimit`).
    public var isInMemory: Bool { memory != nil }

    private let memory: ArraySamples?
    private let rows: HDF5RowSource?

    /// Opens `dataset` (and `labels`) of the file at `path`.
    ///
    /// - Parameters:
    ///   - labels: a dataset of N integer labels, or nil for none.
    ///   - inMemoryLimit: bytes up to which the samples are read whole (`0`: always stream).
    ///   - checkFinite: reject NaN and infinity (in memory: while reading; streamed: one pass
    ///     over the file now, so training never meets them).
    /// - Throws: `HDF5Error` — missing file or dataset, wrong rank or type, no rows, a non-finite
    ///   value (naming row and column), labels of the wrong count.
    public init(path: String, dataset: String = "features", labels: String? = nil,
                inMemoryLimit: Int = HDF5Samples.defaultInMemoryLimit, checkFinite: Bool = true) throws {
        let reader = try HDF5Reader(path: path)
        let (n, d, shape) = try reader.matrixShape(dataset)
        self.path = path
        self.dataset = dataset
        self.count = n
        self.sampleShape = shape.count == 3 ? [1] + shape.dropFirst() : Array(shape.dropFirst())
        self.labels = try labels.map { try reader.readLabels($0, matchingRowsOf: dataset) }
        if n * d * MemoryLayout<Float>.size <= inMemoryLimit {
            let matrix = try reader.readMatrix(dataset, checkFinite: checkFinite)
            memory = ArraySamples(values: matrix.values, shape: [n] + sampleShape)
            rows = nil
        } else {
            let source = try reader.rowSource(dataset)
            if checkFinite { try source.validateFinite() }
            memory = nil
            rows = source
        }
    }

    public func read(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws {
        if let memory { return try memory.read(indices, into: buffer) }
        checkRead(indices, buffer)
        guard let rows, !indices.isEmpty else { return }
        let d = sampleSize
        let order = indices.indices.sorted { indices[$0] < indices[$1] }
        var scratch = [Float]()
        var start = 0
        while start < order.count {
            // The run of consecutive (or repeated) indices starting at order[start].
            var end = start + 1
            while end < order.count && indices[order[end]] - indices[order[end - 1]] <= 1 { end += 1 }
            let first = indices[order[start]], last = indices[order[end - 1]]
            let length = last - first + 1
            if scratch.count < length * d { scratch = [Float](repeating: 0, count: length * d) }
            try scratch.withUnsafeMutableBufferPointer { s in
                try rows.readRows(first..<(last + 1), into: s.baseAddress!)
                for k in order[start..<end] {
                    (buffer.baseAddress! + k * d).update(from: s.baseAddress! + (indices[k] - first) * d, count: d)
                }
            }
            start = end
        }
    }
}
