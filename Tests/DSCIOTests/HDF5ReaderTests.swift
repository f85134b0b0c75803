import DSCIO
import DSCTestSupport
import XCTest

/// Reading the well-formed fixtures; values as written by `Tests/Fixtures/make_fixtures.py`.
final class HDF5ReaderTests: XCTestCase {
    func testDatasetNamesShapesAndTypes() throws {
        let reader = try HDF5Reader(path: TestFiles.fixture("small_float64.h5"))
        XCTAssertEqual(reader.datasetNames, ["features", "group/nested", "labels", "labels_float", "labels_fraction"])
        XCTAssertEqual(try reader.shape(of: "features"), [6, 3])
        XCTAssertEqual(try reader.shape(of: "/group/nested"), [4])
        XCTAssertEqual(try reader.elementType(of: "features"), .float64)
        XCTAssertEqual(try reader.elementType(of: "labels"), .int32)
        XCTAssertEqual(try reader.elementType(of: "group/nested"), .int16)
        XCTAssertTrue(reader.contains("labels"))
        XCTAssertFalse(reader.contains("group"))
        XCTAssertFalse(reader.contains("missing"))
    }

    func testFloat64MatrixIsConvertedToFloat() throws {
        let reader = try HDF5Reader(path: TestFiles.fixture("small_float64.h5"))
        let matrix = try reader.readMatrix("features")
        XCTAssertEqual(matrix.rows, 6)
        XCTAssertEqual(matrix.columns, 3)
        XCTAssertEqual(matrix.shape, [6, 3])
        XCTAssertEqual(matrix.values, (0..<6).flatMap { i in (0..<3).map { j in Float(10 * i + j) } })
    }

    func testUInt8ImagesAreFlattened() throws {
        let reader = try HDF5Reader(path: TestFiles.fixture("small_uint8_images.h5"))
        XCTAssertEqual(try reader.elementType(of: "features"), .uint8)
        let images = try reader.readMatrix()
        XCTAssertEqual(images.shape, [4, 5, 5])
        XCTAssertEqual(images.rows, 4)
        XCTAssertEqual(images.columns, 25)
        XCTAssertEqual(images.values, (0..<100).map { Float($0) })

        let nchw = try reader.readMatrix("nchw")
        XCTAssertEqual(nchw.shape, [4, 1, 5, 5])
        XCTAssertEqual(nchw.columns, 25)
        for (index, value) in nchw.values.enumerated() {
            XCTAssertEqual(value, Float(index) / 100, accuracy: 1e-6)
        }
        XCTAssertEqual(try reader.readLabels(matchingRowsOf: "features"), [1, 0, 1, 0])
    }

    func testLabels() throws {
        let reader = try HDF5Reader(path: TestFiles.fixture("small_float64.h5"))
        XCTAssertEqual(try reader.readLabels(), [0, 1, 2, 0, 1, 2])
        XCTAssertEqual(try reader.readLabels("labels", matchingRowsOf: "features"), [0, 1, 2, 0, 1, 2])
        XCTAssertEqual(try reader.readLabels("labels_float"), [3, 3, 1, 1, 0, 0])
    }

    func testReadRowsReadsOnlyTheBlock() throws {
        let reader = try HDF5Reader(path: TestFiles.fixture("small_float64.h5"))
        var block = [Float](repeating: -1, count: 3 * 3 + 1)
        try block.withUnsafeMutableBufferPointer {
            try reader.readRows("features", range: 2..<5, into: $0.baseAddress!)
        }
        XCTAssertEqual(Array(block.prefix(9)), [20, 21, 22, 30, 31, 32, 40, 41, 42])
        XCTAssertEqual(block[9], -1, "nothing written past the block")
        try block.withUnsafeMutableBufferPointer {
            try reader.readRows("features", range: 3..<3, into: $0.baseAddress!)
        }
        XCTAssertEqual(block[0], 20, "an empty range reads nothing")
    }

    func testRowSourceStreamsTheSameValuesAsReadMatrix() throws {
        for (file, dataset) in [
            ("small_float64.h5", "features"), ("small_uint8_images.h5", "features"),
            ("small_uint8_images.h5", "nchw"),
        ] {
            let path = TestFiles.fixture(file)
            let whole = try HDF5Reader(path: path).readMatrix(dataset)
            let source = try HDF5RowSource(path: path, dataset: dataset)
            XCTAssertEqual(source.rowCount, whole.rows)
            XCTAssertEqual(source.dimension, whole.columns)
            XCTAssertEqual(source.shape, whole.shape)
            try source.validateFinite()
            var streamed: [Float] = []
            var start = 0
            while start < source.rowCount {
                let end = min(start + 4, source.rowCount)
                var block = [Float](repeating: 0, count: (end - start) * source.dimension)
                try block.withUnsafeMutableBufferPointer { try source.readRows(start..<end, into: $0.baseAddress!) }
                streamed += block
                start = end
            }
            XCTAssertEqual(streamed, whole.values, "\(file):\(dataset)")
        }
    }

    func testRowSourceFromReaderSharesTheFile() throws {
        let reader = try HDF5Reader(path: TestFiles.fixture("small_float64.h5"))
        let source = try reader.rowSource()
        XCTAssertEqual(source.path, reader.path)
        XCTAssertEqual(source.dataset, "features")
        XCTAssertEqual(source.elementType, .float64)
        var row = [Float](repeating: 0, count: 3)
        try row.withUnsafeMutableBufferPointer { try source.readRows(5..<6, into: $0.baseAddress!) }
        XCTAssertEqual(row, [50, 51, 52])
    }

    func testAttributes() throws {
        let reader = try HDF5Reader(path: TestFiles.fixture("small_float64.h5"))
        XCTAssertEqual(try reader.attributeNames(), ["fixed", "scale", "sizes", "source", "version"])
        XCTAssertEqual(try reader.attribute("source"), .string("make_fixtures.py"))
        XCTAssertEqual(try reader.attribute("fixed"), .string("fixed-ascii"))
        XCTAssertEqual(try reader.attribute("version"), .int(3))
        XCTAssertEqual(try reader.attribute("version").intValue, 3)
        XCTAssertEqual(try reader.attribute("scale"), .double(0.5))
        XCTAssertEqual(try reader.attribute("sizes"), .ints([6, 3]))
        XCTAssertEqual(try reader.stringAttribute("version"), "3")
        XCTAssertEqual(try reader.attributeNames(of: "features"), ["unit"])
        XCTAssertEqual(try reader.attribute("unit", of: "/features").stringValue, "none")
    }
}
