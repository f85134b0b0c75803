/// Rows of a sample matrix `[rowCount, dimension]`, read in blocks.
///
/// The kNN graph builder and the other streaming stages read samples through this protocol, so a
/// file larger than memory (an HDF5 dataset read by hyperslabs) feeds them block by block.
public protocol RowBlockSource {
    /// Number of samples N.
    var rowCount: Int { get }
    /// Features per sample D.
    var dimension: Int { get }
    /// Copies rows `range` as Float32, row-major, into `buffer` (`range.count · dimension` floats).
    func readRows(_ range: Range<Int>, into buffer: UnsafeMutablePointer<Float>) throws
}

/// A sample matrix held in memory, `[rows, dimension]` row-major.
public struct InMemoryRows: RowBlockSource, Sendable {
    public let rowCount: Int
    public let dimension: Int
    public let data: [Float]

    public init(rows: Int, dimension: Int, data: [Float]) {
        precondition(data.count == rows * dimension,
                     "InMemoryRows: data.count=\(data.count) != rows*dimension=\(rows * dimension)")
        self.rowCount = rows; self.dimension = dimension; self.data = data
    }

    public func readRows(_ range: Range<Int>, into buffer: UnsafeMutablePointer<Float>) throws {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "readRows: \(range) outside 0..<\(rowCount)")
        data.withUnsafeBufferPointer { src in
            buffer.update(from: src.baseAddress! + range.lowerBound * dimension, count: range.count * dimension)
        }
    }
}

/// Called by long-running stages with the stage name and the fraction done in [0, 1].
/// The CLI turns these into a progress line with an ETA on stderr; the library never prints.
public typealias ProgressHandler = (_ stage: String, _ fraction: Double) -> Void
