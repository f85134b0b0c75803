import CHDF5

extension HDF5Reader {
    /// Reads dataset `name` whole, of any rank (a scalar `[]` included), as Float32 values in
    /// row-major order with the dataset's own shape — for tensors such as model checkpoints,
    /// where `readMatrix`'s sample-matrix rules (rank 2 to 4, N ≥ 1) do not apply.
    ///
    /// Any numeric element type is converted by HDF5 as in `readMatrix`; values are not checked
    /// for finiteness. A shape with a zero extent gives no values.
    ///
    /// - Throws: `.datasetNotFound`, `.wrongType` (not numeric), `.readFailed`.
    public func readArray(_ name: String) throws -> (shape: [Int], values: [Float]) {
        let (shape, type) = try file.datasetInfo(name)
        guard type.isNumeric else {
            throw HDF5Error.wrongType(file: path, dataset: name, type: type.description, expected: "float or integer")
        }
        let count = shape.reduce(1, *)
        guard count > 0 else { return (shape, []) }
        let values = try [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
            try file.withDataset(name) { dataset in
                guard
                    H5Dread(
                        dataset, H5Native.float32.id, dsc_h5s_all(), dsc_h5s_all(), dsc_h5p_default(),
                        buffer.baseAddress!) >= 0
                else {
                    throw HDF5Error.readFailed(file: path, dataset: name)
                }
            }
            initialised = count
        }
        return (shape, values)
    }

    /// Reads integer dataset `name` whole, exactly, as unsigned 64-bit words in row-major order
    /// with the dataset's own shape (e.g. binary codes). Any integer type is converted by HDF5; a
    /// negative value cannot be held and fails the read.
    ///
    /// - Throws: `.datasetNotFound`, `.wrongType` (not an integer type), `.readFailed`.
    public func readWords(_ name: String) throws -> (shape: [Int], values: [UInt64]) {
        let (shape, type) = try file.datasetInfo(name)
        guard type.isInteger else {
            throw HDF5Error.wrongType(file: path, dataset: name, type: type.description, expected: "integer")
        }
        let count = shape.reduce(1, *)
        guard count > 0 else { return (shape, []) }
        let values = try [UInt64](unsafeUninitializedCapacity: count) { buffer, initialised in
            try file.withDataset(name) { dataset in
                guard
                    H5Dread(
                        dataset, H5Native.uint64.id, dsc_h5s_all(), dsc_h5s_all(), dsc_h5p_default(),
                        buffer.baseAddress!) >= 0
                else {
                    throw HDF5Error.readFailed(file: path, dataset: name)
                }
            }
            initialised = count
        }
        return (shape, values)
    }
}
