import DSCIO
import DSCTestSupport
import Foundation
import XCTest

/// Atomic writing: round trips through this module's reader and through h5py, and failures that
/// leave neither the destination nor a temporary file behind.
final class HDF5WriterTests: XCTestCase {
    /// A result file shaped like `dsc cluster --output`: labels, CSR affinity, embedding, attributes.
    private func writeResult(to path: String) throws {
        try HDF5Writer.writeFile(path) { out in
            try out.write([0, 1, 1, 2], to: "labels")
            try out.write([Int64(0), 1, 3, 4, 5], to: "affinity/indptr")
            try out.write([Int32(1), 0, 2, 1, 0], to: "affinity/indices")
            try out.write([Float(0.5), 0.5, 0.25, 0.25, 1], to: "affinity/data")
            try out.write([Float](stride(from: 0, to: 8, by: 1).map { $0 / 8 }), shape: [4, 2], to: "embedding")
            try out.write([UInt8](0..<12), shape: [3, 2, 2], to: "images")
            try out.write([Double](), to: "empty")
            try out.setAttribute("method", "spectral")
            try out.setAttribute("seed", 7)
            try out.setAttribute("tolerance", 1e-6)
            try out.setAttribute("parameters", "{\"neighbors\":10}")
            try out.setAttribute("version", "0.1.0 ünïcode")
            try out.setAttribute("neighbors", .ints([10, 20]))
            try out.setAttribute("weights", .doubles([0.5, 1.5]))
            try out.setAttribute("format", "csr", on: "affinity")
            try out.setAttribute("units", "none", on: "embedding")
            try out.setAttribute("seed", 8)  // replaces
        }
    }

    func testRoundTripThroughTheReader() throws {
        let directory = try TestFiles.scratchDirectory(self)
        let path = directory.appendingPathComponent("result.h5").path
        try writeResult(to: path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["result.h5"])

        let reader = try HDF5Reader(path: path)
        XCTAssertEqual(
            reader.datasetNames,
            ["affinity/data", "affinity/indices", "affinity/indptr", "embedding", "empty", "images", "labels"])
        XCTAssertEqual(try reader.elementType(of: "labels"), .int64)
        XCTAssertEqual(try reader.readLabels(), [0, 1, 1, 2])
        XCTAssertEqual(try reader.elementType(of: "affinity/indices"), .int32)
        XCTAssertEqual(try reader.readLabels("affinity/indices"), [1, 0, 2, 1, 0])
        XCTAssertEqual(try reader.readLabels("affinity/indptr"), [0, 1, 3, 4, 5])
        XCTAssertEqual(try reader.elementType(of: "affinity/data"), .float32)
        let embedding = try reader.readMatrix("embedding")
        XCTAssertEqual(embedding.shape, [4, 2])
        XCTAssertEqual(embedding.values, (0..<8).map { Float($0) / 8 })
        XCTAssertEqual(try reader.readMatrix("images").values, (0..<12).map { Float($0) })
        XCTAssertEqual(try reader.elementType(of: "empty"), .float64)
        XCTAssertEqual(try reader.shape(of: "empty"), [0])
        XCTAssertEqual(try reader.attribute("method"), .string("spectral"))
        XCTAssertEqual(try reader.attribute("seed"), .int(8))
        XCTAssertEqual(try reader.attribute("tolerance"), .double(1e-6))
        XCTAssertEqual(try reader.attribute("version"), .string("0.1.0 ünïcode"))
        XCTAssertEqual(try reader.attribute("neighbors"), .ints([10, 20]))
        XCTAssertEqual(try reader.attribute("weights"), .doubles([0.5, 1.5]))
        XCTAssertEqual(try reader.attribute("format", of: "affinity"), .string("csr"))
        XCTAssertEqual(try reader.attribute("units", of: "embedding"), .string("none"))
    }

    func testRoundTripThroughH5py() throws {
        try requireH5py()
        let directory = try TestFiles.scratchDirectory(self)
        let path = directory.appendingPathComponent("result.h5").path
        try writeResult(to: path)
        let script = """
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], "r") as f:
                assert f["labels"].dtype == np.int64 and f["labels"][:].tolist() == [0, 1, 1, 2]
                assert f["affinity/indptr"].dtype == np.int64 and f["affinity/indptr"][:].tolist() == [0, 1, 3, 4, 5]
                assert f["affinity/indices"].dtype == np.int32 and f["affinity/indices"][:].tolist() == [1, 0, 2, 1, 0]
                assert f["affinity/data"].dtype == np.float32
                assert np.array_equal(f["affinity/data"][:], np.array([0.5, 0.5, 0.25, 0.25, 1], np.float32))
                e = f["embedding"][:]
                assert e.dtype == np.float32 and e.shape == (4, 2) and np.array_equal(e.ravel(), np.arange(8) / 8)
                assert f["images"].dtype == np.uint8 and f["images"].shape == (3, 2, 2)
                assert f["images"][2, 1, 1] == 11
                assert f["empty"].shape == (0,)
                a = f.attrs
                assert a["method"] == "spectral", a["method"]
                assert a["seed"] == 8 and a["seed"].dtype == np.int64
                assert a["tolerance"] == 1e-6
                assert a["parameters"] == '{"neighbors":10}'
                assert a["version"] == "0.1.0 ünïcode"
                assert a["neighbors"].tolist() == [10, 20]
                assert a["weights"].tolist() == [0.5, 1.5]
                assert f["affinity"].attrs["format"] == "csr"
                assert f["embedding"].attrs["units"] == "none"
            print("ok")
            """
        let result = try runPython(script, [path])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(result.output.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
    }

    func testTemporaryFileUntilCommit() throws {
        let directory = try TestFiles.scratchDirectory(self)
        let path = directory.appendingPathComponent("out.h5").path
        let writer = try HDF5Writer(path: path)
        XCTAssertEqual(URL(fileURLWithPath: writer.temporaryPath).deletingLastPathComponent().path, directory.path)
        XCTAssertTrue(URL(fileURLWithPath: writer.temporaryPath).lastPathComponent.hasPrefix(".out.h5.tmp-"))
        try writer.write([1, 2, 3], to: "labels")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: writer.temporaryPath))
        try writer.commit()
        XCTAssertFalse(writer.isOpen)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out.h5"])
        XCTAssertEqual(try HDF5Reader(path: path).readLabels(), [1, 2, 3])
    }

    func testCommitReplacesAnExistingFile() throws {
        let directory = try TestFiles.scratchDirectory(self)
        let path = directory.appendingPathComponent("out.h5").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        try HDF5Writer.writeFile(path) { try $0.write([4, 5], to: "labels") }
        XCTAssertEqual(try HDF5Reader(path: path).readLabels(), [4, 5])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out.h5"])
    }

    func testFailingWriteLeavesNoFileAndKeepsTheOldOne() throws {
        let directory = try TestFiles.scratchDirectory(self)
        let path = directory.appendingPathComponent("out.h5").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let writer = try HDF5Writer(path: path)
        try writer.write([1, 2], to: "labels")
        assertHDF5Error(
            try writer.write([3, 4], to: "labels"),
            "\(path): cannot write \"labels\" (an object of that name already exists)")
        XCTAssertFalse(writer.isOpen)
        XCTAssertFalse(FileManager.default.fileExists(atPath: writer.temporaryPath))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["out.h5"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data("old".utf8))
    }

    func testWritingUnderADatasetFails() throws {
        let directory = try TestFiles.scratchDirectory(self)
        let path = directory.appendingPathComponent("out.h5").path
        XCTAssertThrowsError(
            try HDF5Writer.writeFile(path) { out in
                try out.write([1], to: "labels")
                try out.write([1], to: "labels/inner")
            }
        ) { error in
            let message = (error as? HDF5Error)?.localizedDescription ?? ""
            XCTAssertEqual(message, "\(path): cannot write \"labels/inner\" (\"labels\" is a dataset, not a group)")
        }
        assertHDF5Error(
            try HDF5Writer.writeFile(path) { try $0.setAttribute("a", 1, on: "nowhere") },
            "\(path): cannot write \"nowhere attribute a\" (no object \"nowhere\" in the file)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }

    func testErrorInTheCallersCodeDiscardsTheFile() throws {
        struct Interrupted: Error {}
        let directory = try TestFiles.scratchDirectory(self)
        let path = directory.appendingPathComponent("out.h5").path
        XCTAssertThrowsError(
            try HDF5Writer.writeFile(path) { out in
                try out.write([Float](repeating: 1, count: 100), shape: [10, 10], to: "embedding")
                throw Interrupted()
            }
        ) { XCTAssertTrue($0 is Interrupted) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }

    func testDroppedWriterRemovesItsTemporaryFile() throws {
        let directory = try TestFiles.scratchDirectory(self)
        let path = directory.appendingPathComponent("out.h5").path
        var temporary = ""
        do {
            let writer = try HDF5Writer(path: path)
            temporary = writer.temporaryPath
            try writer.write([1, 2, 3], to: "labels")
            XCTAssertTrue(FileManager.default.fileExists(atPath: temporary))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: temporary))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }

    func testUnwritableDestinations() throws {
        let missing = "/nonexistent-dscio-dir/sub/out.h5"
        assertHDF5Error(
            try HDF5Writer(path: missing),
            "\(missing): cannot write output (directory /nonexistent-dscio-dir/sub does not exist)")
        let directory = try TestFiles.scratchDirectory(self)
        assertHDF5Error(
            try HDF5Writer(path: directory.path), "\(directory.path): cannot write output (it is a directory)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }
}
