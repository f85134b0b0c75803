import Foundation

/// A failure reading or writing an HDF5 file: a user's bad input or an unwritable path.
///
/// Every message is one line that names the file (the path as the caller gave it), the dataset or
/// attribute, and the offending value, so the CLI can print `errorDescription` as it is:
///
///     data.h5: dataset "features" has rank 1, expected 2 ([N, D]), 3 ([N, H, W]) or 4 ([N, C, H, W])
///     x.h5: dataset "labels" has 10 entries but "features" has 12 rows
///
/// Programmer mistakes (a row range outside the dataset, a buffer of the wrong size) are
/// preconditions, not cases of this enum.
public enum HDF5Error: Error, LocalizedError, Equatable, Sendable {
    /// The file does not exist.
    case noSuchFile(file: String)
    /// The file exists but cannot be read by this process.
    case unreadable(file: String)
    /// The file is not HDF5, or is HDF5 cut short.
    case notHDF5(file: String)
    /// No dataset of that name; `available` lists the datasets the file has (full paths, sorted).
    case datasetNotFound(file: String, dataset: String, available: [String])
    /// The dataset's rank is not one the caller accepts; `expected` says which, in words.
    case wrongRank(file: String, dataset: String, rank: Int, expected: String)
    /// The dataset's element type is not one the caller accepts.
    case wrongType(file: String, dataset: String, type: String, expected: String)
    /// The dataset has no samples (first dimension 0).
    case noRows(file: String, dataset: String)
    /// The dataset has samples but no features (`[N, 0]`, or a zero image dimension).
    case noColumns(file: String, dataset: String, shape: [Int])
    /// A value is NaN, ±infinity, or a finite float64 outside the float32 range.
    case nonFinite(file: String, dataset: String, row: Int, column: Int, value: Double)
    /// A label stored as a float is not an integer (or does not fit in `Int`).
    case notIntegral(file: String, dataset: String, index: Int, value: Double)
    /// A labels dataset's length differs from the features dataset's row count.
    case countMismatch(file: String, dataset: String, count: Int, other: String, rows: Int)
    /// The object (`/` for the root) has no attribute of that name.
    case attributeNotFound(file: String, object: String, attribute: String)
    /// The attribute's type or shape is not a string or number (array).
    case attributeType(file: String, object: String, attribute: String, type: String)
    /// HDF5 refused to read data that its metadata promised (a damaged file).
    case readFailed(file: String, dataset: String)
    /// The output file cannot be created; `reason` says why.
    case cannotCreate(path: String, reason: String)
    /// Writing an object into the output file failed; `reason` says why.
    case writeFailed(path: String, object: String, reason: String)
    /// The finished temporary file could not be moved onto the destination.
    case cannotCommit(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .noSuchFile(let file):
            return "\(file): no such file"
        case .unreadable(let file):
            return "\(file): permission denied"
        case .notHDF5(let file):
            return "\(file): not an HDF5 file (or truncated)"
        case .datasetNotFound(let file, let dataset, let available):
            let list = available.isEmpty ? "the file has none" : available.joined(separator: ", ")
            return "\(file): dataset \"\(dataset)\" not found (datasets: \(list))"
        case .wrongRank(let file, let dataset, let rank, let expected):
            return "\(file): dataset \"\(dataset)\" has rank \(rank), expected \(expected)"
        case .wrongType(let file, let dataset, let type, let expected):
            return "\(file): dataset \"\(dataset)\" has type \(type), expected \(expected)"
        case .noRows(let file, let dataset):
            return "\(file): dataset \"\(dataset)\" has 0 rows"
        case .noColumns(let file, let dataset, let shape):
            return "\(file): dataset \"\(dataset)\" has shape \(shapeText(shape)), no features per row"
        case .nonFinite(let file, let dataset, let row, let column, let value):
            return "\(file): dataset \"\(dataset)\" row \(row) column \(column) is \(valueText(value))"
        case .notIntegral(let file, let dataset, let index, let value):
            return "\(file): dataset \"\(dataset)\" entry \(index) is \(value), expected an integer label"
        case .countMismatch(let file, let dataset, let count, let other, let rows):
            return "\(file): dataset \"\(dataset)\" has \(count) entries but \"\(other)\" has \(rows) rows"
        case .attributeNotFound(let file, let object, let attribute):
            return "\(file): attribute \"\(attribute)\" not found on \"\(object)\""
        case .attributeType(let file, let object, let attribute, let type):
            return "\(file): attribute \"\(attribute)\" on \"\(object)\" has type \(type), expected a string or numbers"
        case .readFailed(let file, let dataset):
            return "\(file): dataset \"\(dataset)\" could not be read (file damaged or truncated)"
        case .cannotCreate(let path, let reason):
            return "\(path): cannot write output (\(reason))"
        case .writeFailed(let path, let object, let reason):
            return "\(path): cannot write \"\(object)\" (\(reason))"
        case .cannotCommit(let path, let reason):
            return "\(path): cannot move the finished file into place (\(reason))"
        }
    }
}

/// `[4, 0]` for a shape.
func shapeText(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

/// `NaN`, `inf`, `-inf`, or `1e+300, outside the float32 range`.
private func valueText(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    return "\(value), outside the float32 range"
}
