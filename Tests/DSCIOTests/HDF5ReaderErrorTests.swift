import DSCTestSupport
import XCTest

@testable import DSCIO

/// Every bad fixture fails with its one-line message naming the file, dataset and value.
final class HDF5ReaderErrorTests: XCTestCase {
    func testMissingFile() {
        let path = TestFiles.fixture("does_not_exist.h5")
        assertHDF5Error(try HDF5Reader(path: path), "\(path): no such file")
        assertHDF5Error(try HDF5RowSource(path: path), "\(path): no such file")
    }

    func testTextFileIsNotHDF5() {
        let path = TestFiles.fixture("not_hdf5.h5")
        assertHDF5Error(try HDF5Reader(path: path), "\(path): not an HDF5 file (or truncated)")
    }

    func testTruncatedFile() {
        let path = TestFiles.fixture("truncated.h5")
        assertHDF5Error(try HDF5Reader(path: path), "\(path): not an HDF5 file (or truncated)")
    }

    func testDirectoryIsNotHDF5() {
        let path = TestFiles.fixtures.path
        assertHDF5Error(try HDF5Reader(path: path), "\(path): not an HDF5 file (or truncated)")
    }

    func testMissingDatasetListsTheOthers() throws {
        let path = TestFiles.fixture("small_float64.h5")
        let reader = try HDF5Reader(path: path)
        let list = "features, group/nested, labels, labels_float, labels_fraction"
        assertHDF5Error(try reader.readLabels("y"), "\(path): dataset \"y\" not found (datasets: \(list))")
        assertHDF5Error(try reader.readMatrix("group"), "\(path): dataset \"group\" not found (datasets: \(list))")
        assertHDF5Error(
            try reader.shape(of: "group/missing/deeper"),
            "\(path): dataset \"group/missing/deeper\" not found (datasets: \(list))")
    }

    func testWrongRank() throws {
        let path = TestFiles.fixture("wrong_rank.h5")
        let reader = try HDF5Reader(path: path)
        assertHDF5Error(
            try reader.readMatrix(),
            "\(path): dataset \"features\" has rank 1, expected 2 ([N, D]), 3 ([N, H, W]) or 4 ([N, C, H, W])")
        assertHDF5Error(try reader.readLabels(), "\(path): dataset \"labels\" has rank 2, expected 1 ([N])")
    }

    func testStringDataset() throws {
        let path = TestFiles.fixture("strings.h5")
        let reader = try HDF5Reader(path: path)
        XCTAssertEqual(try reader.elementType(of: "features"), .string)
        assertHDF5Error(
            try reader.readMatrix(), "\(path): dataset \"features\" has type string, expected float or integer")
        assertHDF5Error(
            try reader.readLabels("features"),
            "\(path): dataset \"features\" has type string, expected integer labels")
    }

    func testEmptyDataset() throws {
        let path = TestFiles.fixture("empty.h5")
        assertHDF5Error(try HDF5Reader(path: path).readMatrix(), "\(path): dataset \"features\" has 0 rows")
        assertHDF5Error(try HDF5RowSource(path: path), "\(path): dataset \"features\" has 0 rows")
    }

    func testNaNIsReportedWithRowAndColumn() throws {
        let path = TestFiles.fixture("bad_nan.h5")
        let reader = try HDF5Reader(path: path)
        let message = "\(path): dataset \"features\" row 2 column 1 is NaN"
        assertHDF5Error(try reader.readMatrix(), message)
        assertHDF5Error(try reader.validateFinite(), message)
        assertHDF5Error(try reader.rowSource().validateFinite(), message)
        let unchecked = try reader.readMatrix(checkFinite: false)
        XCTAssertTrue(unchecked.values[2 * 3 + 1].isNaN)
    }

    func testInfinityAndFloat32OverflowInFloat64Data() throws {
        let path = TestFiles.fixture("bad_nan.h5")
        let reader = try HDF5Reader(path: path)
        assertHDF5Error(try reader.readMatrix("with_inf"), "\(path): dataset \"with_inf\" row 1 column 0 is -inf")
        assertHDF5Error(
            try reader.readMatrix("too_big"),
            "\(path): dataset \"too_big\" row 1 column 1 is 1e+300, outside the float32 range")
    }

    func testStreamingValidationFindsTheRowInALaterBlock() throws {
        let path = TestFiles.fixture("bad_nan.h5")
        let reader = try HDF5Reader(path: path)
        // Blocks of one row (3 values): the NaN is in the third block.
        let layout = try reader.file.matrixLayout("features")
        assertHDF5Error(
            try reader.file.validateFinite("features", layout: layout, blockValues: 3),
            "\(path): dataset \"features\" row 2 column 1 is NaN")
        let wide = try reader.file.matrixLayout("with_inf")
        assertHDF5Error(
            try reader.file.validateFinite("with_inf", layout: wide, blockValues: 1),
            "\(path): dataset \"with_inf\" row 1 column 0 is -inf")
    }

    func testLabelCountMismatch() throws {
        let path = TestFiles.fixture("mismatch_labels.h5")
        let reader = try HDF5Reader(path: path)
        XCTAssertEqual(try reader.readLabels().count, 10)
        assertHDF5Error(
            try reader.readLabels(matchingRowsOf: "features"),
            "\(path): dataset \"labels\" has 10 entries but \"features\" has 12 rows")
    }

    func testFractionalFloatLabels() throws {
        let path = TestFiles.fixture("small_float64.h5")
        assertHDF5Error(
            try HDF5Reader(path: path).readLabels("labels_fraction"),
            "\(path): dataset \"labels_fraction\" entry 2 is 2.5, expected an integer label")
    }

    func testMissingAttribute() throws {
        let path = TestFiles.fixture("small_float64.h5")
        let reader = try HDF5Reader(path: path)
        assertHDF5Error(try reader.attribute("seed"), "\(path): attribute \"seed\" not found on \"/\"")
        assertHDF5Error(
            try reader.attribute("unit", of: "nope"),
            "\(path): dataset \"nope\" not found (datasets: features, group/nested, labels, labels_float, labels_fraction)"
        )
    }
}
