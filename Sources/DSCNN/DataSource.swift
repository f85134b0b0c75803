import DSCTensor

/// Samples addressable by index, the input of a ``DataLoader``.
///
/// A sample is `sampleShape` floats in row-major order: `[D]` for feature vectors, `[C, H, W]`
/// for images (a stored `[N, H, W]` gives `[1, H, W]`). Conformers must allow ``read(_:into:)``
/// from a background thread (the loader's prefetch thread), one call at a time.
public protocol SampleSource: Sendable {
    /// Number of samples N.
    var count: Int { get }
    /// Shape of one sample, e.g. `[64]` or `[1, 28, 28]`.
    var sampleShape: [Int] { get }
    /// One label per sample, or nil when the source has none.
    var labels: [Int]? { get }
    /// Copies samples `indices` (any order, repeats allowed) into `buffer`, sample `k` at
    /// `buffer[k·D ..< (k+1)·D]` with `D = sampleShape.reduce(1, *)`.
    ///
    /// - Precondition: every index in `0..<count`; `buffer.count == indices.count · D`.
    /// - Throws: when the storage cannot be read (e.g. a damaged file).
    func read(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws
}

extension SampleSource {
    /// Floats per sample, `D = sampleShape.reduce(1, *)`.
    public var sampleSize: Int { sampleShape.reduce(1, *) }

    /// Shared checks of ``read(_:into:)``'s preconditions.
    func checkRead(_ indices: [Int], _ buffer: UnsafeMutableBufferPointer<Float>) {
        precondition(buffer.count == indices.count * sampleSize,
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
        precondition(shape.count >= 2 && shape.allSatisfy { $0 >= 0 },
                     "ArraySamples: shape \(shape) is not [N, …] with a sample shape")
        precondition(values.count == shape.reduce(1, *),
                     "ArraySamples: \(values.count) values do not fill shape \(shape)")
        if let labels {
            precondition(labels.count == shape[0], "ArraySamples: \(labels.count) labels for N=\(shape[0]) samples")
        }
        self.values = values
        self.count = shape[0]
        self.sampleShape = Array(shape.dropFirst())
        self.labels = labels
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
