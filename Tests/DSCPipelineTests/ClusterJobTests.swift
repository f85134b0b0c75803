import DSCIO
import DSCMetrics
import DSCTestSupport
import Foundation
import XCTest

@testable import DSCPipeline

/// The library path behind `dsc cluster`: validation, the run, the result file and the report.
final class ClusterJobTests: XCTestCase {
    let digits = TestFiles.dataset("digits.h5")

    /// Every setting's range is checked once, in the library, before any file is opened; the
    /// message names the command-line flag and the value.
    func testSettingsAreValidatedBeforeTheFileIsOpened() throws {
        func message(_ edit: (inout ClusterJob) -> Void) -> String? {
            var job = ClusterJob(input: "/nonexistent/file.h5", clusters: 10)
            edit(&job)
            do {
                _ = try job.validate()
                return nil
            } catch { return (error as? LocalizedError)?.errorDescription }
        }
        XCTAssertEqual(message { $0.clusters = 1 }, "--clusters 1 must be at least 2")
        XCTAssertEqual(message { $0.neighbors = 0 }, "--neighbors 0 must be at least 1")
        XCTAssertEqual(message { $0.enscLambda = 1.5 }, "--lambda 1.5 must be in (0, 1]")
        XCTAssertEqual(message { $0.restarts = 0 }, "--restarts 0 must be at least 1")
        XCTAssertEqual(message { $0.deep.batchSize = 1 }, "--batch-size 1 must be at least 2")
        XCTAssertEqual(message { $0.deep.temperature = 0 }, "temperature 0.0 must be positive")
        // Deep settings matter to EBSC only.
        XCTAssertNotEqual(
            message {
                $0.method = .spectral
                $0.deep.batchSize = 1
            }, "--batch-size 1 must be at least 2")
    }

    func testSpectralOnDigitsReachesTheIssueTarget() throws {
        // scikit-learn's kNN SpectralClustering reaches ACC 0.809 / NMI 0.856 on this set.
        let outcome = try ClusterJob(input: digits, clusters: 10, method: .spectral).run()
        let m = try XCTUnwrap(outcome.metrics)
        XCTAssertGreaterThanOrEqual(m.acc, 0.85)
        XCTAssertGreaterThanOrEqual(m.nmi, 0.85)
        XCTAssertEqual(outcome.labels.count, 1797)
        XCTAssertEqual(Set(outcome.labels).count, 10)
        XCTAssertEqual(outcome.embedding?.count, 1797 * 10)
        XCTAssertGreaterThanOrEqual(outcome.eigenvalues?.count ?? 0, 10)
        XCTAssertEqual(outcome.timings.names.last, "total")
        // The metrics are those of the labels (one contingency table, no shortcut).
        XCTAssertEqual(m.acc, Metrics.accuracy(truth: try XCTUnwrap(outcome.truth), predicted: outcome.labels))
    }

    func testSameSeedGivesSameLabels() throws {
        var job = ClusterJob(input: digits, clusters: 10, method: .spectral)
        job.seed = 7
        job.restarts = 5
        XCTAssertEqual(try job.run().labels, try job.run().labels)
    }

    func testKMeansOnDigits() throws {
        let outcome = try ClusterJob(input: digits, clusters: 10, method: .kmeans).run()
        // scikit-learn's k-means reaches ACC 0.794 / NMI 0.741 here; allow for local minima.
        XCTAssertGreaterThan(try XCTUnwrap(outcome.metrics).nmi, 0.65)
        XCTAssertNil(outcome.affinity)
        XCTAssertNotNil(outcome.inertia)
    }

    func testSelfExpressiveBaselinesOnDigits() throws {
        // Measured: EnSC ACC 0.80 (seed 0); SSC-OMP is weak on raw digits (ACC ≈ 0.17, one giant
        // cluster), as scikit-learn's OMP + spectral clustering is too.
        let ensc = try ClusterJob(input: digits, clusters: 10, method: .ensc).run()
        XCTAssertGreaterThan(try XCTUnwrap(ensc.metrics).acc, 0.6)
        XCTAssertEqual(ensc.affinity?.rows, 1797)
        let omp = try ClusterJob(input: digits, clusters: 10, method: .sscOMP).run()
        XCTAssertEqual(omp.labels.count, 1797)
        XCTAssertNotNil(omp.timings["coefficients"])
    }

    func testRowNormalizationReachesTheAffinity() throws {
        // With each coefficient row scaled to a largest value of 1, W = (|C| + |C|ᵀ)/2 has entries
        // at most 1 and, in every row, one of at least 1/2 (the row's own largest).
        var job = ClusterJob(input: digits, clusters: 10, method: .ensc)
        job.rowNormalization = .maxAbsolute
        XCTAssertTrue(
            job.parameters.contains { $0.0 == "row_normalization" && $0.1 == "maxAbsolute" }, "\(job.parameters)")
        let scaled = try XCTUnwrap(try job.run().affinity)
        job.rowNormalization = .none
        let raw = try XCTUnwrap(try job.run().affinity)
        XCTAssertEqual(scaled.indices, raw.indices, "scaling changes weights, not edges")
        XCTAssertLessThanOrEqual(scaled.values.max() ?? 0, 1 + 1e-6)
        for i in 0..<scaled.rows where scaled.indptr[i] < scaled.indptr[i + 1] {
            let rowMax = scaled.values[scaled.indptr[i]..<scaled.indptr[i + 1]].max() ?? 0
            XCTAssertGreaterThanOrEqual(rowMax, 0.5 - 1e-6, "row \(i)")
        }
        XCTAssertNotEqual(scaled.values, raw.values)
    }

    func testResultFileRoundTrip() throws {
        var job = ClusterJob(input: digits, clusters: 10, method: .spectral)
        job.restarts = 5
        let outcome = try job.run()
        let path = try TestFiles.scratchDirectory(self).appendingPathComponent("r.h5").path
        try ResultFile.write(outcome, to: path, peakMemoryBytes: 1234)
        let (back, peak) = try ResultFile.read(path)
        XCTAssertEqual(peak, 1234)
        XCTAssertEqual(back.labels, outcome.labels)
        XCTAssertEqual(back.truth, outcome.truth)
        XCTAssertEqual(back.embedding, outcome.embedding)
        XCTAssertEqual(back.eigenvalues, outcome.eigenvalues)
        XCTAssertEqual(back.method, .spectral)
        XCTAssertEqual(back.clusters, 10)
        XCTAssertEqual(back.parameters.map(\.0), outcome.parameters.map(\.0))
        XCTAssertEqual(back.parameters.map(\.1), outcome.parameters.map(\.1))
        XCTAssertEqual(back.timings.names, outcome.timings.names)
        let reader = try HDF5Reader(path: path)
        XCTAssertEqual(try reader.shape(of: "affinity/indptr"), [1798])
        XCTAssertEqual(try reader.shape(of: "embedding"), [1797, 10])
        XCTAssertEqual(try reader.stringAttribute("method"), "spectral")
    }

    func testReportFromOutcome() throws {
        var job = ClusterJob(input: digits, clusters: 10, method: .spectral)
        job.restarts = 5
        let outcome = try job.run()
        let report = ReportBuilder.input(for: outcome)
        let confusion = try XCTUnwrap(report.confusion)
        // Hungarian order puts the matched pairs on the diagonal: their sum is ACC · N.
        let diagonal = (0..<10).reduce(0) { $0 + confusion.counts[$1][$1] }
        XCTAssertEqual(Double(diagonal) / 1797, try XCTUnwrap(outcome.metrics).acc, accuracy: 1e-12)
        XCTAssertEqual(report.clusterSizes.reduce(0, +), 1797)
    }

    func testValidationErrorsNameFileDatasetAndValue() throws {
        func message(_ job: ClusterJob) -> String {
            do {
                _ = try job.run()
                return "no error"
            } catch { return (error as? LocalizedError)?.errorDescription ?? "\(error)" }
        }
        let small = TestFiles.fixture("small_float64.h5")
        XCTAssertEqual(
            message(ClusterJob(input: small, clusters: 7)),
            "\(small): --clusters 7 exceeds the 6 samples in dataset \"features\"")
        XCTAssertEqual(message(ClusterJob(input: small, clusters: 1)), "--clusters 1 must be at least 2")
        var job = ClusterJob(input: small, clusters: 2, method: .spectral)
        job.neighbors = 6
        XCTAssertTrue(message(job).contains("--neighbors 6"), message(job))
        job.neighbors = 2
        job.labelsDataset = "labels_fraction"
        XCTAssertTrue(message(job).contains("labels_fraction"), message(job))
    }

    /// Writes rows `rows` of digits' `features` and `labels` (or only the first `columns`
    /// features, and no labels) to a new file.
    func digitsSubset(
        _ rows: Range<Int>, columns: Int = 64, labels: Bool = true, in folder: URL, name: String
    ) throws -> String {
        let matrix = try HDF5Reader(path: digits).readMatrix("features")
        let truth = try HDF5Reader(path: digits).readLabels("labels")
        var values: [Float] = []
        for r in rows { values += matrix.values[(r * 64)..<(r * 64 + columns)] }
        let path = folder.appendingPathComponent(name).path
        try HDF5Writer.writeFile(path) { out in
            try out.write(values, shape: [rows.count, columns], to: "features")
            if labels { try out.write(truth[rows].map(Int64.init), to: "labels") }
        }
        return path
    }

    func testPredictLabelsASecondFileOutOfSample() throws {
        let folder = try TestFiles.scratchDirectory(self)
        let train = try digitsSubset(0..<1400, in: folder, name: "train.h5")
        // The first 200 clustered samples again, then 397 the clustering never saw.
        let seen = try digitsSubset(0..<200, labels: false, in: folder, name: "seen.h5")
        let unseen = try digitsSubset(1400..<1797, in: folder, name: "unseen.h5")
        var job = ClusterJob(input: train, clusters: 10)
        job.deep.rawFeatures = true
        job.deep.epochs = 10
        job.predictInput = seen
        let first = try job.run()
        let again = try XCTUnwrap(first.prediction)
        XCTAssertEqual(again.labels.count, 200)
        XCTAssertNil(again.truth)
        XCTAssertNil(again.metrics)
        // A clustered sample is its own strongest atom, so it keeps its cluster.
        let agree = zip(again.labels, first.labels[0..<200]).filter { $0 == $1 }.count
        XCTAssertGreaterThanOrEqual(agree, 190, "\(agree) of 200 clustered samples kept their cluster")

        job.predictInput = unseen
        let outcome = try job.run()
        XCTAssertEqual(outcome.labels, first.labels, "the same seed gives the same fit")
        let prediction = try XCTUnwrap(outcome.prediction)
        XCTAssertEqual(prediction.labels.count, 397)
        XCTAssertTrue(prediction.labels.allSatisfy { (0..<10).contains($0) })
        let truth = try HDF5Reader(path: digits).readLabels("labels")
        XCTAssertEqual(prediction.truth, Array(truth[1400..<1797]))
        // Held-out quality, against a fit whose own ACC is about 0.88.
        let acc = try XCTUnwrap(prediction.metrics).acc
        XCTAssertGreaterThanOrEqual(acc, 0.7, "held-out ACC \(acc)")
        XCTAssertTrue(outcome.timings.names.contains("predict"))
        let report = ReportBuilder.input(for: outcome)
        XCTAssertEqual(report.metrics?.first { $0.name == "predicted_acc" }?.value, acc)
        XCTAssertTrue(report.parameters.contains { $0.key == "predicted_samples" && $0.value == "397" })

        let path = folder.appendingPathComponent("r.h5").path
        try ResultFile.write(outcome, to: path)
        let reader = try HDF5Reader(path: path)
        XCTAssertEqual(try reader.readLabels("predicted/labels"), prediction.labels)
        XCTAssertEqual(try reader.readLabels("predicted/truth"), prediction.truth)
        XCTAssertEqual(try reader.stringAttribute("input", of: "predicted/labels"), unseen)
        let back = try XCTUnwrap(try ResultFile.read(path).outcome.prediction)
        XCTAssertEqual(back.input, unseen)
        XCTAssertEqual(back.labels, prediction.labels)
        XCTAssertEqual(back.truth, prediction.truth)
        XCTAssertEqual(back.metrics?.acc, acc)
    }

    func testPredictRefusesOtherMethodsAndOtherShapesBeforeWork() throws {
        func message(_ job: ClusterJob) -> String {
            do {
                _ = try job.validate()
                return "no error"
            } catch { return (error as? LocalizedError)?.errorDescription ?? "\(error)" }
        }
        let folder = try TestFiles.scratchDirectory(self)
        let train = try digitsSubset(0..<100, in: folder, name: "train.h5")
        let narrow = try digitsSubset(100..<120, columns: 60, in: folder, name: "narrow.h5")
        var job = ClusterJob(input: train, clusters: 10, method: .spectral)
        job.predictInput = narrow
        XCTAssertEqual(
            message(job),
            "--predict labels new samples through an EBSC fit; --method spectral has no out-of-sample step (use --method ebsc)"
        )
        job.method = .ebsc
        XCTAssertEqual(
            message(job), "\(narrow): dataset \"features\" holds samples of shape [60], but those of \(train) are [64]")
        job.predictInput = folder.appendingPathComponent("missing.h5").path
        XCTAssertTrue(message(job).contains("missing.h5"), message(job))
        job.predictInput = try digitsSubset(100..<120, in: folder, name: "fine.h5")
        XCTAssertEqual(message(job), "no error")
    }

    func testCheckWritable() throws {
        let dir = try TestFiles.scratchDirectory(self)
        XCTAssertNoThrow(try checkWritable(dir.appendingPathComponent("x.h5").path))
        XCTAssertNoThrow(try checkWritable(dir.appendingPathComponent("new/report").path, isDirectory: true))
        XCTAssertThrowsError(try checkWritable(dir.appendingPathComponent("missing/x.h5").path))
        XCTAssertThrowsError(try checkWritable(dir.path))
    }

    func testDatasetReferenceParsing() throws {
        XCTAssertEqual(
            try DatasetReference(parsing: "a.h5", defaultDataset: "labels"),
            DatasetReference(file: "a.h5", dataset: "labels"))
        XCTAssertEqual(
            try DatasetReference(parsing: "dir/a.h5:y", defaultDataset: "labels"),
            DatasetReference(file: "dir/a.h5", dataset: "y"))
        XCTAssertThrowsError(try DatasetReference(parsing: "a.h5:", defaultDataset: "labels"))
        XCTAssertThrowsError(try DatasetReference(parsing: "", defaultDataset: "labels"))
    }
}
