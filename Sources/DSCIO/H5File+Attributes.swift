import CHDF5

extension H5File {
    /// Names of the attributes on `object` (`/` for the root), in name order.
    func attributeNames(of object: String) throws -> [String] {
        try withObject(object) { handle in
            var names: [String] = []
            var index: hsize_t = 0
            while true {
                let length = H5Aget_name_by_idx(
                    handle, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0,
                    dsc_h5p_default())
                guard length >= 0 else { break }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                _ = H5Aget_name_by_idx(
                    handle, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count,
                    dsc_h5p_default())
                names.append(
                    String(
                        decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) },
                        as: UTF8.self))
                index += 1
            }
            return names
        }
    }

    /// Reads attribute `name` of `object` (see `HDF5AttributeValue` for the conversions).
    ///
    /// - Throws: `.datasetNotFound` for a missing object, `.attributeNotFound`, `.attributeType`
    ///   for a type or shape that is not a string or numbers, `.readFailed` if HDF5 fails.
    func readAttribute(_ name: String, of object: String) throws -> HDF5AttributeValue {
        try withObject(object) { handle in
            guard H5Aexists(handle, name) > 0 else {
                throw HDF5Error.attributeNotFound(file: path, object: object, attribute: name)
            }
            let attribute = H5Aopen(handle, name, dsc_h5p_default())
            guard attribute >= 0 else { throw HDF5Error.readFailed(file: path, dataset: object) }
            defer { _ = H5Aclose(attribute) }
            let type = H5Aget_type(attribute)
            guard type >= 0 else { throw HDF5Error.readFailed(file: path, dataset: object) }
            defer { _ = H5Tclose(type) }
            let space = H5Aget_space(attribute)
            guard space >= 0 else { throw HDF5Error.readFailed(file: path, dataset: object) }
            defer { _ = H5Sclose(space) }

            let count = Int(H5Sget_simple_extent_npoints(space))
            let element = h5ElementType(type)
            func unsupported(_ what: String) -> HDF5Error {
                .attributeType(file: path, object: object, attribute: name, type: what)
            }
            guard count > 0 else { throw unsupported("empty \(element)") }
            if element == .string {
                guard count == 1 else { throw unsupported("array of \(count) strings") }
                return .string(try readStringAttribute(attribute, type: type, object: object))
            }
            if element.isInteger {
                var values = [Int64](repeating: 0, count: count)
                guard H5Aread(attribute, H5Native.int64.id, &values) >= 0 else {
                    throw HDF5Error.readFailed(file: path, dataset: object)
                }
                return count == 1 ? .int(Int(values[0])) : .ints(values.map { Int($0) })
            }
            if element.isFloat {
                var values = [Double](repeating: 0, count: count)
                guard H5Aread(attribute, H5Native.float64.id, &values) >= 0 else {
                    throw HDF5Error.readFailed(file: path, dataset: object)
                }
                return count == 1 ? .double(values[0]) : .doubles(values)
            }
            throw unsupported(element.description)
        }
    }

    /// One string from a scalar string attribute, fixed- or variable-length.
    private func readStringAttribute(_ attribute: hid_t, type: hid_t, object: String) throws -> String {
        if H5Tis_variable_str(type) > 0 {
            let memoryType = H5Tcopy(dsc_h5t_c_s1())
            defer { _ = H5Tclose(memoryType) }
            _ = H5Tset_size(memoryType, dsc_h5t_variable())
            _ = H5Tset_cset(memoryType, H5Tget_cset(type))
            var pointer: UnsafeMutablePointer<CChar>? = nil
            guard H5Aread(attribute, memoryType, &pointer) >= 0 else {
                throw HDF5Error.readFailed(file: path, dataset: object)
            }
            defer { if let pointer { H5free_memory(pointer) } }
            return pointer.map { String(cString: $0) } ?? ""
        }
        let size = H5Tget_size(type)
        var bytes = [UInt8](repeating: 0, count: size + 1)
        guard H5Aread(attribute, type, &bytes) >= 0 else { throw HDF5Error.readFailed(file: path, dataset: object) }
        let text = bytes.prefix(size).prefix(while: { $0 != 0 })
        let padded = H5Tget_strpad(type) == H5T_STR_SPACEPAD
        let trimmed = padded ? text.reversed().drop(while: { $0 == 0x20 }).reversed() : Array(text)
        return String(decoding: trimmed, as: UTF8.self)
    }

    /// Writes attribute `name` on `object` (`/` for the root), replacing one of the same name.
    ///
    /// - Throws: `.writeFailed(path: displayPath, …)`, also when `object` does not exist.
    func writeAttribute(_ value: HDF5AttributeValue, name: String, on object: String, displayPath: String) throws {
        func failure(_ reason: String) -> HDF5Error {
            .writeFailed(path: displayPath, object: "\(object) attribute \(name)", reason: reason)
        }
        guard linkExists(object) else { throw failure("no object \"\(object)\" in the file") }
        try withObject(object) { handle in
            if H5Aexists(handle, name) > 0 { _ = H5Adelete(handle, name) }
            switch value {
            case .string(let text):
                let type = H5Tcopy(dsc_h5t_c_s1())
                defer { _ = H5Tclose(type) }
                _ = H5Tset_size(type, dsc_h5t_variable())
                _ = H5Tset_cset(type, H5T_CSET_UTF8)
                try text.withCString { characters in
                    var pointer: UnsafePointer<CChar>? = characters
                    try create(handle, name, type: type, shape: [], data: &pointer, failure)
                }
            case .int(let number):
                var stored = Int64(number)
                try create(handle, name, type: H5Native.int64.id, shape: [], data: &stored, failure)
            case .double(let number):
                var stored = number
                try create(handle, name, type: H5Native.float64.id, shape: [], data: &stored, failure)
            case .ints(let numbers):
                var stored = numbers.map { Int64($0) } + [0]  // never empty, so the pointer is valid
                try create(handle, name, type: H5Native.int64.id, shape: [numbers.count], data: &stored, failure)
            case .doubles(let numbers):
                var stored = numbers + [0]
                try create(handle, name, type: H5Native.float64.id, shape: [numbers.count], data: &stored, failure)
            }
        }
    }

    private func create(
        _ handle: hid_t, _ name: String, type: hid_t, shape: [Int], data: UnsafeRawPointer,
        _ failure: (String) -> HDF5Error
    ) throws {
        let space = h5CreateSpace(shape)
        guard space >= 0 else { throw failure("invalid shape \(shapeText(shape))") }
        defer { _ = H5Sclose(space) }
        let attribute = H5Acreate2(handle, name, type, space, dsc_h5p_default(), dsc_h5p_default())
        guard attribute >= 0 else { throw failure(H5.lastErrorDescription() ?? "HDF5 could not create it") }
        defer { _ = H5Aclose(attribute) }
        guard H5Awrite(attribute, type, data) >= 0 else {
            throw failure(H5.lastErrorDescription() ?? "HDF5 could not write it")
        }
    }
}
