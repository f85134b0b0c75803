/// A dataset of samples read into memory as a `[rows, columns]` Float32 matrix.
///
/// `shape` is the dataset's own shape: `[N, D]`, or `[N, H, W]` / `[N, C, H, W]` for images,
/// whose trailing dimensions are flattened in C order (`columns = H·W` or `C·H·W`, pixel `(c, h, w)`
/// at column `(c·H + h)·W + w`).
public struct HDF5Matrix: Equatable, Sendable {
    /// Samples N (the first dimension).
    public let rows: Int
    /// Features per sample D (the product of the trailing dimensions).
    public let columns: Int
    /// The dataset's shape as stored, e.g. `[1797, 8, 8]`.
    public let shape: [Int]
    /// Row-major values, `rows · columns` of them; row `i` is `values[i·columns ..< (i+1)·columns]`.
    public var values: [Float]

    public init(rows: Int, columns: Int, shape: [Int], values: [Float]) {
        precondition(
            values.count == rows * columns,
            "HDF5Matrix: values.count=\(values.count) != rows*columns=\(rows * columns)")
        self.rows = rows
        self.columns = columns
        self.shape = shape
        self.values = values
    }
}

/// A dataset checked to be readable as a sample matrix: rank 2 to 4, numeric, N ≥ 1, D ≥ 1.
struct MatrixLayout: Sendable {
    let shape: [Int]
    let type: HDF5ElementType
    var rows: Int { shape[0] }
    var columns: Int { shape.dropFirst().reduce(1, *) }
}

extension H5File {
    /// Checks that dataset `name` holds samples: integer or float elements (checked first);
    /// `[N, D]`, `[N, H, W]` or `[N, C, H, W]`; at least one row and one column.
    ///
    /// - Throws: `.datasetNotFound`, `.wrongRank`, `.wrongType`, `.noRows`, `.noColumns`.
    func matrixLayout(_ name: String) throws -> MatrixLayout {
        let (shape, type) = try datasetInfo(name)
        guard type.isNumeric else {
            throw HDF5Error.wrongType(file: path, dataset: name, type: type.description, expected: "float or integer")
        }
        guard (2...4).contains(shape.count) else {
            throw HDF5Error.wrongRank(
                file: path, dataset: name, rank: shape.count,
                expected: "2 ([N, D]), 3 ([N, H, W]) or 4 ([N, C, H, W])")
        }
        let layout = MatrixLayout(shape: shape, type: type)
        guard layout.rows > 0 else { throw HDF5Error.noRows(file: path, dataset: name) }
        guard layout.columns > 0 else { throw HDF5Error.noColumns(file: path, dataset: name, shape: shape) }
        return layout
    }
}

extension HDF5Reader {
    /// The sample-matrix view of dataset `name` without reading its values:
    /// `(rows: N, columns: D, shape)` where D is the product of the trailing dimensions.
    ///
    /// - Throws: `.datasetNotFound`, `.wrongRank` (not 2, 3 or 4), `.wrongType` (not numeric),
    ///   `.noRows`, `.noColumns`.
    public func matrixShape(_ name: String = "features") throws -> (rows: Int, columns: Int, shape: [Int]) {
        let layout = try file.matrixLayout(name)
        return (layout.rows, layout.columns, layout.shape)
    }

    /// Reads dataset `name` whole as a `[N, D]` Float32 matrix (see `HDF5Matrix` for images).
    ///
    /// float32, float64, float16 and every integer type are accepted and converted by HDF5
    /// (float64 rounds to nearest; integers beyond 2²⁴ may round). With `checkFinite` (the
    /// default) a NaN, an infinity, or a float64 value outside the float32 range is an error
    /// naming its row and column; float64 data is checked in the file before conversion, so a
    /// value like 1e300 is reported as itself. Memory: `4·N·D` bytes.
    ///
    /// - Throws: the errors of `matrixShape`, `.nonFinite`, `.readFailed`.
    public func readMatrix(_ name: String = "features", checkFinite: Bool = true) throws -> HDF5Matrix {
        let layout = try file.matrixLayout(name)
        if checkFinite && layout.type == .float64 {
            try validateFinite(name)
        }
        let count = layout.rows * layout.columns
        let values = try [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
            try file.readRows(name, rows: 0..<layout.rows, as: .float32, into: buffer.baseAddress!)
            initialised = count
        }
        if checkFinite && layout.type != .float64,
            let index = values.withUnsafeBufferPointer({ firstNonFinite($0.baseAddress!, count: count) })
        {
            throw HDF5Error.nonFinite(
                file: path, dataset: name, row: index / layout.columns,
                column: index % layout.columns, value: Double(values[index]))
        }
        return HDF5Matrix(rows: layout.rows, columns: layout.columns, shape: layout.shape, values: values)
    }

    /// Reads rows `range` of dataset `name` into `buffer` as Float32, row-major, trailing
    /// dimensions flattened: `range.count · D` floats. Only those rows are read from the file (a
    /// hyperslab), so a dataset larger than memory can be streamed block by block. Values are not
    /// checked: call `validateFinite` once first.
    ///
    /// Precondition: `range` lies within `0..<N`. An empty range reads nothing.
    /// - Throws: the errors of `matrixShape`, `.readFailed`.
    public func readRows(_ name: String, range: Range<Int>, into buffer: UnsafeMutablePointer<Float>) throws {
        let layout = try file.matrixLayout(name)
        precondition(
            range.lowerBound >= 0 && range.upperBound <= layout.rows,
            "readRows: range \(range) outside 0..<\(layout.rows) of \"\(name)\" in \(path)")
        try file.readRows(name, rows: range, as: .float32, into: buffer)
    }

    /// A block reader over dataset `name` that keeps this file open.
    ///
    /// - Throws: the errors of `matrixShape`.
    public func rowSource(_ name: String = "features") throws -> HDF5RowSource {
        try HDF5RowSource(file: file, dataset: name)
    }
}

/// The index of the first NaN or infinite value among `count` values at `values`, or nil when
/// every value is finite. A plain loop over a raw pointer, so that it stays fast in debug builds.
func firstNonFinite(_ values: UnsafePointer<Float>, count: Int) -> Int? {
    var index = 0
    while index < count {
        if !values[index].isFinite { return index }
        index += 1
    }
    return nil
}

/// The index of the first float64 value that is not a finite Float32 (NaN, ±inf, or beyond
/// ±Float.greatestFiniteMagnitude after rounding), or nil.
func firstNonFinite(_ values: UnsafePointer<Double>, count: Int) -> Int? {
    var index = 0
    while index < count {
        if !Float(values[index]).isFinite { return index }
        index += 1
    }
    return nil
}
