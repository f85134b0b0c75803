import Foundation

/// A run that cannot go ahead because of what the user asked for or handed in.
///
/// Every message is one line naming the file, the dataset and the offending value; the CLI
/// prints `errorDescription` as it is and exits with status 1.
public enum PipelineError: Error, LocalizedError, Equatable, Sendable {
    /// `--clusters` is larger than the number of samples.
    case tooManyClusters(file: String, dataset: String, clusters: Int, samples: Int)
    /// A setting outside its range, named by its command-line flag.
    case invalidSetting(flag: String, value: String, requirement: String)
    /// `--neighbors` is not in 1..<N.
    case badNeighbors(file: String, dataset: String, neighbors: Int, samples: Int)
    /// The output's folder does not exist or cannot be written.
    case outputNotWritable(path: String, reason: String)
    /// A `FILE[:DATASET]` argument that names no file.
    case badReference(String)
    /// A result file lacks something this command needs.
    case missingInResult(file: String, dataset: String)
    /// `--predict` with a method that has no out-of-sample step.
    case predictNeedsEBSC(method: String)
    /// The `--predict` file's samples do not have the shape of the clustered ones.
    case predictShapeMismatch(file: String, dataset: String, shape: [Int], expected: [Int], clusteredFile: String)

    public var errorDescription: String? {
        switch self {
        case .tooManyClusters(let file, let dataset, let clusters, let samples):
            return "\(file): --clusters \(clusters) exceeds the \(samples) samples in dataset \"\(dataset)\""
        case .invalidSetting(let flag, let value, let requirement):
            return "\(flag) \(value) must be \(requirement)"
        case .badNeighbors(let file, let dataset, let neighbors, let samples):
            return
                "\(file): --neighbors \(neighbors) must be between 1 and \(samples - 1) (dataset \"\(dataset)\" has \(samples) samples)"
        case .outputNotWritable(let path, let reason):
            return "\(path): cannot write output (\(reason))"
        case .badReference(let text):
            return "\(text): expected FILE or FILE:DATASET"
        case .missingInResult(let file, let dataset):
            return "\(file): dataset \"\(dataset)\" not found; is this a result file written by dsc cluster?"
        case .predictNeedsEBSC(let method):
            return
                "--predict labels new samples through an EBSC fit; --method \(method) has no out-of-sample step (use --method ebsc)"
        case .predictShapeMismatch(let file, let dataset, let shape, let expected, let clusteredFile):
            return
                "\(file): dataset \"\(dataset)\" holds samples of shape \(shape), but those of \(clusteredFile) are \(expected)"
        }
    }
}

/// Checks, before any long computation, that `path` could be created: its folder exists and is
/// writable, and `path` is not a folder. Throws ``PipelineError/outputNotWritable(path:reason:)``.
public func checkWritable(_ path: String, isDirectory: Bool = false) throws {
    let fm = FileManager.default
    var isDir: ObjCBool = false
    if fm.fileExists(atPath: path, isDirectory: &isDir) {
        if isDir.boolValue != isDirectory {
            throw PipelineError.outputNotWritable(
                path: path, reason: isDir.boolValue ? "it is a folder" : "it is a file")
        }
        if !fm.isWritableFile(atPath: path) {
            throw PipelineError.outputNotWritable(path: path, reason: "permission denied")
        }
        return
    }
    let parent = (path as NSString).deletingLastPathComponent
    let folder = parent.isEmpty ? "." : parent
    if !fm.fileExists(atPath: folder, isDirectory: &isDir) {
        if isDirectory { return try checkWritable(folder, isDirectory: true) }
        throw PipelineError.outputNotWritable(path: path, reason: "folder \(folder) does not exist")
    }
    if !isDir.boolValue { throw PipelineError.outputNotWritable(path: path, reason: "\(folder) is not a folder") }
    if !fm.isWritableFile(atPath: folder) {
        throw PipelineError.outputNotWritable(path: path, reason: "folder \(folder) is not writable")
    }
}

/// A `FILE[:DATASET]` argument: the file and the dataset inside it (`defaultDataset` when absent).
public struct DatasetReference: Equatable, Sendable {
    public var file: String
    public var dataset: String

    public init(file: String, dataset: String) {
        self.file = file
        self.dataset = dataset
    }

    /// Parses `FILE[:DATASET]`; the last `:` separates the two unless what follows contains a `/`
    /// that makes it look like a path (so `C:/x.h5`-like names still work as files).
    public init(parsing text: String, defaultDataset: String) throws {
        if let colon = text.lastIndex(of: ":"), colon != text.startIndex {
            let file = String(text[..<colon])
            let dataset = String(text[text.index(after: colon)...])
            if !dataset.isEmpty {
                self.init(file: file, dataset: dataset)
                return
            }
            throw PipelineError.badReference(text)
        }
        guard !text.isEmpty else { throw PipelineError.badReference(text) }
        self.init(file: text, dataset: defaultDataset)
    }
}
