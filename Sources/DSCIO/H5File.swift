import CHDF5
import Foundation

/// An open HDF5 file id and the path it was opened with (as the caller spelled it, for messages).
///
/// Internal: the C side of `HDF5Reader`, `HDF5RowSource` and `HDF5Writer`. The file id is closed
/// by `close()` or, failing that, by `deinit`. All methods take the library lock, so one `H5File`
/// may be shared between threads.
final class H5File: @unchecked Sendable {
    let path: String
    private var id: hid_t

    private init(path: String, id: hid_t) {
        self.path = path
        self.id = id
    }

    deinit {
        if id >= 0 { H5.call { _ = H5Fclose(id) } }
    }

    /// Opens `path` read-only.
    ///
    /// - Throws: `.noSuchFile`, `.unreadable`, or `.notHDF5` (also for a directory, a damaged or a
    ///   truncated file: HDF5 refuses a file shorter than its superblock says).
    static func openReadOnly(_ path: String) throws -> H5File {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HDF5Error.noSuchFile(file: path)
        }
        if isDirectory.boolValue { throw HDF5Error.notHDF5(file: path) }
        guard FileManager.default.isReadableFile(atPath: path) else { throw HDF5Error.unreadable(file: path) }
        let id = H5.call { H5Fopen(path, dsc_h5f_acc_rdonly(), dsc_h5p_default()) }
        guard id >= 0 else { throw HDF5Error.notHDF5(file: path) }
        return H5File(path: path, id: id)
    }

    /// Creates (or truncates) `path` for writing. Closing the file closes every object still open
    /// in it (`H5F_CLOSE_STRONG`), so a closed file is complete on disk.
    ///
    /// - Throws: `.cannotCreate(path: displayPath, …)` with HDF5's reason.
    static func create(_ path: String, displayPath: String) throws -> H5File {
        try H5.call {
            let fapl = H5Pcreate(dsc_h5p_file_access())
            defer { if fapl >= 0 { _ = H5Pclose(fapl) } }
            _ = H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG)
            let id = H5Fcreate(path, dsc_h5f_acc_trunc(), dsc_h5p_default(), fapl)
            guard id >= 0 else {
                throw HDF5Error.cannotCreate(path: displayPath, reason: H5.lastErrorDescription() ?? "HDF5 error")
            }
            return H5File(path: path, id: id)
        }
    }

    /// Flushes and closes the file; later calls do nothing.
    ///
    /// - Throws: `.writeFailed` when HDF5 cannot finish writing (e.g. the disk is full).
    func close(displayPath: String) throws {
        try H5.call {
            guard id >= 0 else { return }
            let status = H5Fclose(id)
            id = -1
            if status < 0 {
                throw HDF5Error.writeFailed(
                    path: displayPath, object: "/",
                    reason: H5.lastErrorDescription() ?? "HDF5 could not close the file")
            }
        }
    }

    /// Runs `body` with the file id, holding the library lock.
    func withID<T>(_ body: (hid_t) throws -> T) rethrows -> T {
        try H5.call {
            precondition(id >= 0, "H5File \(path): used after close")
            return try body(id)
        }
    }

    // MARK: Objects

    /// `name` without leading slashes; `"/"` and `""` become `"."` (the root group).
    static func relativeName(_ name: String) -> String {
        let trimmed = String(name.drop(while: { $0 == "/" }))
        return trimmed.isEmpty ? "." : trimmed
    }

    /// Whether `name` (a path such as `affinity/data`) leads through existing links to an object.
    /// Each component is checked in turn, since HDF5 fails on a link under a missing group.
    func linkExists(_ name: String) -> Bool {
        withID { file in
            let relative = H5File.relativeName(name)
            if relative == "." { return true }
            var prefix = ""
            for component in relative.split(separator: "/") {
                prefix += prefix.isEmpty ? String(component) : "/" + component
                if H5Lexists(file, prefix, dsc_h5p_default()) <= 0 { return false }
            }
            return true
        }
    }

    /// Runs `body` with the open dataset `name`, closed afterwards.
    ///
    /// - Throws: `.datasetNotFound` (listing the file's datasets) when there is no such dataset,
    ///   `.readFailed` when it exists but HDF5 cannot open it.
    func withDataset<T>(_ name: String, _ body: (hid_t) throws -> T) throws -> T {
        try withID { file in
            guard linkExists(name) else { throw notFound(name) }
            let dataset = H5Dopen2(file, H5File.relativeName(name), dsc_h5p_default())
            guard dataset >= 0 else {
                if objectKind(name) != H5I_DATASET { throw notFound(name) }
                throw HDF5Error.readFailed(file: path, dataset: name)
            }
            defer { _ = H5Dclose(dataset) }
            return try body(dataset)
        }
    }

    /// Runs `body` with the open object (group or dataset) `name`, `/` for the root.
    func withObject<T>(_ name: String, _ body: (hid_t) throws -> T) throws -> T {
        try withID { file in
            guard linkExists(name) else { throw notFound(name) }
            let object = H5Oopen(file, H5File.relativeName(name), dsc_h5p_default())
            guard object >= 0 else { throw HDF5Error.readFailed(file: path, dataset: name) }
            defer { _ = H5Oclose(object) }
            return try body(object)
        }
    }

    /// The identifier kind (`H5I_DATASET`, `H5I_GROUP`, …) of the object `name`; `H5I_BADID` if
    /// it cannot be opened.
    private func objectKind(_ name: String) -> H5I_type_t {
        withID { file in
            let object = H5Oopen(file, H5File.relativeName(name), dsc_h5p_default())
            guard object >= 0 else { return H5I_BADID }
            defer { _ = H5Oclose(object) }
            return H5Iget_type(object)
        }
    }

    /// The error for a missing dataset, listing the ones the file has.
    func notFound(_ name: String) -> HDF5Error {
        .datasetNotFound(file: path, dataset: name, available: datasetNames())
    }

    /// Full paths (no leading slash) of every dataset reachable through hard links, sorted.
    /// Groups nested deeper than 32 levels (only possible through link cycles) are not searched.
    func datasetNames() -> [String] {
        withID { file in
            var names: [String] = []
            collectDatasets(in: file, group: ".", prefix: "", depth: 0, into: &names)
            return names.sorted()
        }
    }

    private func collectDatasets(
        in file: hid_t, group: String, prefix: String, depth: Int,
        into names: inout [String]
    ) {
        guard depth < 32 else { return }
        let groupID = H5Gopen2(file, group, dsc_h5p_default())
        guard groupID >= 0 else { return }
        defer { _ = H5Gclose(groupID) }
        var info = H5G_info_t()
        guard H5Gget_info(groupID, &info) >= 0 else { return }
        for index in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(
                groupID, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0,
                dsc_h5p_default())
            guard length > 0 else { continue }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            _ = H5Lget_name_by_idx(
                groupID, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count,
                dsc_h5p_default())
            let name = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard dsc_h5l_is_hard(groupID, name) == 1 else { continue }
            let object = H5Oopen(groupID, name, dsc_h5p_default())
            guard object >= 0 else { continue }
            let kind = H5Iget_type(object)
            _ = H5Oclose(object)
            let full = prefix.isEmpty ? name : prefix + "/" + name
            if kind == H5I_DATASET {
                names.append(full)
            } else if kind == H5I_GROUP {
                collectDatasets(in: file, group: full, prefix: full, depth: depth + 1, into: &names)
            }
        }
    }
}
