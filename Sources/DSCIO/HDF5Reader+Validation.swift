extension H5File {
    /// Streams dataset `name` (already checked by `matrixLayout`) in blocks of about 2²⁰ values
    /// and throws at the first value that is not a finite Float32.
    ///
    /// Integer data is never read (every integer type converts to a finite Float32). float64 data
    /// is read as float64, so NaN, ±inf, and finite values beyond ±Float.greatestFiniteMagnitude
    /// (which would become ±inf) are reported with their stored value. Other floats are read as
    /// float32. Memory: one block; time: one pass over the dataset.
    ///
    /// - Throws: `.nonFinite` naming the row and (flattened) column, `.readFailed`.
    func validateFinite(_ name: String, layout: MatrixLayout, blockValues: Int = 1 << 20) throws {
        guard layout.type.isFloat else { return }
        let columns = layout.columns
        let blockRows = max(1, blockValues / columns)
        var start = 0
        if layout.type == .float64 {
            var block = [Double](repeating: 0, count: min(blockRows, layout.rows) * columns)
            while start < layout.rows {
                let end = min(start + blockRows, layout.rows)
                let bad: Int? = try block.withUnsafeMutableBufferPointer { buffer in
                    try readRows(name, rows: start..<end, as: .float64, into: buffer.baseAddress!)
                    return firstNonFinite(buffer.baseAddress!, count: (end - start) * columns)
                }
                if let bad {
                    throw HDF5Error.nonFinite(
                        file: path, dataset: name, row: start + bad / columns,
                        column: bad % columns, value: block[bad])
                }
                start = end
            }
        } else {
            var block = [Float](repeating: 0, count: min(blockRows, layout.rows) * columns)
            while start < layout.rows {
                let end = min(start + blockRows, layout.rows)
                let bad: Int? = try block.withUnsafeMutableBufferPointer { buffer in
                    try readRows(name, rows: start..<end, as: .float32, into: buffer.baseAddress!)
                    return firstNonFinite(buffer.baseAddress!, count: (end - start) * columns)
                }
                if let bad {
                    throw HDF5Error.nonFinite(
                        file: path, dataset: name, row: start + bad / columns,
                        column: bad % columns, value: Double(block[bad]))
                }
                start = end
            }
        }
    }
}

extension HDF5Reader {
    /// Checks that every value of sample dataset `name` is a finite Float32, reading it in blocks
    /// (about 4–8 MiB of memory whatever the dataset's size). Integer datasets pass at once.
    ///
    /// - Throws: the errors of `matrixShape`; `.nonFinite` for the first NaN, ±inf, or float64
    ///   value beyond the float32 range, naming its row and column (trailing dimensions of images
    ///   flattened in C order), e.g. `x.h5: dataset "features" row 12 column 3 is NaN`.
    public func validateFinite(_ name: String = "features") throws {
        try file.validateFinite(name, layout: file.matrixLayout(name))
    }
}
