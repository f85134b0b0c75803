import DSCIO
import DSCNN
import DSCTensor
import Foundation

/// Samples of an HDF5 dataset: read whole into memory when small, otherwise streamed by blocks of
/// rows (hyperslabs), so a file larger than memory can be trained on.
///
/// The dataset is `[N, D]`, `[N, H, W]` or `[N, C, H, W]` of any numeric type (converted to
/// Float32 by HDF5); samples have shape `[D]`, `[1, H, W]` or `[C, H, W]`. Labels, when named,
/// are read whole (N integers).
///
/// **Streaming.** Rows are read `blockRows` at a time (one hyperslab per block, so a chunked,
/// compressed file decompresses each chunk about once per block rather than once per sample)
/// and the `windowBlocks + 1` most recently used blocks are kept. The source asks the loader for
/// the matching ``ShuffleBlocks`` shuffle, under which every block is read once per epoch.
/// Memory: `(windowBlocks + 1) · blockRows · D · 4` bytes (29 MB for MNIST with the defaults).
/// HDF5 calls are serialised by DSCIO's lock.
public struct HDF5Samples: SampleSource {
    /// Default limit of ``init(path:dataset:labels:inMemoryLimit:checkFinite:blockRows:windowBlocks:)``: 256 MiB.
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
    /// The block shuffle of a streamed source; nil in memory.
    public let shuffleBlocks: ShuffleBlocks?

    private let memory: ArraySamples?
    private let cache: RowBlockCache?

    /// Opens `dataset` (and `labels`) of the file at `path`.
    ///
    /// - Parameters:
    ///   - labels: a dataset of N integer labels, or nil for none.
    ///   - inMemoryLimit: bytes up to which the samples are read whole (`0`: always stream).
    ///   - checkFinite: reject NaN and infinity (in memory: while reading; streamed: one pass
    ///     over the file now, so training never meets them).
    ///   - blockRows, windowBlocks: streaming block size and shuffle window (see the type).
    /// - Precondition: `blockRows ≥ 1`, `windowBlocks ≥ 1`.
    /// - Throws: `HDF5Error` — missing file or dataset, wrong rank or type, no rows, a non-finite
    ///   value (naming row and column), labels of the wrong count.
    public init(
        path: String, dataset: String = "features", labels: String? = nil,
        inMemoryLimit: Int = HDF5Samples.defaultInMemoryLimit, checkFinite: Bool = true,
        blockRows: Int = 1024, windowBlocks: Int = 8
    ) throws {
        let blocks = ShuffleBlocks(rows: blockRows, window: windowBlocks)
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
            cache = nil
            shuffleBlocks = nil
        } else {
            let source = try reader.rowSource(dataset)
            if checkFinite { try source.validateFinite() }
            memory = nil
            cache = RowBlockCache(source: source, blockRows: blockRows, capacity: windowBlocks + 1)
            shuffleBlocks = blocks
        }
    }

    /// Blocks read from the file so far when streaming (0 in memory).
    public var blockReads: Int { cache?.reads ?? 0 }

    public func read(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws {
        if let memory { return try memory.read(indices, into: buffer) }
        checkRead(indices, buffer)
        try cache!.read(indices, into: buffer)
    }
}

/// The most recently used blocks of `blockRows` rows of an HDF5 dataset.
final class RowBlockCache: @unchecked Sendable {
    let source: HDF5RowSource
    let blockRows: Int
    let capacity: Int
    private let lock = NSLock()
    private var blocks: [Int: [Float]] = [:]
    /// Cached block numbers, least recently used first.
    private var recency: [Int] = []
    private var blockReads = 0

    init(source: HDF5RowSource, blockRows: Int, capacity: Int) {
        self.source = source
        self.blockRows = blockRows
        self.capacity = capacity
    }

    /// Copies rows `indices` in order into `buffer` (`D` floats each), reading missing blocks.
    func read(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws {
        lock.lock()
        defer { lock.unlock() }
        let d = source.dimension
        for (k, i) in indices.enumerated() {
            let b = i / blockRows
            if blocks[b] == nil { try load(b) } else { touch(b) }
            blocks[b]!.withUnsafeBufferPointer { block in
                (buffer.baseAddress! + k * d).update(from: block.baseAddress! + (i - b * blockRows) * d, count: d)
            }
        }
    }

    private func touch(_ b: Int) {
        if recency.last != b, let at = recency.firstIndex(of: b) {
            recency.remove(at: at)
            recency.append(b)
        }
    }

    private func load(_ b: Int) throws {
        let rows = (b * blockRows)..<min(source.rowCount, (b + 1) * blockRows)
        let d = source.dimension
        let values = try [Float](unsafeUninitializedCapacity: rows.count * d) { buffer, initialised in
            try source.readRows(rows, into: buffer.baseAddress!)
            initialised = rows.count * d
        }
        if recency.count >= capacity { blocks[recency.removeFirst()] = nil }
        blocks[b] = values
        recency.append(b)
        blockReads += 1
    }

    /// Blocks read from the file so far (for tests and diagnostics).
    var reads: Int {
        lock.lock()
        defer { lock.unlock() }
        return blockReads
    }
}

extension DataLoader {
    /// A loader over an HDF5 dataset (see ``HDF5Samples``: in memory up to `inMemoryLimit` bytes,
    /// streamed by row blocks beyond).
    ///
    /// - Throws: the `HDF5Error`s of ``HDF5Samples``.
    public convenience init(
        hdf5 path: String, dataset: String = "features", labels: String? = nil,
        batchSize: Int, shuffle: Bool = true, dropLast: Bool = false, seed: UInt64 = 0,
        prefetch: Int = 2, inMemoryLimit: Int = HDF5Samples.defaultInMemoryLimit,
        transform: Transform? = nil
    ) throws {
        let samples = try HDF5Samples(path: path, dataset: dataset, labels: labels, inMemoryLimit: inMemoryLimit)
        self.init(
            samples, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, seed: seed,
            prefetch: prefetch, transform: transform)
    }
}
