import CHDF5

extension H5File {
    /// The shape (`[]` for a scalar) and stored element type of dataset `name`.
    func datasetInfo(_ name: String) throws -> (shape: [Int], type: HDF5ElementType) {
        try withDataset(name) { dataset in
            let space = H5Dget_space(dataset)
            guard space >= 0 else { throw HDF5Error.readFailed(file: path, dataset: name) }
            defer { _ = H5Sclose(space) }
            let type = H5Dget_type(dataset)
            guard type >= 0 else { throw HDF5Error.readFailed(file: path, dataset: name) }
            defer { _ = H5Tclose(type) }
            return (h5Shape(space), h5ElementType(type))
        }
    }

    /// Reads rows `rows` of dataset `name` (all trailing dimensions) into `buffer`, converted by
    /// HDF5 to `native`. `buffer` holds `rows.count · (product of trailing dims)` elements.
    ///
    /// Precondition: the dataset has rank ≥ 1 and `rows` lies within its first dimension; its type
    /// converts to `native` (numeric to numeric). Conversion follows HDF5: integers and floats
    /// convert exactly where representable, rounding to nearest otherwise; values out of an
    /// integer target's range are clamped.
    /// - Throws: `.datasetNotFound`, or `.readFailed` when HDF5 cannot read the data.
    func readRows(_ name: String, rows: Range<Int>, as native: H5Native, into buffer: UnsafeMutableRawPointer) throws {
        try withDataset(name) { dataset in
            let space = H5Dget_space(dataset)
            guard space >= 0 else { throw HDF5Error.readFailed(file: path, dataset: name) }
            defer { _ = H5Sclose(space) }
            let shape = h5Shape(space)
            precondition(!shape.isEmpty, "readRows: dataset \"\(name)\" in \(path) is a scalar")
            precondition(
                rows.lowerBound >= 0 && rows.upperBound <= shape[0],
                "readRows: rows \(rows) outside 0..<\(shape[0]) of \"\(name)\" in \(path)")
            guard !rows.isEmpty else { return }
            let rowSize = shape.dropFirst().reduce(1, *)
            guard rowSize > 0 else { return }
            var start = [hsize_t](repeating: 0, count: shape.count)
            var count = shape.map { hsize_t($0) }
            start[0] = hsize_t(rows.lowerBound)
            count[0] = hsize_t(rows.count)
            guard H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nil, count, nil) >= 0 else {
                throw HDF5Error.readFailed(file: path, dataset: name)
            }
            let memory = h5CreateSpace([rows.count * rowSize])
            guard memory >= 0 else { throw HDF5Error.readFailed(file: path, dataset: name) }
            defer { _ = H5Sclose(memory) }
            guard H5Dread(dataset, native.id, memory, space, dsc_h5p_default(), buffer) >= 0 else {
                throw HDF5Error.readFailed(file: path, dataset: name)
            }
        }
    }

    /// Creates dataset `name` of `shape` and element type `native`, contiguous, and writes
    /// `shape.product` elements from `data` (nil only when that product is 0). Missing groups on
    /// the way (`affinity` in `affinity/data`) are created.
    ///
    /// - Throws: `.writeFailed(path: displayPath, …)` when the name is taken, a parent is not a
    ///   group, or HDF5 fails to write.
    func createDataset(
        _ name: String, shape: [Int], native: H5Native, data: UnsafeRawPointer?,
        displayPath: String
    ) throws {
        try withID { file in
            let relative = H5File.relativeName(name)
            func failure(_ reason: String) -> HDF5Error {
                .writeFailed(path: displayPath, object: name, reason: reason)
            }
            if linkExists(relative) { throw failure("an object of that name already exists") }
            if let blocker = datasetOnPath(to: relative) { throw failure("\"\(blocker)\" is a dataset, not a group") }
            let space = h5CreateSpace(shape)
            guard space >= 0 else { throw failure("invalid shape \(shapeText(shape))") }
            defer { _ = H5Sclose(space) }
            let linkPlist = H5Pcreate(dsc_h5p_link_create())
            guard linkPlist >= 0 else { throw failure("HDF5 error") }
            defer { _ = H5Pclose(linkPlist) }
            _ = H5Pset_create_intermediate_group(linkPlist, 1)
            let dataset = H5Dcreate2(
                file, relative, native.id, space, linkPlist, dsc_h5p_default(),
                dsc_h5p_default())
            guard dataset >= 0 else { throw failure(H5.lastErrorDescription() ?? "HDF5 could not create it") }
            defer { _ = H5Dclose(dataset) }
            guard shape.reduce(1, *) > 0, let data else { return }
            guard H5Dwrite(dataset, native.id, dsc_h5s_all(), dsc_h5s_all(), dsc_h5p_default(), data) >= 0 else {
                throw failure(H5.lastErrorDescription() ?? "HDF5 could not write the data")
            }
        }
    }

    /// Creates group `name` and any missing parents; an existing group is left as it is.
    ///
    /// - Throws: `.writeFailed(path: displayPath, …)` when a dataset is in the way.
    func createGroup(_ name: String, displayPath: String) throws {
        try withID { file in
            let relative = H5File.relativeName(name)
            if linkExists(relative) {
                let object = H5Oopen(file, relative, dsc_h5p_default())
                defer { if object >= 0 { _ = H5Oclose(object) } }
                if object >= 0 && H5Iget_type(object) == H5I_GROUP { return }
                throw HDF5Error.writeFailed(path: displayPath, object: name, reason: "a dataset of that name exists")
            }
            if let blocker = datasetOnPath(to: relative) {
                throw HDF5Error.writeFailed(
                    path: displayPath, object: name, reason: "\"\(blocker)\" is a dataset, not a group")
            }
            let linkPlist = H5Pcreate(dsc_h5p_link_create())
            guard linkPlist >= 0 else {
                throw HDF5Error.writeFailed(path: displayPath, object: name, reason: "HDF5 error")
            }
            defer { _ = H5Pclose(linkPlist) }
            _ = H5Pset_create_intermediate_group(linkPlist, 1)
            let group = H5Gcreate2(file, relative, linkPlist, dsc_h5p_default(), dsc_h5p_default())
            guard group >= 0 else {
                throw HDF5Error.writeFailed(
                    path: displayPath, object: name,
                    reason: H5.lastErrorDescription() ?? "HDF5 could not create it")
            }
            _ = H5Gclose(group)
        }
    }

    /// The first existing proper prefix of `relative` (`a` or `a/b` for `a/b/c`) that is not a
    /// group, or nil when every existing prefix is a group.
    private func datasetOnPath(to relative: String) -> String? {
        withID { file in
            let components = relative.split(separator: "/")
            var prefix = ""
            for component in components.dropLast() {
                prefix += prefix.isEmpty ? String(component) : "/" + component
                guard H5Lexists(file, prefix, dsc_h5p_default()) > 0 else { return nil }
                let object = H5Oopen(file, prefix, dsc_h5p_default())
                guard object >= 0 else { return prefix }
                defer { _ = H5Oclose(object) }
                if H5Iget_type(object) != H5I_GROUP { return prefix }
            }
            return nil
        }
    }
}
