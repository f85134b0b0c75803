import DSCIO
import DSCTensor

/// An HDF5 dataset read in row blocks (hyperslabs) feeds the streaming stages directly.
extension HDF5RowSource: SampleSource {
    public var count: Int { rowCount }
    /// `[D]`, `[1, H, W]` for a stored `[N, H, W]`, or `[C, H, W]`.
    public var sampleShape: [Int] { shape.count == 3 ? [1] + shape.dropFirst() : Array(shape.dropFirst()) }
}
