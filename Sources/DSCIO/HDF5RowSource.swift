/// The rows of one sample dataset in an HDF5 file, read in blocks by hyperslab.
///
/// Holds the file open (shared, read-only) and the dataset's checked shape; each `readRows` call
/// reads only the rows asked for, so a dataset larger than memory streams block by block. DSCPipeline
/// adopts DSCTensor's `SampleSource` for it in an extension (DSCIO depends on no other module).
///
/// Values are delivered as stored, converted to Float32: run `validateFinite()` once before
/// streaming if NaN or infinity must be excluded.
public struct HDF5RowSource: Sendable {
    /// The file's path as given.
    public let path: String
    /// The dataset's path in the file, e.g. `features`.
    public let dataset: String
    /// The dataset's shape as stored: `[N, D]`, `[N, H, W]` or `[N, C, H, W]`.
    public let shape: [Int]
    /// The stored element type (any integer or float type).
    public let elementType: HDF5ElementType
    let file: H5File

    /// Number of samples N.
    public var rowCount: Int { shape[0] }
    /// Features per sample D: the product of the trailing dimensions.
    public var dimension: Int { shape.dropFirst().reduce(1, *) }

    /// Opens `path` read-only and checks `dataset` as `HDF5Reader.matrixShape` does.
    ///
    /// - Throws: the errors of `HDF5Reader.init(path:)` and `HDF5Reader.matrixShape`.
    public init(path: String, dataset: String = "features") throws {
        try self.init(file: H5File.openReadOnly(path), dataset: dataset)
    }

    init(file: H5File, dataset: String) throws {
        let layout = try file.matrixLayout(dataset)
        self.path = file.path
        self.dataset = dataset
        self.shape = layout.shape
        self.elementType = layout.type
        self.file = file
    }

    /// Copies rows `range` as Float32, row-major, into `buffer` (`range.count · dimension` floats).
    ///
    /// Precondition: `range` lies within `0..<rowCount`. An empty range reads nothing.
    /// - Throws: `HDF5Error.readFailed` if the file is damaged.
    public func readRows(_ range: Range<Int>, into buffer: UnsafeMutablePointer<Float>) throws {
        precondition(
            range.lowerBound >= 0 && range.upperBound <= rowCount,
            "HDF5RowSource.readRows: range \(range) outside 0..<\(rowCount) of \"\(dataset)\" in \(path)")
        try file.readRows(dataset, rows: range, as: .float32, into: buffer)
    }

    /// Streams the dataset once and throws at the first value that is not a finite Float32.
    ///
    /// - Throws: `HDF5Error.nonFinite` naming the row and column, `.readFailed`.
    public func validateFinite() throws {
        try file.validateFinite(dataset, layout: MatrixLayout(shape: shape, type: elementType))
    }
}
