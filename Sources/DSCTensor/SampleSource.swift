/// Called by long-running stages with the stage name and the fraction done in [0, 1].
/// The CLI turns these into a progress line with an ETA on stderr; the library never prints.
public typealias ProgressHandler = (_ stage: String, _ fraction: Double) -> Void

/// N samples as rows of floats, read by index (a training loader's batches) or by blocks of
/// consecutive rows (the streaming stages: neighbour search, coding of all N): the one input
/// protocol of every stage, so a file larger than memory (an HDF5 dataset read by hyperslabs)
/// feeds them all block by block.
///
/// A sample is `sampleShape` floats in row-major order: `[D]` for feature vectors, `[C, H, W]`
/// for images (a stored `[N, H, W]` gives `[1, H, W]`); as a row it has ``dimension`` =
/// ``sampleSize`` floats. A conformer implements at least one of ``read(_:into:)`` and
/// ``readRows(_:into:)``; the other has a default built on it. Conformers must allow reads from
/// a background thread (a loader's prefetch thread), one call at a time.
public protocol SampleSource: Sendable {
    /// Number of samples N.
    var count: Int { get }
    /// Shape of one sample, e.g. `[64]` or `[1, 28, 28]`.
    var sampleShape: [Int] { get }
    /// One label per sample, or nil when the source has none.
    var labels: [Int]? { get }
    /// The block shuffle a streaming source needs for efficient reads (see ``ShuffleBlocks``),
    /// or nil (the default) when any order is cheap, as in memory.
    var shuffleBlocks: ShuffleBlocks? { get }
    /// Copies samples `indices` (any order, repeats allowed) into `buffer`, sample `k` at
    /// `buffer[k·D ..< (k+1)·D]` with `D = sampleShape.reduce(1, *)`.
    ///
    /// - Precondition: every index in `0..<count`; `buffer.count == indices.count · D`.
    /// - Throws: when the storage cannot be read (e.g. a damaged file).
    func read(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws
    /// Copies rows `range` (a sample each), row-major, into `buffer` (`range.count · D` floats).
    ///
    /// - Precondition: `range` lies within `0..<count`.
    func readRows(_ range: Range<Int>, into buffer: UnsafeMutablePointer<Float>) throws
}

/// A shuffle that keeps reads local: blocks of `rows` consecutive samples are put in random
/// order, and the samples of each run of `window` consecutive (shuffled) blocks are shuffled
/// together. Every sample is still visited once per epoch; a streaming source then reads each
/// block once per epoch and holds about `window + 1` blocks.
public struct ShuffleBlocks: Equatable, Sendable {
    /// Samples per block, `≥ 1`.
    public let rows: Int
    /// Blocks shuffled together, `≥ 1`.
    public let window: Int

    /// - Precondition: `rows ≥ 1`, `window ≥ 1`.
    public init(rows: Int, window: Int) {
        precondition(rows >= 1 && window >= 1, "ShuffleBlocks: rows=\(rows) and window=\(window) must be >= 1")
        self.rows = rows
        self.window = window
    }
}

extension SampleSource {
    public var shuffleBlocks: ShuffleBlocks? { nil }

    public var labels: [Int]? { nil }

    /// Floats per sample, `D = sampleShape.reduce(1, *)`.
    public var sampleSize: Int { sampleShape.reduce(1, *) }
    /// Number of rows N (``count``), as the streaming stages name it.
    public var rowCount: Int { count }
    /// Floats per row D (``sampleSize``), as the streaming stages name it.
    public var dimension: Int { sampleSize }

    /// By default, ``read(_:into:)`` of the range's indices.
    public func readRows(_ range: Range<Int>, into buffer: UnsafeMutablePointer<Float>) throws {
        try read(Array(range), into: UnsafeMutableBufferPointer(start: buffer, count: range.count * sampleSize))
    }

    /// By default, one ``readRows(_:into:)`` per run of consecutive indices.
    public func read(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws {
        checkRead(indices, buffer)
        let d = sampleSize
        var k = 0
        while k < indices.count {
            var end = k + 1
            while end < indices.count && indices[end] == indices[end - 1] + 1 { end += 1 }
            try readRows(indices[k]..<(indices[end - 1] + 1), into: buffer.baseAddress! + k * d)
            k = end
        }
    }

    /// Shared checks of ``read(_:into:)``'s preconditions.
    public func checkRead(_ indices: [Int], _ buffer: UnsafeMutableBufferPointer<Float>) {
        precondition(
            buffer.count == indices.count * sampleSize,
            "\(Self.self).read: buffer of \(buffer.count) floats for \(indices.count) samples of \(sampleSize)")
        for i in indices {
            precondition(i >= 0 && i < count, "\(Self.self).read: index \(i) outside 0..<\(count)")
        }
    }
}

/// Samples held in memory: `values` row-major with shape `[N] + sampleShape`.
public struct ArraySamples: SampleSource {
    /// All samples, `count · sampleSize` floats.
    public let values: [Float]
    public let count: Int
    public let sampleShape: [Int]
    public let labels: [Int]?

    /// Samples from `values` of shape `shape = [N, …]` (`[N, D]`, `[N, C, H, W]`, …).
    ///
    /// - Precondition: `shape.count ≥ 2`, `values.count == shape.reduce(1, *)`, and `labels`
    ///   (when given) has N entries.
    public init(values: [Float], shape: [Int], labels: [Int]? = nil) {
        precondition(
            shape.count >= 2 && shape.allSatisfy { $0 >= 0 },
            "ArraySamples: shape \(shape) is not [N, …] with a sample shape")
        precondition(
            values.count == shape.reduce(1, *),
            "ArraySamples: \(values.count) values do not fill shape \(shape)")
        if let labels {
            precondition(labels.count == shape[0], "ArraySamples: \(labels.count) labels for N=\(shape[0]) samples")
        }
        self.values = values
        self.count = shape[0]
        self.sampleShape = Array(shape.dropFirst())
        self.labels = labels
    }

    public func readRows(_ range: Range<Int>, into buffer: UnsafeMutablePointer<Float>) throws {
        precondition(
            range.lowerBound >= 0 && range.upperBound <= count, "ArraySamples.readRows: \(range) outside 0..<\(count)")
        values.withUnsafeBufferPointer { v in
            buffer.update(from: v.baseAddress! + range.lowerBound * sampleSize, count: range.count * sampleSize)
        }
    }

    public func read(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws {
        checkRead(indices, buffer)
        let d = sampleSize
        values.withUnsafeBufferPointer { v in
            for (k, i) in indices.enumerated() {
                (buffer.baseAddress! + k * d).update(from: v.baseAddress! + i * d, count: d)
            }
        }
    }
}
