import DSCTensor

/// One mini-batch: the samples, their labels and where they came from.
public struct Batch: @unchecked Sendable {
    /// Position of the batch in its epoch, from 0.
    public let index: Int
    /// The samples, `[B] + sampleShape` (`[B, D]` or `[B, C, H, W]`), no gradient.
    public var inputs: Tensor
    /// `labels[k]` is the label of sample `k`; nil when the source has none.
    public var labels: [Int]?
    /// Indices of the samples in the source, in batch order.
    public let indices: [Int]
    /// Extra tensors made by the loader's `transform` (e.g. two augmented views); empty otherwise.
    public var views: [Tensor] = []

    /// Number of samples B.
    public var count: Int { indices.count }
}

/// Mini-batches over a ``SampleSource``, shuffled per epoch and loaded ahead on a background
/// thread.
///
///     let loader = try DataLoader(hdf5: "digits.h5", labels: "labels", batchSize: 128, seed: 7)
///     for epoch in 0..<10 {
///         let batches = loader.epoch(epoch)
///         for batch in batches { … batch.inputs … batch.labels … }
///         try batches.check()   // rethrows a read error that ended the epoch early
///     }
///
/// **Order.** Epoch `e` visits the samples in ``order(epoch:)``: a Fisher–Yates permutation
/// drawn from `SeededGenerator(seed: seed).fork(e)` (identity when `shuffle` is off; a block
/// shuffle, see ``ShuffleBlocks``, for a source streamed from disk), cut into
/// consecutive batches of `batchSize`. The last partial batch is kept (`dropLast == false`,
/// smaller than `batchSize`) or dropped. The order, the batches and the `transform`'s random
/// numbers depend only on `(seed, e)`: never on timing, on `prefetch`, or on other epochs.
///
/// **Prefetch.** With `prefetch = p > 0`, iterating an epoch starts one producer thread that
/// builds the batches in order into a bounded queue of `p` batches (reading the source and
/// running `transform` there), so loading overlaps training; leaving the loop early stops the
/// thread. `prefetch = 0` builds each batch on the caller's thread when asked for.
public final class DataLoader: @unchecked Sendable {
    /// Runs on the loading thread after a batch is read; `generator` is the batch's own stream.
    public typealias Transform = @Sendable (_ batch: Batch, _ generator: inout SeededGenerator) -> Batch

    public let source: any SampleSource
    /// Samples per batch B.
    public let batchSize: Int
    /// Whether each epoch permutes the samples.
    public let shuffle: Bool
    /// Whether a last batch smaller than `batchSize` is dropped.
    public let dropLast: Bool
    /// Seed of every random choice of the loader.
    public let seed: UInt64
    /// Batches loaded ahead of the consumer (0: none, synchronous).
    public let prefetch: Int
    /// Applied to every batch on the loading thread (augmentation), if set.
    public let transform: Transform?

    /// A loader over `source`.
    ///
    /// - Precondition: `batchSize ≥ 1`, `prefetch ≥ 0`.
    public init(
        _ source: any SampleSource, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false,
        seed: UInt64 = 0, prefetch: Int = 2, transform: Transform? = nil
    ) {
        precondition(batchSize >= 1, "DataLoader: batchSize=\(batchSize) must be >= 1")
        precondition(prefetch >= 0, "DataLoader: prefetch=\(prefetch) must be >= 0")
        self.source = source
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed
        self.prefetch = prefetch
        self.transform = transform
    }

    /// A loader over in-memory samples `values` of shape `[N, …]` (see ``ArraySamples``).
    public convenience init(
        values: [Float], shape: [Int], labels: [Int]? = nil, batchSize: Int,
        shuffle: Bool = true, dropLast: Bool = false, seed: UInt64 = 0,
        prefetch: Int = 2, transform: Transform? = nil
    ) {
        self.init(
            ArraySamples(values: values, shape: shape, labels: labels), batchSize: batchSize,
            shuffle: shuffle, dropLast: dropLast, seed: seed, prefetch: prefetch, transform: transform)
    }

    /// Batches per epoch: `⌊N / B⌋` when dropping the last partial batch, `⌈N / B⌉` otherwise.
    public var batchesPerEpoch: Int {
        let n = source.count
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize
    }

    /// The sample order of epoch `e`: a permutation of `0..<N` — uniform, or block-shuffled when
    /// the source asks for ``ShuffleBlocks`` (streamed files) — or the identity without shuffling.
    public func order(epoch e: Int) -> [Int] {
        let n = source.count
        guard shuffle else { return Array(0..<n) }
        var generator = SeededGenerator(seed: seed).fork(UInt64(truncatingIfNeeded: e))
        guard let blocks = source.shuffleBlocks, blocks.rows * blocks.window < n else {
            var order = Array(0..<n)
            DataLoader.shuffle(&order, &generator)
            return order
        }
        var blockOrder = Array(0..<((n + blocks.rows - 1) / blocks.rows))
        DataLoader.shuffle(&blockOrder, &generator)
        var order: [Int] = []
        order.reserveCapacity(n)
        for start in stride(from: 0, to: blockOrder.count, by: blocks.window) {
            var window = blockOrder[start..<min(blockOrder.count, start + blocks.window)].flatMap { b in
                (b * blocks.rows)..<min(n, (b + 1) * blocks.rows)
            }
            DataLoader.shuffle(&window, &generator)
            order += window
        }
        return order
    }

    /// Fisher–Yates with our own bounded draw, so that an order is the same on every platform
    /// and Swift version.
    static func shuffle(_ values: inout [Int], _ generator: inout SeededGenerator) {
        var i = values.count - 1
        while i > 0 {
            values.swapAt(i, draw(below: i + 1, &generator))
            i -= 1
        }
    }

    /// Builds batch `k` of an epoch whose order is `order`, on the calling thread.
    ///
    /// - Throws: the source's read errors.
    public func batch(_ k: Int, of order: [Int], epoch e: Int) throws -> Batch {
        precondition(k >= 0 && k < batchesPerEpoch, "DataLoader.batch: index \(k) outside 0..<\(batchesPerEpoch)")
        let indices = Array(order[(k * batchSize)..<min(order.count, (k + 1) * batchSize)])
        let d = source.sampleSize
        let values = try [Float](unsafeUninitializedCapacity: indices.count * d) { buffer, initialised in
            try source.read(indices, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<(indices.count * d)]))
            initialised = indices.count * d
        }
        var batch = Batch(
            index: k, inputs: Tensor(values, shape: [indices.count] + source.sampleShape),
            labels: source.labels.map { labels in indices.map { labels[$0] } }, indices: indices)
        if let transform {
            var generator = SeededGenerator(seed: seed).fork(UInt64(truncatingIfNeeded: e))
                .fork(0x7EA5_F0A3 &+ UInt64(k))
            batch = transform(batch, &generator)
        }
        return batch
    }

    /// The batches of epoch `e`, in order, loaded ahead by a background thread (see the type's
    /// documentation). One pass; nothing is loaded before the first `next()`.
    public func epoch(_ e: Int) -> Epoch { Epoch(loader: self, epoch: e) }

    /// Runs `body` on every batch of epoch `e`, then rethrows a read error that ended it early.
    public func forEachBatch(epoch e: Int, _ body: (Batch) throws -> Void) throws {
        let batches = epoch(e)
        for batch in batches { try body(batch) }
        try batches.check()
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift with rejection; unbiased).
    static func draw(below bound: Int, _ generator: inout SeededGenerator) -> Int {
        let b = UInt64(bound)
        while true {
            let (high, low) = generator.next().multipliedFullWidth(by: b)
            if low >= (0 &- b) % b { return Int(high) }
        }
    }
}
