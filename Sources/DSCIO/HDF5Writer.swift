import Foundation

/// Writes an HDF5 file atomically: everything goes to a temporary file beside the destination,
/// and `commit()` renames it onto the destination in one step.
///
/// The temporary file is `DIR/.NAME.tmp-PID-K` (K counts writers in this process). Until `commit`
/// succeeds the destination is untouched: if any method throws, the writer discards itself at
/// once (the temporary file is removed and later calls are a programmer error); a writer released
/// without `commit` is discarded too. A process killed mid-write may leave the temporary file.
///
///     try HDF5Writer.writeFile("out.h5") { out in
///         try out.write(labels, to: "labels")                     // [Int] → int64 [N]
///         try out.write(embedding, shape: [n, k], to: "embedding") // [Float] → float32 [N, K]
///         try out.setAttribute("method", .string("spectral"))
///     }
///
/// Datasets are contiguous and uncompressed; names with slashes (`affinity/data`) create the
/// groups on the way. Not thread-safe: use one writer from one thread.
public final class HDF5Writer {
    /// The destination path, as given.
    public let path: String
    /// The temporary file being written (removed on discard, renamed on commit).
    public let temporaryPath: String
    private var file: H5File?

    /// Creates the temporary file for destination `path`.
    ///
    /// - Throws: `HDF5Error.cannotCreate` naming `path` when its directory is missing or not
    ///   writable, when `path` is a directory, or when HDF5 cannot create the file.
    public init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw HDF5Error.cannotCreate(path: path, reason: "it is a directory")
        }
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw HDF5Error.cannotCreate(path: path, reason: "directory \(directory) does not exist")
        }
        guard manager.isWritableFile(atPath: directory) else {
            throw HDF5Error.cannotCreate(path: path, reason: "directory \(directory) is not writable")
        }
        let name =
            ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(H5.nextTemporaryNumber())"
        self.path = path
        self.temporaryPath = url.deletingLastPathComponent().appendingPathComponent(name).path
        self.file = try H5File.create(temporaryPath, displayPath: path)
    }

    deinit { discard() }

    /// Creates a writer for `path`, runs `body`, and commits; if `body` or the commit throws, the
    /// temporary file is removed, the destination is untouched, and the error is rethrown.
    public static func writeFile(_ path: String, _ body: (HDF5Writer) throws -> Void) throws {
        let writer = try HDF5Writer(path: path)
        do {
            try body(writer)
            try writer.commit()
        } catch {
            writer.discard()
            throw error
        }
    }

    /// Whether the writer can still write (neither committed nor discarded).
    public var isOpen: Bool { file != nil }

    // MARK: Datasets

    /// Writes `values` as a float32 dataset of `shape` (default `[values.count]`).
    /// Precondition: the product of `shape` equals `values.count`.
    public func write(_ values: [Float], shape: [Int]? = nil, to name: String) throws {
        try values.withUnsafeBytes { try write(bytes: $0, count: values.count, shape: shape, native: .float32, name) }
    }

    /// Writes `values` (e.g. a large embedding held elsewhere) as a float32 dataset of `shape`.
    public func write(_ values: UnsafeBufferPointer<Float>, shape: [Int], to name: String) throws {
        try write(bytes: UnsafeRawBufferPointer(values), count: values.count, shape: shape, native: .float32, name)
    }

    /// Writes `values` as a float64 dataset of `shape` (default `[values.count]`).
    public func write(_ values: [Double], shape: [Int]? = nil, to name: String) throws {
        try values.withUnsafeBytes { try write(bytes: $0, count: values.count, shape: shape, native: .float64, name) }
    }

    /// Writes `values` as an int64 dataset of `shape` (default `[values.count]`).
    public func write(_ values: [Int], shape: [Int]? = nil, to name: String) throws {
        try write(values.map { Int64($0) }, shape: shape, to: name)
    }

    /// Writes `values` as an int64 dataset of `shape` (default `[values.count]`).
    public func write(_ values: [Int64], shape: [Int]? = nil, to name: String) throws {
        try values.withUnsafeBytes { try write(bytes: $0, count: values.count, shape: shape, native: .int64, name) }
    }

    /// Writes `values` as a uint64 dataset of `shape` (default `[values.count]`), e.g. binary codes
    /// packed in 64-bit words.
    public func write(_ values: [UInt64], shape: [Int]? = nil, to name: String) throws {
        try values.withUnsafeBytes { try write(bytes: $0, count: values.count, shape: shape, native: .uint64, name) }
    }

    /// Writes `values` as an int32 dataset of `shape` (default `[values.count]`).
    public func write(_ values: [Int32], shape: [Int]? = nil, to name: String) throws {
        try values.withUnsafeBytes { try write(bytes: $0, count: values.count, shape: shape, native: .int32, name) }
    }

    /// Writes `values` as a uint8 dataset of `shape` (default `[values.count]`), e.g. images.
    public func write(_ values: [UInt8], shape: [Int]? = nil, to name: String) throws {
        try values.withUnsafeBytes { try write(bytes: $0, count: values.count, shape: shape, native: .uint8, name) }
    }

    /// Creates group `name` and its missing parents (writing `a/b` creates `a` by itself, so this
    /// is needed only for empty groups or to attach attributes first).
    public func createGroup(_ name: String) throws {
        try guarded { file in try file.createGroup(name, displayPath: path) }
    }

    // MARK: Attributes

    /// Sets attribute `name` on `object` (`/` for the root, or a dataset or group already
    /// written), replacing an attribute of the same name.
    public func setAttribute(_ name: String, _ value: HDF5AttributeValue, on object: String = "/") throws {
        try guarded { file in try file.writeAttribute(value, name: name, on: object, displayPath: path) }
    }

    /// Sets a string attribute (variable-length UTF-8).
    public func setAttribute(_ name: String, _ value: String, on object: String = "/") throws {
        try setAttribute(name, .string(value), on: object)
    }

    /// Sets an int64 attribute.
    public func setAttribute(_ name: String, _ value: Int, on object: String = "/") throws {
        try setAttribute(name, .int(value), on: object)
    }

    /// Sets a float64 attribute.
    public func setAttribute(_ name: String, _ value: Double, on object: String = "/") throws {
        try setAttribute(name, .double(value), on: object)
    }

    // MARK: Finishing

    /// Closes the temporary file, flushes it to disk, and renames it onto `path` (replacing any
    /// file there). Afterwards the writer is closed.
    ///
    /// - Throws: `.writeFailed` if HDF5 cannot finish the file, `.cannotCommit` if the rename
    ///   fails; in both cases the temporary file is removed and `path` is untouched.
    public func commit() throws {
        guard let file else { preconditionFailure("HDF5Writer(\(path)): commit after commit or discard") }
        do {
            try file.close(displayPath: path)
            self.file = nil
            if let handle = FileHandle(forUpdatingAtPath: temporaryPath) {
                try? handle.synchronize()
                try? handle.close()
            }
            guard rename(temporaryPath, path) == 0 else {
                let reason = String(cString: strerror(errno))
                throw HDF5Error.cannotCommit(path: path, reason: reason)
            }
        } catch {
            discard()
            throw error
        }
    }

    /// Abandons the file: closes it and removes the temporary file. The destination is untouched.
    /// Safe to call more than once, and after `commit` (then it does nothing).
    public func discard() {
        if let file {
            try? file.close(displayPath: path)
            self.file = nil
        }
        if FileManager.default.fileExists(atPath: temporaryPath) {
            try? FileManager.default.removeItem(atPath: temporaryPath)
        }
    }

    // MARK: Private

    private func write(
        bytes: UnsafeRawBufferPointer, count: Int, shape: [Int]?, native: H5Native,
        _ name: String
    ) throws {
        let shape = shape ?? [count]
        precondition(
            shape.allSatisfy { $0 >= 0 } && shape.reduce(1, *) == count,
            "HDF5Writer.write(\"\(name)\"): shape \(shapeText(shape)) does not hold \(count) values")
        try guarded { file in
            try file.createDataset(name, shape: shape, native: native, data: bytes.baseAddress, displayPath: path)
        }
    }

    /// Runs `body` with the open file; discards the writer if it throws.
    private func guarded(_ body: (H5File) throws -> Void) throws {
        guard let file else { preconditionFailure("HDF5Writer(\(path)): write after commit or discard") }
        do {
            try body(file)
        } catch {
            discard()
            throw error
        }
    }
}
