/// An HDF5 file opened read-only: its datasets, their shapes and types, and attributes.
///
/// Dataset names are paths from the root, with or without a leading slash (`features`,
/// `/affinity/data`). The file stays open until the reader is released. Every method takes a
/// process-wide lock around libhdf5 (the serial build is not thread-safe), so a reader may be
/// shared between threads, but calls do not run in parallel.
///
/// Reading samples: `readMatrix` (whole, into memory), `readRows` / `HDF5RowSource` (blocks of
/// rows by hyperslab, for files larger than memory), `validateFinite` (a streamed NaN/inf check),
/// `readLabels`. All failures are `HDF5Error`s with one-line messages.
public final class HDF5Reader: @unchecked Sendable {
    /// The path as given to `init`; every error message starts with it.
    public let path: String
    let file: H5File

    /// Opens `path` read-only.
    ///
    /// - Throws: `HDF5Error.noSuchFile`, `.unreadable`, or `.notHDF5` (also for a truncated file).
    public init(path: String) throws {
        self.path = path
        self.file = try H5File.openReadOnly(path)
    }

    /// Full paths (no leading slash) of every dataset in the file, sorted, e.g.
    /// `["affinity/data", "affinity/indices", "features", "labels"]`. Groups are not listed.
    public var datasetNames: [String] { file.datasetNames() }

    /// Whether the file has a dataset called `name`.
    public func contains(_ name: String) -> Bool {
        (try? file.datasetInfo(name)) != nil
    }

    /// The dimensions of dataset `name`, slowest-varying first (`[N, D]`); `[]` for a scalar.
    ///
    /// - Throws: `HDF5Error.datasetNotFound` listing the file's datasets.
    public func shape(of name: String) throws -> [Int] {
        try file.datasetInfo(name).shape
    }

    /// The element type stored in dataset `name`.
    ///
    /// - Throws: `HDF5Error.datasetNotFound` listing the file's datasets.
    public func elementType(of name: String) throws -> HDF5ElementType {
        try file.datasetInfo(name).type
    }

    /// Names of the attributes on `object`, a dataset or group path (`/` for the root), sorted.
    public func attributeNames(of object: String = "/") throws -> [String] {
        try file.attributeNames(of: object)
    }

    /// Attribute `name` of `object` (`/` for the root, or a dataset or group path).
    ///
    /// - Throws: `.attributeNotFound`, `.attributeType` (not a string or numbers),
    ///   `.datasetNotFound` when `object` does not exist.
    public func attribute(_ name: String, of object: String = "/") throws -> HDF5AttributeValue {
        try file.readAttribute(name, of: object)
    }

    /// A string attribute; a number is formatted (`3`, `0.5`).
    public func stringAttribute(_ name: String, of object: String = "/") throws -> String {
        switch try attribute(name, of: object) {
        case .string(let text): return text
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .ints(let values): return values.map(String.init).joined(separator: ", ")
        case .doubles(let values): return values.map { String($0) }.joined(separator: ", ")
        }
    }
}
