import DSCTestSupport
import XCTest

@testable import DSCIO

/// Every HDF5 object (file, dataset, group, attribute) opened by DSCIO is closed again, on success and on failure.
final class HDF5ObjectLifetimeTests: XCTestCase {
    func testEveryObjectIsClosed() throws {
        let before = H5.openObjectCount()
        let directory = try TestFiles.scratchDirectory(self)
        do {
            let reader = try HDF5Reader(path: TestFiles.fixture("small_float64.h5"))
            _ = reader.datasetNames
            _ = try reader.readMatrix()
            _ = try reader.readLabels(matchingRowsOf: "features")
            _ = try reader.attributeNames()
            for name in ["source", "fixed", "version", "scale", "sizes"] { _ = try reader.attribute(name) }
            var row = [Float](repeating: 0, count: 3)
            try row.withUnsafeMutableBufferPointer { try reader.rowSource().readRows(1..<2, into: $0.baseAddress!) }
            _ = try? reader.readLabels("labels_fraction")
            _ = try? reader.readMatrix("missing")
            _ = try? HDF5Reader(path: TestFiles.fixture("bad_nan.h5")).readMatrix("too_big")
            _ = try? HDF5Reader(path: TestFiles.fixture("truncated.h5"))
            let out = directory.appendingPathComponent("out.h5").path
            try HDF5Writer.writeFile(out) { w in
                try w.write([1, 2], to: "a/b")
                try w.createGroup("c")
                try w.setAttribute("s", "text", on: "a/b")
                try w.setAttribute("n", .doubles([1, 2]))
            }
            _ = try? HDF5Writer.writeFile(out) {
                try $0.write([1], to: "x")
                try $0.write([1], to: "x")
            }
        }
        XCTAssertEqual(H5.openObjectCount(), before)
    }
}
